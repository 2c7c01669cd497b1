//! The config's sections, each with its defaults.

use crate::upstream::{HostSettings, RefusalCodes};
use order_core::ClientConfig;
use serde::Deserialize;
use std::path::PathBuf;

/// `[upstream]`: the host's address, and what `tableorder check-upstream` found it to do
/// where UPSTREAM.md could only assume. `upstream = "https://…"` alone sets the address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpstreamConfig {
    /// Smartro's base URL. Absent: the simulator runs inside the proxy.
    pub url: Option<String>,
    /// The zone of ORDER_DATE and ORDER_TIME: `"+09:00"` (assumed), `"UTC"`, …
    pub time_zone: String,
    /// The most orders a table's inquiry lists (assumed 10): a list this long may hide older
    /// orders, so an order missing from it is not taken as never placed.
    pub table_inquiry_limit: usize,
    /// The most orders the store-wide inquiry lists per table, when `check-upstream` has
    /// seen it (a table listed with fewer than its own inquiry shows); 0 (unknown): each
    /// list is trusted only as far as it shows, so more tables are asked on their own.
    pub store_inquiry_per_table: usize,
    /// How long the host may take to list an order it received (assumed at once): an order
    /// in doubt is taken as never placed only when it is still missing after this and the
    /// upstream timeout.
    pub listed_within_ms: u64,
    /// Which ERRCODE values mean what (`[upstream.refusals]`).
    pub refusals: RefusalCodes,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        let host = HostSettings::default();
        UpstreamConfig {
            url: None,
            time_zone: "+09:00".into(),
            table_inquiry_limit: host.table_inquiry_limit,
            store_inquiry_per_table: 0,
            listed_within_ms: 0,
            refusals: host.refusals,
        }
    }
}

impl UpstreamConfig {
    /// What the adapter reads the host's answers by.
    pub fn host(&self) -> Result<HostSettings, String> {
        self.refusals.check()?;
        if self.table_inquiry_limit == 0 {
            return Err("table_inquiry_limit: an inquiry lists at least one order".into());
        }
        Ok(HostSettings {
            refusals: self.refusals.clone(),
            time_zone: crate::upstream::parse_time_zone(&self.time_zone)?,
            table_inquiry_limit: self.table_inquiry_limit,
        })
    }
}

#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub store_id: String,
    pub service_id: String,
    /// The name guests see. Smartro sends none; the slug is shown when this is empty.
    pub name: String,
    /// The most one order may cost (won) and hold (items) here; the `[limits]` ones if unset.
    pub max_order_total: Option<i64>,
    pub max_order_items: Option<u32>,
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreConfig")
            .field("store_id", &self.store_id)
            .finish_non_exhaustive()
    }
}

/// What the widget is told about the upstream's timing (`GET /api/v1/config`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimingConfig {
    pub poll_interval_ms: u64,
    pub accept_window_ms: u64,
    pub occupied_retry_ms: u64,
    pub max_occupied_retries: u32,
}

impl Default for TimingConfig {
    fn default() -> Self {
        let c = ClientConfig::default();
        TimingConfig {
            poll_interval_ms: c.poll_interval_ms,
            accept_window_ms: c.accept_window_ms,
            occupied_retry_ms: c.occupied_retry_ms,
            max_occupied_retries: c.max_occupied_retries,
        }
    }
}

