//! The one write `check-upstream` makes, and only when asked (`--test-table`): a staff call
//! at no cost with nothing printed, followed on the table's inquiry to see how the host
//! answers, echoes, lists and times an order.

use super::verdicts::{echo_row, offset_text, row, zone_correction, Row};
use super::{check_call, check_priced, elapsed_ms, failed, table_of, CheckOptions, Session};
use crate::config::Config;
use crate::upstream::observe::{self, paths, EntryAsSent};
use crate::upstream::{partner_order_no, table_request, UpstreamError};
use order_core::{parse_table_id, OrderKind, StaffCallReason, Table};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How often the test call is looked for.
const FOLLOW_EVERY: Duration = Duration::from_millis(250);
/// Listed within this long counts as at once: about the time one look takes.
const AT_ONCE_MS: u128 = 300;

pub(super) async fn run(
    s: &mut Session<'_>,
    table: &str,
    tables: &[Table],
    staff_calls: &[StaffCallReason],
    config: &Config,
    options: &CheckOptions,
    rows: &mut Vec<Row>,
) {
    let Some((floor, tbl)) = table_of(tables, table).and_then(|t| parse_table_id(&t.id)) else {
        return rows.push(row("test table", "on the table list").differs(
            format!("{table:?} is not"),
            "pick a table from the list (FLR-TBL)",
        ));
    };
    let now = match table_now(s, floor, tbl).await {
        Ok(now) => now,
        Err(failed) => return rows.push(failed),
    };
    let listed_before: BTreeSet<String> = now.listed.iter().cloned().collect();
    let bill = now.orders.open_order_no.clone();
    let kind = if bill.is_some() {
        OrderKind::Add
    } else {
        OrderKind::New
    };
    let number = partner_order_no(
        &options.store,
        &format!("check-upstream-{}", crate::ledger::now_ms()),
    );
    let priced = check_priced(staff_calls);
    let order = check_call(
        &number,
        floor,
        tbl,
        kind,
        bill.as_deref(),
        now.latest_order_no.as_deref(),
        &priced,
    );
    let sent_at = chrono::Utc::now();
    let answer = match s.upstream.send_order(s.creds, &order).await {
        Ok(a) => a,
        Err(e) => return rows.push(failed("the test call answers", &e)),
    };
    s.keep(&answer, "test-call");
    match s.upstream.read_received(s.creds, &answer, &number) {
        Err(UpstreamError::Refused { code, message, .. }) => {
            return rows.push(row("the test call is taken", "received").differs(
                format!("refused: {code} {message}"),
                "read the host's words; teach the code in [upstream.refusals] if it names a state",
            ));
        }
        Err(e) if !e.is_ambiguous() => return rows.push(failed("the test call answers", &e)),
        _ => {}
    }
    let ack = observe::ack(&answer);
    answer_rows(&ack, &number, rows);
    let followed = follow(s, floor, tbl, &listed_before, &ack.order_no, options.follow).await;
    report(rows, &number, followed, sent_at, config, options.follow);
}

/// The test table's orders before the call; the row that ends the check when they cannot
/// be had.
async fn table_now(
    s: &mut Session<'_>,
    floor: &str,
    tbl: &str,
) -> Result<crate::upstream::TableInquiry, Row> {
    let before = s
        .post(
            paths::TABLE_ORDERS,
            &table_request(floor, tbl),
            "test-table-before",
        )
        .await
        .map_err(|e| failed("the test table's inquiry answers", &e))?;
    s.upstream.read_table_orders(s.creds, &before).map_err(|_| {
        row("the test table's inquiry answers", "ORDER_LIST")
            .unknown("unreadable", "see the rows above")
    })
}

/// Whether the call's answer carries its number and echoes ours.
fn answer_rows(ack: &observe::AckAsSent, number: &str, rows: &mut Vec<Row>) {
    let r = row(
        "order answer carries OBJ",
        "ORDERNO and MCHT_ORDERNO in OBJ",
    );
    rows.push(match (ack.has_obj, ack.order_no.is_empty()) {
        (true, false) => r.holds(format!("ORDERNO {}", ack.order_no)),
        _ => r.differs(
            "no OBJ, or no ORDERNO in it",
            "nothing to teach: the order's number is looked up on the table",
        ),
    });
    rows.push(echo_row(
        "MCHT_ORDERNO in the order answer",
        number,
        ack.has_obj.then_some(ack.echo.as_str()),
    ));
}

/// What following the test call saw.
struct Followed {
    listed_after_ms: Option<u128>,
    entry: Option<EntryAsSent>,
    /// (ms after the send, status code, SUCCESS_FLAG) each time they changed.
    statuses: Vec<(u128, String, String)>,
}

