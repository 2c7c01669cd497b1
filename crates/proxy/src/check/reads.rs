//! The read-only checks: each call read by the adapter's own reader, and what the reader
//! does not keep looked at in the answer itself.

use super::verdicts::{list_length_row, row, Row};
use super::{empty, failed, CheckOptions, Session};
use crate::config::Config;
use crate::upstream::observe::{self, paths};
use crate::upstream::{menu_state_request, table_request, Answer, Refusal, NEVER_SEEN};
use order_core::{parse_table_id, StaffCallReason, Table};
use std::collections::BTreeSet;

/// Status codes the evidence shows; anything else is a difference.
const KNOWN_STATUSES: [&str; 6] = [
    "",
    "SMRO000068",
    "SMRO000069",
    "SMRO000070",
    "SMRO000071",
    "SMRO000088",
];

fn skipped_row(assumption: &'static str, answer: &Answer, read: usize) -> Row {
    let listed = observe::listed(answer).unwrap_or(read);
    let r = row(assumption, "every entry readable");
    if listed <= read {
        r.holds(format!("{read} of {listed} read"))
    } else {
        r.differs(
            format!("{read} of {listed} read"),
            "run with --record DIR, put the files under crates/proxy/tests/corpus/ and report the failing entries",
        )
    }
}

pub(super) async fn tables(s: &mut Session<'_>, rows: &mut Vec<Row>) -> Option<Vec<Table>> {
    let answer = match s.post(paths::TABLES, &empty(), "tables").await {
        Ok(a) => a,
        Err(e) => {
            rows.push(failed("the table list answers", &e));
            return None;
        }
    };
    let tables = match s.upstream.read_tables(s.creds, &answer) {
        Ok(t) => t,
        Err(e) => {
            let next = match e.refusal() {
                Some(Refusal::CredentialsRejected) | Some(Refusal::Other) => {
                    "check STORE_ID and SERVICE_ID with Smartro"
                }
                _ => "record the answer (--record) and compare it with UPSTREAM.md",
            };
            rows.push(
                row("the table list answers", "a list of tables").differs(e.to_string(), next),
            );
            return None;
        }
    };
    rows.push(row("credentials", "accepted").holds("accepted"));
    rows.push(skipped_row("table list entries", &answer, tables.len()));
    let with_dash: Vec<&str> = tables
        .iter()
        .filter(|t| parse_table_id(&t.id).is_none() || t.id.matches('-').count() != 1)
        .map(|t| t.id.as_str())
        .collect();
    let r = row(
        "floor and table codes",
        "no '-' in either (our table id is FLR-TBL)",
    );
    rows.push(if with_dash.is_empty() {
        r.holds(format!("{} tables, none with '-'", tables.len()))
    } else {
        r.differs(
            format!("{} with '-': {}", with_dash.len(), with_dash.join(", ")),
            "these tables cannot be told apart: ask Smartro, or rename them on the POS",
        )
    });
    Some(tables)
}

pub(super) async fn menu_state(s: &mut Session<'_>, rows: &mut Vec<Row>) {
    let answer = match s
        .post(
            paths::MENU_STATE,
            &menu_state_request(NEVER_SEEN),
            "menu-state",
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return rows.push(failed("menu/state answers", &e)),
    };
    let state = match s.upstream.read_menu_state(s.creds, &answer) {
        Ok(st) => st,
        Err(e) => {
            return rows.push(
                row("menu/state answers", "UPDATE_YN, UPDATE_DTIME")
                    .differs(e.to_string(), "record the answer (--record) and report it"),
            )
        }
    };
    let r = row(
        "menu change stamp",
        "yyyyMMddHHmmss or longer; its first 14 kept",
    );
    let parses = chrono::NaiveDateTime::parse_from_str(&state.stamp, "%Y%m%d%H%M%S").is_ok();
    rows.push(if parses {
        r.holds(state.stamp.clone())
    } else {
        r.differs(
            format!("{:?}", state.stamp),
            "the menu is fetched again at every check: ask Smartro what UPDATE_DTIME holds",
        )
    });
    let r = row("business open in menu/state", "OPEN_YN Y/N, or absent");
    rows.push(match state.open {
        Some(open) => r.holds(format!("OPEN_YN {}", if open { "Y" } else { "N" })),
        None if observe::carries(&answer, "OPEN_YN") => {
            r.differs("OPEN_YN neither Y nor N", "report the value")
        }
        None => r.holds("absent: open or closed is learnt from refusals"),
    });
}

