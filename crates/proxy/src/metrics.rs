//! Counters for `/metrics`, kept and written out (OpenMetrics text) by prometheus-client.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// One store.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Store {
    store: String,
}

/// How one of our orders was told on the host's list.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Matched {
    by: &'static str,
}

/// One kind of upstream call, and how it ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamCall {
    op: &'static str,
    outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Counter,
    pub inquiries_coalesced: Counter,
    pub table_inquiries_beyond_store: Counter,
    pub idempotent_replays: Counter,
    pub menu_cache_hits: Counter,
    pub staff_pin_failures: Counter,
    pub staff_pin_lockouts: Counter,
    /// Orders nobody can confirm, flagged for staff.
    pub orders_unconfirmed: Counter,
    /// Connections open now.
    pub open_connections: Gauge,
    /// Connections closed for saying nothing: before their first request, or idle.
    pub silent_connections_closed: Counter,
    /// When the upstream last answered (Unix time), and the data directory's disk.
    upstream_last_answer: Gauge,
    data_available: Gauge,
    data_size: Gauge,
    orders_matched: Family<Matched, Counter>,
    base_info_stale: Family<Store, Gauge>,
    base_info_fetched: Family<Store, Gauge>,
    upstream_calls: Family<UpstreamCall, Counter>,
    upstream_seconds: Family<UpstreamCall, Counter<f64, AtomicU64>>,
    claim_seconds: Histogram,
}

/// Registers `metric` under `name` and gives it back to be kept.
fn registered<M: prometheus_client::registry::Metric + Clone>(
    registry: &mut Registry,
    name: &str,
    help: &str,
    metric: M,
) -> M {
    registry.register(name, help, metric.clone());
    metric
}

/// The metrics kept by label (a store, a kind of call), and the claim's histogram.
struct Labelled {
    orders_matched: Family<Matched, Counter>,
    base_info_stale: Family<Store, Gauge>,
    base_info_fetched: Family<Store, Gauge>,
    upstream_calls: Family<UpstreamCall, Counter>,
    upstream_seconds: Family<UpstreamCall, Counter<f64, AtomicU64>>,
    claim_seconds: Histogram,
}