impl From<TimingConfig> for ClientConfig {
    fn from(t: TimingConfig) -> ClientConfig {
        ClientConfig {
            poll_interval_ms: t.poll_interval_ms,
            accept_window_ms: t.accept_window_ms,
            occupied_retry_ms: t.occupied_retry_ms,
            max_occupied_retries: t.max_occupied_retries,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RefreshConfig {
    /// Tables and menu fetched again in full (the guide recommends daily).
    pub full_secs: u64,
    /// A cheap `menu/state` check.
    pub check_secs: u64,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        RefreshConfig {
            full_secs: 24 * 3600,
            check_secs: 300,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    pub body_bytes: usize,
    pub upstream_connect_timeout_ms: u64,
    pub upstream_timeout_ms: u64,
    pub request_timeout_ms: u64,
    /// A client that has not sent a request's headers by then is disconnected, counted
    /// from the connection's accept (HTTP/2's preface included) and for each later request.
    pub header_read_timeout_ms: u64,
    /// A connection with no bytes either way and no request under way this long is closed
    /// (idle keep-alive, HTTP/2 without frames).
    pub idle_timeout_ms: u64,
    /// Open connections at most; beyond, new ones wait in the kernel's queue.
    pub max_connections: usize,
    /// After a shutdown signal, connections get this long to finish (a client that never
    /// finishes its request must not keep the server up).
    pub shutdown_grace_ms: u64,
    /// How long a clientOrderId's answer is kept for replays.
    pub idempotency_secs: u64,
    /// API requests per minute from one client address (polling every 5 s is 12).
    pub requests_per_minute_per_client: u32,
    /// Order submissions per minute at one table.
    pub orders_per_minute_per_table: u32,
    /// Pages, files and photos per minute from one client address (a first load is about
    /// ten, a menu with photos a few dozen more).
    pub pages_per_minute_per_client: u32,
    /// Tablet enrolment tries per minute from one client address, and at one store from
    /// everywhere (far higher: a stranger cannot lock the owner's tablet out).
    pub enrolments_per_minute_per_client: u32,
    pub enrolments_per_minute_per_store: u32,
    /// Take the client's address from X-Forwarded-For, as seen by the reverse proxy in front
    /// (the connection's peer is trusted).
    pub trust_forwarded_for: bool,
    /// Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed: the
    /// client is the right-most address in the chain that is not one of them.
    pub trusted_proxies: Vec<String>,
    /// The most one order may cost, in won, and hold, in items (a table's worth, not a
    /// kitchen's): what a stranger with a link can cost a restaurant at most per order.
    pub max_order_total: i64,
    pub max_order_items: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            body_bytes: 64 * 1024,
            upstream_connect_timeout_ms: 3_000,
            upstream_timeout_ms: 10_000,
            request_timeout_ms: 30_000,
            header_read_timeout_ms: 10_000,
            idle_timeout_ms: 75_000,
            max_connections: 4_096,
            shutdown_grace_ms: 10_000,
            idempotency_secs: 30 * 60,
            requests_per_minute_per_client: 240,
            orders_per_minute_per_table: 20,
            pages_per_minute_per_client: 600,
            enrolments_per_minute_per_client: 10,
            enrolments_per_minute_per_store: 300,
            trust_forwarded_for: false,
            trusted_proxies: Vec::new(),
            max_order_total: 1_000_000,
            max_order_items: 50,
        }
    }
}

/// `[tls]`: where the certificate chain (the server's first) and its private key are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// `[readiness]`: how long the upstream may be silent before `/readyz` says not ready (a
/// quiet server asks it every third of that).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadinessConfig {
    pub upstream_silence_secs: u64,
}

impl Default for ReadinessConfig {
    fn default() -> Self {
        ReadinessConfig {
            upstream_silence_secs: 45,
        }
    }
}

/// `[tablets]`: how long a tablet's credential lives unused, and what one tablet may take
/// as prepaid in a business day.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TabletsConfig {
    /// A credential unused this long stops working (each use renews it).
    pub idle_expiry_secs: u64,
    /// Prepaid totals one tablet may take per business day, in won; 0: no ceiling.
    pub prepaid_daily_limit: i64,
}

impl Default for TabletsConfig {
    fn default() -> Self {
        TabletsConfig {
            idle_expiry_secs: 30 * 24 * 3600,
            prepaid_daily_limit: 3_000_000,
        }
    }
}

/// Timing of the embedded simulator (only when no upstream is configured).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulatorConfig {
    pub accept_window_ms: i64,
    pub delivery_delay_ms: i64,
    pub complete_after_ms: i64,
    pub fixture: Option<PathBuf>,
    /// Also refuse order amounts that do not add up (the real service was seen to take them).
    pub strict: bool,
    /// Answer as one of the hosts the evidence allows (`pos_sim::Dialect::variants`).
    pub dialect: String,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        let t = pos_sim::Timing::default();
        SimulatorConfig {
            accept_window_ms: t.accept_window_ms,
            delivery_delay_ms: t.delivery_delay_ms,
            complete_after_ms: t.complete_after_ms,
            fixture: None,
            strict: false,
            dialect: "assumed".into(),
        }
    }
}
