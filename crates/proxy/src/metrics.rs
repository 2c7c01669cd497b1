//! Counters for `/metrics`, in Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// (operation, outcome) → (count, total seconds).
type UpstreamTimings = BTreeMap<(&'static str, &'static str), (u64, f64)>;

#[derive(Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub inquiries_coalesced: AtomicU64,
    pub idempotent_replays: AtomicU64,
    pub menu_cache_hits: AtomicU64,
    pub staff_pin_failures: AtomicU64,
    pub staff_pin_lockouts: AtomicU64,
    upstream: Mutex<UpstreamTimings>,
}

impl Metrics {
    /// Runs one upstream call and records how long it took and how it ended.
    pub async fn time_upstream<T, E>(
        &self,
        op: &'static str,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let started = Instant::now();
        let result = call.await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        let mut map = self.upstream.lock().unwrap_or_else(|p| p.into_inner());
        let entry = map.entry((op, outcome)).or_default();
        entry.0 += 1;
        entry.1 += started.elapsed().as_secs_f64();
        result
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Ordering::Relaxed)
            );
        };
        counter(
            &mut out,
            "tableorder_http_requests_total",
            "HTTP requests served.",
            &self.requests,
        );
        counter(
            &mut out,
            "tableorder_inquiries_coalesced_total",
            "Table inquiries answered from the shared cache.",
            &self.inquiries_coalesced,
        );
        counter(
            &mut out,
            "tableorder_idempotent_replays_total",
            "Orders answered again for a resent clientOrderId.",
            &self.idempotent_replays,
        );
        counter(
            &mut out,
            "tableorder_menu_cache_hits_total",
            "Menus served from the serialised copy.",
            &self.menu_cache_hits,
        );
        counter(
            &mut out,
            "tableorder_staff_pin_failures_total",
            "Wrong staff PINs given for cash orders.",
            &self.staff_pin_failures,
        );
        counter(
            &mut out,
            "tableorder_staff_pin_lockouts_total",
            "Times a store's staff PIN was locked after wrong tries.",
            &self.staff_pin_lockouts,
        );
        let _ = writeln!(
            out,
            "# HELP tableorder_upstream_entries_skipped_total Upstream list entries that could not be read and were skipped.\n# TYPE tableorder_upstream_entries_skipped_total counter\ntableorder_upstream_entries_skipped_total {}",
            crate::upstream::skipped_entries()
        );
        let map = self.upstream.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(out, "# HELP tableorder_upstream_calls_total Calls to the upstream.\n# TYPE tableorder_upstream_calls_total counter");
        for ((op, outcome), (n, _)) in map.iter() {
            let _ = writeln!(
                out,
                "tableorder_upstream_calls_total{{op=\"{op}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        let _ = writeln!(out, "# HELP tableorder_upstream_seconds_total Time spent in upstream calls.\n# TYPE tableorder_upstream_seconds_total counter");
        for ((op, outcome), (_, secs)) in map.iter() {
            let _ = writeln!(
                out,
                "tableorder_upstream_seconds_total{{op=\"{op}\",outcome=\"{outcome}\"}} {secs:.6}"
            );
        }
        out
    }
}