impl Labelled {
    fn registered(r: &mut Registry) -> Labelled {
        // An order is sent only once its claim is on the disk: this is how long that takes.
        let claim_buckets = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 1.0];
        Labelled {
            orders_matched: registered(r, "orders_matched", "Our orders found on the host's list, by how they were told (order number, echo, a shortened echo, or what they are).", Family::default()),
            base_info_stale: registered(r, "base_info_stale", "1 while a store's tables and menu are the last good copy, not what its POS says now.", Family::default()),
            base_info_fetched: registered(r, "base_info_fetched_at_seconds", "When a store's tables and menu were last fetched from its POS (Unix time).", Family::default()),
            upstream_calls: registered(r, "upstream_calls", "Calls to the upstream.", Family::default()),
            upstream_seconds: registered(r, "upstream_seconds", "Time spent in upstream calls.", Family::default()),
            claim_seconds: registered(r, "order_claim_seconds", "Time from an order's claim to its record being committed, before it is sent.", Histogram::new(claim_buckets)),
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut r = Registry::with_prefix("tableorder");
        let counter = |r: &mut Registry, name: &str, help: &str| {
            registered(r, name, help, Counter::default())
        };
        let gauge =
            |r: &mut Registry, name: &str, help: &str| registered(r, name, help, Gauge::default());
        let l = Labelled::registered(&mut r);
        r.register_collector(Box::new(SkippedEntries));
        Metrics {
            requests: counter(&mut r, "http_requests", "HTTP requests served."),
            inquiries_coalesced: counter(&mut r, "inquiries_coalesced", "Table inquiries answered from the shared cache."),
            table_inquiries_beyond_store: counter(&mut r, "table_inquiries_beyond_store", "Polls the store-wide inquiry could not answer for, asked of the table itself."),
            idempotent_replays: counter(&mut r, "idempotent_replays", "Orders answered again for a resent clientOrderId."),
            menu_cache_hits: counter(&mut r, "menu_cache_hits", "Menus served from the serialised copy."),
            staff_pin_failures: counter(&mut r, "staff_pin_failures", "Wrong staff PINs given for cash orders."),
            staff_pin_lockouts: counter(&mut r, "staff_pin_lockouts", "Times a store's staff PIN was locked after wrong tries."),
            orders_unconfirmed: counter(&mut r, "orders_unconfirmed", "Orders that may be on the POS and cannot be confirmed: flagged for staff."),
            open_connections: gauge(&mut r, "open_connections", "Client connections open now."),
            silent_connections_closed: counter(&mut r, "silent_connections_closed", "Connections closed for sending no request in time, or for idling."),
            upstream_last_answer: gauge(&mut r, "upstream_last_answer_seconds", "When the upstream last answered anything short of a server error (Unix time; 0: never)."),
            data_available: gauge(&mut r, "data_available_bytes", "Free space on the data directory's file system."),
            data_size: gauge(&mut r, "data_size_bytes", "Size of the data directory's file system."),
            orders_matched: l.orders_matched,
            base_info_stale: l.base_info_stale,
            base_info_fetched: l.base_info_fetched,
            upstream_calls: l.upstream_calls,
            upstream_seconds: l.upstream_seconds,
            claim_seconds: l.claim_seconds,
            registry: r,
        }
    }
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
        let labels = UpstreamCall { op, outcome };
        self.upstream_calls.get_or_create(&labels).inc();
        self.upstream_seconds
            .get_or_create(&labels)
            .inc_by(started.elapsed().as_secs_f64());
        result
    }

    /// What is read at each scrape: the upstream's last answer, the data directory's disk.
    pub fn note_now(&self, upstream_answered_at_ms: Option<i64>, data_dir: &std::path::Path) {
        self.upstream_last_answer
            .set(upstream_answered_at_ms.unwrap_or(0) / 1000);
        if let (Ok(free), Ok(size)) = (fs4::available_space(data_dir), fs4::total_space(data_dir)) {
            self.data_available
                .set(i64::try_from(free).unwrap_or(i64::MAX));
            self.data_size.set(i64::try_from(size).unwrap_or(i64::MAX));
        }
    }

    /// How a store's copy of its POS's tables and menu is, as of now.
    pub fn note_base_info(&self, store: &str, stale: bool, fetched_at_ms: Option<i64>) {
        let label = Store {
            store: store.to_string(),
        };
        self.base_info_stale
            .get_or_create(&label)
            .set(i64::from(stale));
        self.base_info_fetched
            .get_or_create(&label)
            .set(fetched_at_ms.unwrap_or(0) / 1000);
    }

    /// One of our orders was found on the host's list.
    pub fn order_matched(&self, by: crate::orders::MatchedBy) {
        use crate::orders::MatchedBy;
        let by = match by {
            MatchedBy::OrderNo => "order_no",
            MatchedBy::Echo => "echo",
            MatchedBy::ShortEcho => "short_echo",
            MatchedBy::Content => "content",
        };
        self.orders_matched.get_or_create(&Matched { by }).inc();
    }

    /// Waits for an order's claim to be committed, and records how long that took.
    pub async fn time_claim<T>(&self, claim: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let claimed = claim.await;
        self.claim_seconds.observe(started.elapsed().as_secs_f64());
        claimed
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The upstream adapter's count of list entries it could not read, read at each scrape.
#[derive(Debug)]
struct SkippedEntries;

impl Collector for SkippedEntries {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let skipped = ConstCounter::new(crate::upstream::skipped_entries());
        let metric = encoder.encode_descriptor(
            "upstream_entries_skipped",
            "Upstream list entries that could not be read and were skipped.",
            None,
            skipped.metric_type(),
        )?;
        skipped.encode(metric)
    }
}
