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

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("tableorder");
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let requests = counter(&mut registry, "http_requests", "HTTP requests served.");
        let inquiries_coalesced = counter(
            &mut registry,
            "inquiries_coalesced",
            "Table inquiries answered from the shared cache.",
        );
        let table_inquiries_beyond_store = counter(
            &mut registry,
            "table_inquiries_beyond_store",
            "Polls the store-wide inquiry could not answer for, asked of the table itself.",
        );
        let idempotent_replays = counter(
            &mut registry,
            "idempotent_replays",
            "Orders answered again for a resent clientOrderId.",
        );
        let menu_cache_hits = counter(
            &mut registry,
            "menu_cache_hits",
            "Menus served from the serialised copy.",
        );
        let staff_pin_failures = counter(
            &mut registry,
            "staff_pin_failures",
            "Wrong staff PINs given for cash orders.",
        );
        let staff_pin_lockouts = counter(
            &mut registry,
            "staff_pin_lockouts",
            "Times a store's staff PIN was locked after wrong tries.",
        );
        let orders_unconfirmed = counter(
            &mut registry,
            "orders_unconfirmed",
            "Orders that may be on the POS and cannot be confirmed: flagged for staff.",
        );
        let open_connections = Gauge::default();
        registry.register(
            "open_connections",
            "Client connections open now.",
            open_connections.clone(),
        );
        let silent_connections_closed = counter(
            &mut registry,
            "silent_connections_closed",
            "Connections closed for sending no request in time, or for idling.",
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let upstream_last_answer = gauge(
            &mut registry,
            "upstream_last_answer_seconds",
            "When the upstream last answered anything short of a server error (Unix time; 0: never).",
        );
        let data_available = gauge(
            &mut registry,
            "data_available_bytes",
            "Free space on the data directory's file system.",
        );
        let data_size = gauge(
            &mut registry,
            "data_size_bytes",
            "Size of the data directory's file system.",
        );
        let orders_matched = Family::<Matched, Counter>::default();
        registry.register(
            "orders_matched",
            "Our orders found on the host's list, by how they were told (order number, echo, a shortened echo, or what they are).",
            orders_matched.clone(),
        );
        let base_info_stale = Family::<Store, Gauge>::default();
        registry.register(
            "base_info_stale",
            "1 while a store's tables and menu are the last good copy, not what its POS says now.",
            base_info_stale.clone(),
        );
        let base_info_fetched = Family::<Store, Gauge>::default();
        registry.register(
            "base_info_fetched_at_seconds",
            "When a store's tables and menu were last fetched from its POS (Unix time).",
            base_info_fetched.clone(),
        );
        let upstream_calls = Family::<UpstreamCall, Counter>::default();
        registry.register(
            "upstream_calls",
            "Calls to the upstream.",
            upstream_calls.clone(),
        );
        let upstream_seconds = Family::<UpstreamCall, Counter<f64, AtomicU64>>::default();
        registry.register(
            "upstream_seconds",
            "Time spent in upstream calls.",
            upstream_seconds.clone(),
        );
        // An order is sent only once its claim is on the disk: this is how long that takes.
        let claim_seconds =
            Histogram::new([0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1, 1.0]);
        registry.register(
            "order_claim_seconds",
            "Time from an order's claim to its record being committed, before it is sent.",
            claim_seconds.clone(),
        );
        registry.register_collector(Box::new(SkippedEntries));
        Metrics {
            registry,
            requests,
            inquiries_coalesced,
            table_inquiries_beyond_store,
            idempotent_replays,
            menu_cache_hits,
            staff_pin_failures,
            staff_pin_lockouts,
            orders_unconfirmed,
            open_connections,
            silent_connections_closed,
            upstream_last_answer,
            data_available,
            data_size,
            orders_matched,
            base_info_stale,
            base_info_fetched,
            upstream_calls,
            upstream_seconds,
            claim_seconds,
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