pub(super) async fn menu(s: &mut Session<'_>, rows: &mut Vec<Row>) -> Vec<StaffCallReason> {
    let answer = match s.post(paths::MENU, &empty(), "menu").await {
        Ok(a) => a,
        Err(e) => {
            rows.push(failed("the menu answers", &e));
            return Vec::new();
        }
    };
    let skipped_before = crate::upstream::skipped_entries();
    let menu = match s.upstream.read_menu(s.creds, &answer) {
        Ok(m) => m,
        Err(e) => {
            rows.push(
                row("the menu answers", "[{ITEM_GROUP_LIST}]")
                    .differs(e.to_string(), "record the answer (--record) and report it"),
            );
            return Vec::new();
        }
    };
    let skipped = crate::upstream::skipped_entries().saturating_sub(skipped_before);
    let items: usize = menu.categories.iter().map(|c| c.items.len()).sum();
    let r = row("menu entries", "every shown item readable");
    rows.push(if skipped == 0 {
        r.holds(format!(
            "{items} items, {} staff-call reasons",
            menu.staff_calls.len()
        ))
    } else {
        r.differs(
            format!("{skipped} entries skipped"),
            "run with --record DIR and put the files under crates/proxy/tests/corpus/",
        )
    });
    let extras: Vec<&str> = ["MIN_CNT", "MAX_CNT", "SOLD_OUT_YN"]
        .into_iter()
        .filter(|f| observe::carries(&answer, f))
        .collect();
    rows.push(
        row(
            "option bounds and sold out",
            "MIN_CNT/MAX_CNT/SOLD_OUT_YN absent unless sent",
        )
        .holds(if extras.is_empty() {
            "none sent: at most one option per group, none required".to_string()
        } else {
            format!("sent: {}", extras.join(", "))
        }),
    );
    rows.push(numbers_row(&answer));
    menu.staff_calls
}

fn numbers_row(answer: &Answer) -> Row {
    let mixed: Vec<String> = observe::number_forms(answer)
        .into_iter()
        .map(|(field, (num, text))| {
            let how = match (num, text) {
                (true, true) => "both",
                (true, false) => "number",
                _ => "string",
            };
            format!("{field} {how}")
        })
        .collect();
    row(
        match answer.path {
            paths::MENU => "menu numbers",
            _ => "inquiry numbers",
        },
        "a number or a string of digits, either read",
    )
    .holds(if mixed.is_empty() {
        "none".to_string()
    } else {
        mixed.join(", ")
    })
}

/// What the tables' inquiries showed, gathered over the tables read.
#[derive(Default)]
struct Listed {
    lengths: Vec<usize>,
    statuses: BTreeSet<String>,
    flags: BTreeSet<String>,
    /// Orders timed more than ten minutes ahead of this machine's clock.
    future: Vec<String>,
    /// The row on the order numbers, from the first table that lists any.
    numbers: Option<Row>,
}

pub(super) async fn inquiries(
    s: &mut Session<'_>,
    tables: &[Table],
    config: &Config,
    options: &CheckOptions,
    rows: &mut Vec<Row>,
) {
    let mut listed = Listed::default();
    for t in tables.iter().take(options.tables_read) {
        if let Err(failed) = read_table(s, t, &mut listed, rows).await {
            return rows.push(failed);
        }
    }
    rows.extend(listed.numbers.take());
    listed_rows(&listed, config, rows);
}

/// One table's inquiry, its answer added to `listed`; the row that ends the check when it
/// cannot be asked or read.
async fn read_table(
    s: &mut Session<'_>,
    t: &Table,
    listed: &mut Listed,
    rows: &mut Vec<Row>,
) -> Result<(), Row> {
    let Some((floor, tbl)) = parse_table_id(&t.id) else {
        return Ok(());
    };
    let name = format!("table-orders-{}", t.id);
    let answer = s
        .post(paths::TABLE_ORDERS, &table_request(floor, tbl), &name)
        .await
        .map_err(|e| failed("a table's inquiry answers", &e))?;
    let read = s
        .upstream
        .read_table_orders(s.creds, &answer)
        .map_err(|e| {
            row("a table's inquiry answers", "ORDER_LIST")
                .differs(e.to_string(), "record the answer (--record) and report it")
        })?;
    if read.orders.orders.len() < observe::listed(&answer).unwrap_or(0) {
        rows.push(skipped_row(
            "inquiry entries",
            &answer,
            read.orders.orders.len(),
        ));
    }
    listed.lengths.push(read.orders.orders.len());
    let zone = s.upstream.host().time_zone;
    let ahead = chrono::Utc::now() + chrono::Duration::minutes(10);
    for e in observe::entries(&answer) {
        listed.statuses.insert(e.status_code.clone());
        listed.flags.insert(e.success_flag.clone());
        let at = crate::kst::from_pos_in(zone, &e.date, &e.time);
        if at.is_some_and(|at| at > ahead) {
            listed.future.push(e.order_no);
        }
    }
    if listed.numbers.is_none() && !read.orders.orders.is_empty() {
        listed.numbers = Some(numbers_row(&answer));
    }
    Ok(())
}

