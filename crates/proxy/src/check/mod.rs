//! `tableorder check-upstream`: what a partner runs against the real host on the first day.
//! It reads the table list, `menu/state`, the menu, the tables' inquiries and the store-wide
//! one with the adapter's own readers, checks every assumption the adapter makes, and with
//! `--test-table` places one staff call (no cost, nothing printed) and follows it. One row
//! per assumption; `--record DIR` keeps every answer, redacted, for the adapter's corpus.

pub mod verdicts;

use crate::config::Config;
use crate::upstream::observe;
use crate::upstream::{Answer, OutgoingOrder, StoreCredentials, Upstream, UpstreamError};
use order_core::{OrderKind, StaffCallReason, Table, Won};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use verdicts::{row, Row};

/// What to check, and how.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub store: String,
    /// `FLR-TBL`: place one staff call there and follow it.
    pub test_table: Option<String>,
    /// Keep every answer here, redacted.
    pub record: Option<PathBuf>,
    /// How long the test call is followed.
    pub follow: Duration,
    /// How many tables' inquiries are read (the busiest tell the list's length).
    pub tables_read: usize,
}

/// The calls made, kept in order for `--record`.
struct Session<'a> {
    upstream: &'a Upstream,
    creds: &'a StoreCredentials,
    record: Option<PathBuf>,
    calls: usize,
}

impl Session<'_> {
    async fn post(
        &mut self,
        path: &'static str,
        request: &serde_json::Value,
        name: &str,
    ) -> Result<Answer, UpstreamError> {
        let answer = self.upstream.post(path, self.creds, request).await?;
        self.keep(&answer, name);
        Ok(answer)
    }

    /// Writes the answer, redacted, into the record directory (when there is one).
    fn keep(&mut self, answer: &Answer, name: &str) {
        self.calls += 1;
        if let Some(dir) = &self.record {
            let file = dir.join(format!("{:03}-{name}.json", self.calls));
            let text = serde_json::to_string_pretty(&observe::recorded(answer)).unwrap_or_default();
            if let Err(e) = std::fs::write(&file, text) {
                tracing::warn!(file = %file.display(), error = %e, "could not record an answer");
            }
        }
    }
}

/// Runs every check; the rows in the order they were made.
pub async fn run(
    upstream: &Upstream,
    creds: &StoreCredentials,
    config: &Config,
    options: &CheckOptions,
) -> Vec<Row> {
    if let Some(dir) = &options.record {
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot make the record directory");
        }
    }
    let mut s = Session {
        upstream,
        creds,
        record: options.record.clone(),
        calls: 0,
    };
    let mut rows = Vec::new();
    let tables = match reads::tables(&mut s, &mut rows).await {
        Some(t) => t,
        None => return rows,
    };
    reads::menu_state(&mut s, &mut rows).await;
    let staff_calls = reads::menu(&mut s, &mut rows).await;
    reads::inquiries(&mut s, &tables, config, options, &mut rows).await;
    reads::store_wide(&mut s, config, &mut rows).await;
    reads::bad_request(&mut s, &mut rows).await;
    if let Some(table) = &options.test_table {
        test_call::run(
            &mut s,
            table,
            &tables,
            &staff_calls,
            config,
            options,
            &mut rows,
        )
        .await;
    }
    rows
}

/// Checks the configured host for `options.store`: the upstream and credentials come from
/// the configuration, as `serve` takes them.
pub async fn against_config(config: &Config, options: &CheckOptions) -> Result<Vec<Row>, String> {
    let url = config
        .upstream
        .url
        .as_deref()
        .ok_or("no upstream: give --upstream or set [upstream] url")?;
    let creds = config
        .credentials(&options.store)
        .ok_or_else(|| format!("no store {:?} in the configuration", options.store))?;
    let limits = &config.limits;
    let upstream = Upstream::with_host(
        url,
        Duration::from_millis(limits.upstream_connect_timeout_ms),
        Duration::from_millis(limits.upstream_timeout_ms),
        config.upstream.host()?,
    )
    .map_err(|e| e.to_string())?;
    Ok(run(&upstream, &creds, config, options).await)
}

/// Every row holds.
pub fn all_hold(rows: &[Row]) -> bool {
    !rows.is_empty() && rows.iter().all(|r| r.verdict == verdicts::Verdict::Holds)
}

fn failed(assumption: &'static str, e: &UpstreamError) -> Row {
    row(assumption, "an answer").unknown(
        format!("no answer: {e}"),
        "check the upstream URL, the network and the store's credentials, then run again",
    )
}

mod reads;
mod test_call;

/// A staff call as a connection check: no cost, nothing printed, a memo that says so.
fn check_call<'a>(
    number: &'a str,
    floor: &'a str,
    table: &'a str,
    kind: OrderKind,
    bill: Option<&'a str>,
    latest: Option<&'a str>,
    priced: &'a order_core::pricing::PricedOrder,
) -> OutgoingOrder<'a> {
    OutgoingOrder {
        partner_order_no: number,
        floor,
        table,
        kind,
        open_order_no: bill,
        latest_order_no: latest,
        priced,
        payments: &[],
        staff_call: true,
    }
}

/// The memo of the test call.
pub const CHECK_MEMO: &str = "직원호출 - 연결 확인 (tableorder check-upstream)";

fn check_priced(reasons: &[StaffCallReason]) -> order_core::pricing::PricedOrder {
    let first: Vec<&StaffCallReason> = reasons.iter().take(1).collect();
    let mut priced = crate::upstream::staff_call_order(&first, !first.is_empty());
    priced.memo = CHECK_MEMO.to_string();
    priced.total = Won::ZERO;
    priced
}

fn table_of<'a>(tables: &'a [Table], id: &str) -> Option<&'a Table> {
    tables.iter().find(|t| t.id == id)
}

fn elapsed_ms(since: Instant) -> u128 {
    since.elapsed().as_millis()
}

/// The JSON of a request with no fields of its own.
fn empty() -> serde_json::Value {
    json!({})
}