async fn follow(
    s: &mut Session<'_>,
    floor: &str,
    tbl: &str,
    listed_before: &BTreeSet<String>,
    order_no: &str,
    for_how_long: Duration,
) -> Followed {
    let started = Instant::now();
    let mut seen = Followed {
        listed_after_ms: None,
        entry: None,
        statuses: Vec::new(),
    };
    while started.elapsed() < for_how_long {
        if let Ok(answer) = s
            .upstream
            .post(paths::TABLE_ORDERS, s.creds, &table_request(floor, tbl))
            .await
        {
            let entries = observe::entries(&answer);
            // Ours: the number the answer gave, or else the newest order not listed before.
            let ours = entries
                .iter()
                .find(|e| !order_no.is_empty() && e.order_no == order_no)
                .or_else(|| {
                    entries
                        .iter()
                        .find(|e| !listed_before.contains(&e.order_no))
                });
            if let Some(e) = ours {
                let at = elapsed_ms(started);
                seen.listed_after_ms.get_or_insert(at);
                let changed = seen.statuses.last().is_none_or(|(_, code, flag)| {
                    *code != e.status_code || *flag != e.success_flag
                });
                if changed {
                    seen.statuses
                        .push((at, e.status_code.clone(), e.success_flag.clone()));
                    s.keep(&answer, "test-call-listed");
                }
                seen.entry = Some(e.clone());
            }
        }
        tokio::time::sleep(FOLLOW_EVERY).await;
    }
    seen
}

fn report(
    rows: &mut Vec<Row>,
    number: &str,
    seen: Followed,
    sent_at: chrono::DateTime<chrono::Utc>,
    config: &Config,
    window: Duration,
) {
    let r = row("a new order is listed", "at once");
    rows.push(match seen.listed_after_ms {
        Some(ms) if ms <= AT_ONCE_MS => r.holds(format!("after {ms} ms")),
        Some(ms) => r.differs(format!("after {ms} ms"), format!("set [upstream] listed_within_ms = {}", (ms * 2).div_ceil(1000) * 1000)),
        None => r.differs(
            format!("not within {} s", window.as_secs()),
            "run again with a longer --follow-secs; until then set [upstream] listed_within_ms high",
        ),
    });
    rows.push(echo_row(
        "MCHT_ORDERNO in the inquiry",
        number,
        seen.entry.as_ref().map(|e| e.echo.as_str()),
    ));
    rows.push(zone_row(seen.entry.as_ref(), sent_at, config));
    rows.push(statuses_row(&seen.statuses));
}

/// Whether the test call's time, read in the configured zone, is the time it was sent.
fn zone_row(
    entry: Option<&EntryAsSent>,
    sent_at: chrono::DateTime<chrono::Utc>,
    config: &Config,
) -> Row {
    let r = row("order times' zone", config.upstream.time_zone.clone());
    let zone =
        crate::upstream::parse_time_zone(&config.upstream.time_zone).unwrap_or(crate::kst::KST);
    let Some(at) = entry.and_then(|e| crate::kst::from_pos_in(zone, &e.date, &e.time)) else {
        return r.unknown(
            "the test call's time was not seen",
            "place the test call again",
        );
    };
    let off = (at.timestamp() - sent_at.timestamp()).clamp(-86_400, 86_400);
    match zone_correction(off) {
        None => r.holds(format!(
            "the test call's time within {}s of ours",
            off.abs()
        )),
        Some(corr) => {
            // Read in our zone, the host's local time came out `corr` off: its zone is that
            // much east of ours.
            let right = i64::from(zone.local_minus_utc()) + corr;
            r.differs(
                format!("the test call's time {}s off ours", off),
                format!("set [upstream] time_zone = \"{}\"", offset_text(right)),
            )
        }
    }
}

/// The statuses the test call went through, and whether each is one the adapter knows.
fn statuses_row(seen: &[(u128, String, String)]) -> Row {
    let statuses: Vec<String> = seen
        .iter()
        .map(|(ms, code, flag)| {
            let code = if code.is_empty() { "(none)" } else { code };
            let flag = if flag.is_empty() {
                String::new()
            } else {
                format!(" SUCCESS_FLAG {flag}")
            };
            format!("{:.1}s {code}{flag}", *ms as f64 / 1000.0)
        })
        .collect();
    let r = row(
        "statuses of the test call",
        "none while waiting, then SMRO000068/69",
    );
    let odd = seen
        .iter()
        .any(|(_, c, _)| !c.is_empty() && !c.starts_with("SMRO0000"));
    if statuses.is_empty() {
        r.unknown("not listed", "place the test call again")
    } else if odd {
        r.differs(statuses.join(" → "), "ask Smartro what each code means")
    } else {
        r.holds(statuses.join(" → "))
    }
}