/// The rows on what the tables' lists showed: status codes, success flags, list length and
/// the orders' time zone.
fn listed_rows(listed: &Listed, config: &Config, rows: &mut Vec<Row>) {
    let unknown: Vec<String> = listed
        .statuses
        .iter()
        .filter(|c| !KNOWN_STATUSES.contains(&c.as_str()))
        .cloned()
        .collect();
    let r = row(
        "order status codes",
        "SMRO000068/69/70/71/88, or none while waiting",
    );
    rows.push(if unknown.is_empty() {
        r.holds(seen_list(&listed.statuses))
    } else {
        r.differs(
            format!("unknown: {}", unknown.join(", ")),
            "orders in these are taken as waiting: ask Smartro what each means",
        )
    });
    let flags = &listed.flags;
    let odd: Vec<&String> = flags
        .iter()
        .filter(|f| !["", "Y", "N"].contains(&f.as_str()))
        .collect();
    let r = row("SUCCESS_FLAG values", "\"\", Y or N");
    rows.push(if odd.is_empty() {
        r.holds(format!("{flags:?}"))
    } else {
        r.differs(format!("{odd:?}"), "ask Smartro what each means")
    });
    rows.push(list_length_row(
        config.upstream.table_inquiry_limit,
        &listed.lengths,
    ));
    let r = row(
        "order times' zone (listed orders)",
        config.upstream.time_zone.clone(),
    );
    rows.push(if listed.future.is_empty() {
        r.holds("no order in the future")
    } else {
        r.differs(
            format!("{} orders in the future", listed.future.len()),
            "the host writes times in a zone west of this one: run with --test-table to measure it",
        )
    });
}

/// Values as listed, `""` for an empty one; `none` when there were none.
fn seen_list(values: &BTreeSet<String>) -> String {
    if values.is_empty() {
        return "no orders listed".into();
    }
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn store_wide(s: &mut Session<'_>, config: &Config, rows: &mut Vec<Row>) {
    let answer = match s.post(paths::STORE_ORDERS, &empty(), "store-orders").await {
        Ok(a) => a,
        Err(e) => return rows.push(failed("the store-wide inquiry answers", &e)),
    };
    match s.upstream.read_store_orders(s.creds, &answer) {
        Ok(orders) => {
            let mut per_table = std::collections::BTreeMap::<&str, usize>::new();
            for o in &orders {
                *per_table.entry(&o.table).or_default() += 1;
            }
            let most = per_table.values().copied().max().unwrap_or(0);
            let taught = config.upstream.store_inquiry_per_table;
            let expected = if taught == 0 {
                "every table's newest orders (assumed 5 each; not taught)".to_string()
            } else {
                format!("every table's newest orders, {taught} each")
            };
            let seen = format!("{} orders, {most} at most per table", orders.len());
            let r = row("store-wide inquiry", expected);
            rows.push(if taught != 0 && most > taught {
                r.differs(
                    seen,
                    format!("set [upstream] store_inquiry_per_table = {most} (or 0)"),
                )
            } else if taught == 0 && most > 0 {
                r.holds(format!(
                    "{seen}: where a busy table's own inquiry lists more than {most}, {most} is \
                     the limit: set [upstream] store_inquiry_per_table = {most}"
                ))
            } else {
                r.holds(seen)
            });
        }
        Err(e) => rows.push(
            row("store-wide inquiry", "ORDER_LIST")
                .differs(e.to_string(), "record the answer (--record) and report it"),
        ),
    }
}

/// A table no store has: the host's refusal, its HTTP status and its code.
pub(super) async fn bad_request(s: &mut Session<'_>, rows: &mut Vec<Row>) {
    let answer = match s
        .post(
            paths::TABLE_ORDERS,
            &table_request("ZZZZ", "ZZZZ"),
            "unknown-table",
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return rows.push(failed("a refusal answers", &e)),
    };
    let r = row(
        "refusals",
        "HTTP 2xx with an ERRCODE (a 5xx is taken as in doubt)",
    );
    let Some((code, msg)) = observe::refusal(&answer) else {
        return rows.push(r.unknown(
            format!(
                "HTTP {} without an ERRCODE for a table that does not exist",
                answer.status
            ),
            "ask Smartro how an unknown table is refused",
        ));
    };
    rows.push(if (200..300).contains(&answer.status) {
        r.holds(format!("HTTP {}", answer.status))
    } else {
        r.differs(
            format!("HTTP {}", answer.status),
            "refusals in 4xx are still definite; a 5xx refusal leaves orders in doubt: report it",
        )
    });
    let taught = s.upstream.host().refusals.refusal_for(&code);
    let r = row(
        "refusal code of an unknown table",
        format!("{:?}", s.upstream.host().refusals.unknown_table),
    );
    rows.push(if taught == Refusal::UnknownTable {
        r.holds(format!("{code} ({msg})"))
    } else {
        r.differs(
            format!("{code} ({msg})"),
            format!("add \"{code}\" to [upstream.refusals] unknown_table; the owner's status page lists every other code the host sends"),
        )
    });
}
