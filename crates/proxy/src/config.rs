//! All settings in one struct: defaults, then a TOML file, then `TABLEORDER_…` environment
//! variables (`__` separates levels: `TABLEORDER_TIMING__POLL_INTERVAL_MS`,
//! `TABLEORDER_STORES__DEMO__SERVICE_ID`), then command-line flags.

use crate::upstream::{HostSettings, RefusalCodes, StoreCredentials};
use order_core::{is_valid_store_slug, ClientConfig};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The demo store's ids in the bundled simulator fixture.
pub const DEMO_SLUG: &str = "demo";
/// The demo store's name: Smartro's table list and menu carry none.
pub const DEMO_NAME: &str = "스마일 한식당 데모점";

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    /// The built widget and owner's page (trunk's output); absent, the copy built into the
    /// binary.
    pub dist: Option<PathBuf>,
    /// Where durable state lives (the SQLite file), unless `database_url` names a database.
    pub data_dir: PathBuf,
    /// PostgreSQL shared by several servers (`postgres://user:password@host/db`); absent,
    /// the SQLite file in `data_dir`. Secret (it holds a password).
    pub database_url: Option<String>,
    /// Smartro: where it is, and what its host was found to do.
    pub upstream: UpstreamConfig,
    /// Bearer token for `/api/v1/admin/...`. Secret: from the environment in production.
    pub admin_token: Option<String>,
    /// The PIN staff enter to confirm a cash order (at least 6 digits). Secret.
    pub staff_pin: Option<String>,
    /// Bearer token for `/metrics` on the main listener; without it (and without
    /// `metrics_listen`) there is no `/metrics`.
    pub metrics_token: Option<String>,
    /// A second listener for `/metrics` alone, on a loopback address (for a Prometheus on
    /// the same machine); no token is asked there.
    pub metrics_listen: Option<SocketAddr>,
    /// The partner's tablet app, which the owner's enrolment QR code opens (`?store=&code=`
    /// are added). Without it, and outside the demo, the code is typed by hand.
    pub tablet_url: Option<String>,
    pub tablets: TabletsConfig,
    pub readiness: ReadinessConfig,
    /// HTTPS on `listen`: the certificate chain and its key, PEM files (read again on SIGHUP).
    pub tls: Option<TlsConfig>,
    /// Origins of partner pages allowed to call the API from a browser.
    pub allowed_origins: Vec<String>,
    /// Public slug → the store's credentials at Smartro.
    pub stores: BTreeMap<String, StoreConfig>,
    /// What guests may call staff for at a store whose POS lists no reasons (group 99999).
    pub staff_call_reasons: Vec<String>,
    pub timing: TimingConfig,
    pub refresh: RefreshConfig,
    pub limits: Limits,
    pub simulator: SimulatorConfig,
    /// Mount the simulator's `/sim` control API (tests and demos only).
    pub sim_control: bool,
}

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

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: None,
            data_dir: PathBuf::from("data"),
            database_url: None,
            upstream: UpstreamConfig::default(),
            admin_token: None,
            staff_pin: None,
            metrics_token: None,
            metrics_listen: None,
            tablet_url: None,
            tablets: TabletsConfig::default(),
            readiness: ReadinessConfig::default(),
            tls: None,
            allowed_origins: Vec::new(),
            stores: BTreeMap::new(),
            staff_call_reasons: ["물", "물티슈", "앞접시", "수저·젓가락", "직원 방문"]
                .map(String::from)
                .to_vec(),
            timing: TimingConfig::default(),
            refresh: RefreshConfig::default(),
            limits: Limits::default(),
            simulator: SimulatorConfig::default(),
            sim_control: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

const ENV_PREFIX: &str = "TABLEORDER_";

/// A shorter admin token can be guessed.
pub const MIN_ADMIN_TOKEN_CHARS: usize = 24;

/// A million PINs: with the store-wide lock-out, years of guessing.
pub const MIN_STAFF_PIN_DIGITS: usize = 6;
/// More digits than staff will type on a tablet's keypad.
pub const MAX_STAFF_PIN_DIGITS: usize = 12;

/// A staff PIN is digits only, `MIN_STAFF_PIN_DIGITS` to `MAX_STAFF_PIN_DIGITS` of them.
pub fn check_staff_pin(pin: &str) -> Result<(), String> {
    if (MIN_STAFF_PIN_DIGITS..=MAX_STAFF_PIN_DIGITS).contains(&pin.len())
        && pin.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(format!(
            "a staff PIN is {MIN_STAFF_PIN_DIGITS} to {MAX_STAFF_PIN_DIGITS} digits"
        ))
    }
}

/// `http://127.0.0.1:9090`, `http://localhost`, `http://[::1]:80` and the like.
fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Config {
    /// Reads the file (if any) and the environment; `vars` is the process environment.
    pub fn load(
        path: Option<&Path>,
        vars: impl Iterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                let value: toml::Table =
                    text.parse()
                        .map_err(|e: toml::de::Error| ConfigError::Parse {
                            path: path.to_path_buf(),
                            message: e.message().to_string(),
                        })?;
                let mut value = value;
                upstream_as_section(&mut value);
                let secrets_in_file = secret_keys(&value);
                let real_upstream = value.get("upstream").and_then(|u| u.get("url")).is_some();
                if real_upstream && !secrets_in_file.is_empty() {
                    return Err(ConfigError::Invalid(format!(
                        "{} holds secrets ({}) while pointing at a real upstream: \
                         set them as TABLEORDER_… environment variables instead",
                        path.display(),
                        secrets_in_file.join(", ")
                    )));
                }
                value
            }
            None => toml::Table::new(),
        };
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let mut segments: Vec<String> = key.split("__").map(str::to_lowercase).collect();
            if segments == ["upstream"] {
                segments.push("url".into());
            }
            set_path(&mut table, &segments, &value).map_err(|message| ConfigError::Env {
                name: name.clone(),
                message,
            })?;
        }
        let config: Config =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Parse {
                    path: path
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| PathBuf::from("(environment)")),
                    message: e.message().to_string(),
                })?;
        config.validated()
    }

    fn validated(mut self) -> Result<Config, ConfigError> {
        self.upstream
            .host()
            .map_err(|why| ConfigError::Invalid(format!("upstream: {why}")))?;
        if let Some(url) = &self.upstream.url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid(format!(
                    "upstream must be an http(s) URL, not {url:?}"
                )));
            }
            // The store's credentials travel in every call: in the clear only to a simulator
            // on this machine.
            if url.starts_with("http://") && !is_loopback_url(url) {
                return Err(ConfigError::Invalid(format!(
                    "upstream {url:?} must be https:// (plain http only for a simulator on this machine)"
                )));
            }
            if self.stores.is_empty() {
                return Err(ConfigError::Invalid(
                    "an upstream is configured but no [stores.SLUG] with store_id and service_id"
                        .into(),
                ));
            }
        }
        if self.stores.is_empty() {
            let demo = pos_sim::Fixture::demo();
            self.stores.insert(
                DEMO_SLUG.into(),
                StoreConfig {
                    store_id: demo.store_id,
                    service_id: demo.service_id,
                    name: DEMO_NAME.into(),
                    ..StoreConfig::default()
                },
            );
        }
        for (slug, store) in &self.stores {
            if !is_valid_store_slug(slug) {
                return Err(ConfigError::Invalid(format!(
                    "store slug {slug:?}: use 1-40 lowercase letters, digits, - or _"
                )));
            }
            if store.store_id.is_empty() || store.service_id.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "store {slug}: store_id and service_id are required \
                     (TABLEORDER_STORES__{}__SERVICE_ID)",
                    slug.to_uppercase().replace('-', "_")
                )));
            }
        }
        if pos_sim::Dialect::named(&self.simulator.dialect).is_none() {
            let known: Vec<&str> = pos_sim::Dialect::variants()
                .iter()
                .map(|(n, _)| *n)
                .collect();
            return Err(ConfigError::Invalid(format!(
                "simulator.dialect {:?}: one of {}",
                self.simulator.dialect,
                known.join(", ")
            )));
        }
        if self.timing.poll_interval_ms < 500
            || self.timing.accept_window_ms < self.timing.poll_interval_ms
        {
            return Err(ConfigError::Invalid(
                "timing: poll_interval_ms must be at least 500 and below accept_window_ms".into(),
            ));
        }
        if self.staff_call_reasons.len() > 20
            || self
                .staff_call_reasons
                .iter()
                .any(|r| r.trim().is_empty() || r.chars().count() > 30)
        {
            return Err(ConfigError::Invalid(
                "staff_call_reasons: at most 20, each 1-30 characters".into(),
            ));
        }
        if let Some(bad) = self
            .limits
            .trusted_proxies
            .iter()
            .find(|p| crate::limits::parse_net(p).is_none())
        {
            return Err(ConfigError::Invalid(format!(
                "trusted_proxies: {bad:?} is not an address or a CIDR range"
            )));
        }
        if self
            .admin_token
            .as_ref()
            .is_some_and(|t| t.chars().count() < MIN_ADMIN_TOKEN_CHARS)
        {
            return Err(ConfigError::Invalid(format!(
                "admin_token must be at least {MIN_ADMIN_TOKEN_CHARS} characters (e.g. `openssl rand -hex 16`)"
            )));
        }
        if self.limits.idle_timeout_ms <= self.limits.request_timeout_ms
            || self.limits.max_connections == 0
            || self.tablets.idle_expiry_secs == 0
            || self.readiness.upstream_silence_secs < 3
            || self.tablets.prepaid_daily_limit < 0
        {
            return Err(ConfigError::Invalid(
                "limits.idle_timeout_ms must exceed request_timeout_ms, max_connections be at least 1, \
                 tablets.idle_expiry_secs at least 1, prepaid_daily_limit not negative and \
                 readiness.upstream_silence_secs at least 3"
                    .into(),
            ));
        }
        if let Some(addr) = self.metrics_listen.filter(|a| !a.ip().is_loopback()) {
            return Err(ConfigError::Invalid(format!(
                "metrics_listen {addr}: a loopback address only (it asks no token); \
                 elsewhere set metrics_token"
            )));
        }
        if let Some(url) = &self.tablet_url {
            if !(url.starts_with("https://") || is_loopback_url(url)) {
                return Err(ConfigError::Invalid(format!(
                    "tablet_url {url:?} must be https:// (plain http only on this machine)"
                )));
            }
        }
        if let Some(pin) = &self.staff_pin {
            check_staff_pin(pin)
                .map_err(|why| ConfigError::Invalid(format!("staff_pin: {why}")))?;
        }
        if self
            .metrics_token
            .as_ref()
            .is_some_and(|t| t.chars().count() < MIN_ADMIN_TOKEN_CHARS)
        {
            return Err(ConfigError::Invalid(format!(
                "metrics_token must be at least {MIN_ADMIN_TOKEN_CHARS} characters"
            )));
        }
        Ok(self)
    }

    /// The demo: the embedded simulator runs (no upstream), and with it the example pages.
    pub fn is_demo(&self) -> bool {
        self.upstream.url.is_none()
    }

    /// The name guests see for a store.
    pub fn store_name(&self, slug: &str) -> String {
        match self.stores.get(slug) {
            Some(s) if !s.name.trim().is_empty() => s.name.trim().to_string(),
            _ => slug.to_string(),
        }
    }

    /// The most one order may cost and hold at a store.
    pub fn order_caps(&self, slug: &str) -> (i64, u32) {
        let store = self.stores.get(slug);
        (
            store
                .and_then(|s| s.max_order_total)
                .unwrap_or(self.limits.max_order_total),
            store
                .and_then(|s| s.max_order_items)
                .unwrap_or(self.limits.max_order_items),
        )
    }

    pub fn credentials(&self, slug: &str) -> Option<StoreCredentials> {
        self.stores.get(slug).map(|s| StoreCredentials {
            store_id: s.store_id.clone(),
            service_id: s.service_id.clone(),
        })
    }
}

/// `upstream = "https://…"` is `[upstream] url = "https://…"`.
fn upstream_as_section(table: &mut toml::Table) {
    if let Some(toml::Value::String(url)) = table.get("upstream") {
        let mut section = toml::Table::new();
        section.insert("url".into(), toml::Value::String(url.clone()));
        table.insert("upstream".into(), toml::Value::Table(section));
    }
}

fn secret_keys(table: &toml::Table) -> Vec<String> {
    let mut found: Vec<String> = ["admin_token", "staff_pin", "metrics_token", "database_url"]
        .into_iter()
        .filter(|k| table.contains_key(*k))
        .map(String::from)
        .collect();
    if let Some(toml::Value::Table(stores)) = table.get("stores") {
        for (slug, store) in stores {
            if store.get("service_id").is_some() {
                found.push(format!("stores.{slug}.service_id"));
            }
        }
    }
    found
}

/// Sets `a.b.c = value` in a TOML table. Store slugs may be written with `_` for `-`.
fn set_path(table: &mut toml::Table, segments: &[String], raw: &str) -> Result<(), String> {
    let (last, parents) = segments.split_last().ok_or("empty key")?;
    let mut here = table;
    for seg in parents {
        let key = here
            .keys()
            .find(|k| k.replace('-', "_") == *seg)
            .cloned()
            .unwrap_or_else(|| seg.clone());
        here = here
            .entry(key)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| format!("{seg} is not a section"))?;
    }
    here.insert(last.clone(), env_value(last, raw));
    Ok(())
}

fn env_value(key: &str, raw: &str) -> toml::Value {
    // Lists are comma-separated: `TABLEORDER_LIMITS__TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1/32`.
    if matches!(
        key,
        "allowed_origins"
            | "trusted_proxies"
            | "staff_call_reasons"
            | "occupied"
            | "closed"
            | "open_bill"
            | "mismatch"
            | "bad_item"
            | "unknown_table"
            | "credentials"
    ) {
        let list = raw.split(',').map(str::trim).filter(|s| !s.is_empty());
        return toml::Value::Array(list.map(|s| toml::Value::String(s.into())).collect());
    }
    if let Ok(n) = raw.parse::<i64>() {
        // Ids and secrets made of digits stay strings.
        if !matches!(
            key,
            "store_id" | "service_id" | "staff_pin" | "admin_token" | "metrics_token" | "time_zone"
        ) {
            return toml::Value::Integer(n);
        }
    }
    match raw {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn no_file_gives_the_demo_store_on_the_embedded_simulator() {
        let c = Config::load(None, env(&[])).unwrap();
        assert!(c.upstream.url.is_none());
        assert_eq!(c.upstream.host().unwrap(), HostSettings::default());
        assert_eq!(c.credentials(DEMO_SLUG).unwrap().store_id, "S0000001");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn environment_overrides_every_level() {
        let c = Config::load(
            None,
            env(&[
                ("TABLEORDER_LISTEN", "0.0.0.0:9000"),
                ("TABLEORDER_UPSTREAM", "https://smartro.example"),
                ("TABLEORDER_STORES__GANGNAM_1__STORE_ID", "0042"),
                ("TABLEORDER_STORES__GANGNAM_1__SERVICE_ID", "1234"),
                ("TABLEORDER_TIMING__POLL_INTERVAL_MS", "3000"),
                (
                    "TABLEORDER_ALLOWED_ORIGINS",
                    "https://a.example, https://b.example",
                ),
                ("TABLEORDER_STAFF_PIN", "002468"),
                (
                    "TABLEORDER_LIMITS__TRUSTED_PROXIES",
                    "10.0.0.0/8,127.0.0.1/32",
                ),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.limits.trusted_proxies, ["10.0.0.0/8", "127.0.0.1/32"]);
        assert_eq!(c.timing.poll_interval_ms, 3000);
        assert_eq!(c.allowed_origins.len(), 2);
        assert_eq!(
            c.staff_pin.as_deref(),
            Some("002468"),
            "a PIN keeps its zeros"
        );
        let creds = c.credentials("gangnam_1").unwrap();
        assert_eq!(
            (creds.store_id.as_str(), creds.service_id.as_str()),
            ("0042", "1234")
        );
        assert!(
            !format!("{creds:?}").contains("1234"),
            "secrets stay out of logs"
        );
    }

    #[test]
    fn the_embedded_simulator_answers_as_a_named_host() {
        let c = Config::load(None, env(&[("TABLEORDER_SIMULATOR__DIALECT", "no-echo")])).unwrap();
        assert_eq!(c.simulator.dialect, "no-echo");
        let e = Config::load(None, env(&[("TABLEORDER_SIMULATOR__DIALECT", "martian")]));
        assert!(e.unwrap_err().to_string().contains("short-echo"));
    }

    #[test]
    fn what_the_host_was_found_to_do_is_taught_in_the_file_or_the_environment() {
        let dir = std::env::temp_dir().join(format!("tableorder-host-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("host.toml");
        std::fs::write(
            &file,
            "[upstream]\nurl = \"https://x.example\"\ntime_zone = \"UTC\"\n\
             table_inquiry_limit = 5\n[upstream.refusals]\noccupied = [\"9003\", \"9010\"]\n\
             [stores.g]\nstore_id = \"1\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            env(&[
                ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
                ("TABLEORDER_UPSTREAM__REFUSALS__CLOSED", "9004, 9005"),
                ("TABLEORDER_UPSTREAM__LISTED_WITHIN_MS", "3000"),
            ]),
        )
        .unwrap();
        assert_eq!(c.upstream.url.as_deref(), Some("https://x.example"));
        let host = c.upstream.host().unwrap();
        assert_eq!(host.time_zone.local_minus_utc(), 0);
        assert_eq!(host.table_inquiry_limit, 5);
        assert_eq!(c.upstream.listed_within_ms, 3_000);
        use crate::upstream::Refusal;
        assert_eq!(host.refusals.refusal_for("9010"), Refusal::TableOccupied);
        assert_eq!(host.refusals.refusal_for("9005"), Refusal::StoreClosed);
        assert_eq!(host.refusals.refusal_for("E1001"), Refusal::Other);
        assert_eq!(
            host.refusals.refusal_for("E2001"),
            Refusal::BadItem,
            "codes not taught keep the assumed ones"
        );
        // The address alone from the environment keeps the file's section.
        let c = Config::load(
            Some(&file),
            env(&[
                ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
                ("TABLEORDER_UPSTREAM", "https://y.example"),
            ]),
        )
        .unwrap();
        assert_eq!(c.upstream.url.as_deref(), Some("https://y.example"));
        assert_eq!(c.upstream.table_inquiry_limit, 5);
        for bad in [
            ("TABLEORDER_UPSTREAM__TIME_ZONE", "Mars"),
            ("TABLEORDER_UPSTREAM__REFUSALS__CLOSED", "9003"),
            ("TABLEORDER_UPSTREAM__TABLE_INQUIRY_LIMIT", "0"),
        ] {
            let e = Config::load(
                Some(&file),
                env(&[("TABLEORDER_STORES__G__SERVICE_ID", "s"), bad]),
            );
            assert!(e.unwrap_err().to_string().contains("upstream"), "{bad:?}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn secrets_in_a_production_file_are_refused_and_errors_are_plain() {
        let dir = std::env::temp_dir().join(format!("tableorder-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("prod.toml");
        std::fs::write(
            &file,
            "upstream = \"https://x.example\"\n[stores.gangnam]\nstore_id = \"1\"\nservice_id = \"secret\"\n",
        )
        .unwrap();
        let e = Config::load(Some(&file), env(&[])).unwrap_err().to_string();
        assert!(
            e.contains("stores.gangnam.service_id") && e.contains("environment"),
            "{e}"
        );

        std::fs::write(
            &file,
            "upstream = \"https://x.example\"\n[stores.gangnam]\nstore_id = \"1\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            env(&[("TABLEORDER_STORES__GANGNAM__SERVICE_ID", "s")]),
        )
        .unwrap();
        assert_eq!(c.credentials("gangnam").unwrap().service_id, "s");

        std::fs::write(&file, "listen = 5\n").unwrap();
        assert!(matches!(
            Config::load(Some(&file), env(&[])),
            Err(ConfigError::Parse { .. })
        ));
        std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
        assert!(Config::load(Some(&file), env(&[]))
            .unwrap_err()
            .to_string()
            .contains("lisen"));
        assert!(matches!(
            Config::load(Some(&dir.join("missing.toml")), env(&[])),
            Err(ConfigError::Read { .. })
        ));
        let plain = Config::load(
            None,
            env(&[
                ("TABLEORDER_UPSTREAM", "http://smartro.example"),
                ("TABLEORDER_STORES__G__STORE_ID", "1"),
                ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
            ]),
        );
        assert!(plain.unwrap_err().to_string().contains("https"));
        for local in [
            "http://127.0.0.1:9090",
            "http://localhost:9090",
            "http://[::1]:9090",
        ] {
            let c = Config::load(
                None,
                env(&[
                    ("TABLEORDER_UPSTREAM", local),
                    ("TABLEORDER_STORES__G__STORE_ID", "1"),
                    ("TABLEORDER_STORES__G__SERVICE_ID", "s"),
                ]),
            );
            assert!(c.is_ok(), "{local}");
        }
        let short = Config::load(None, env(&[("TABLEORDER_ADMIN_TOKEN", "letmein")]));
        assert!(short.unwrap_err().to_string().contains("at least 24"));
        let short = Config::load(None, env(&[("TABLEORDER_METRICS_TOKEN", "letmein")]));
        assert!(short.unwrap_err().to_string().contains("at least 24"));
        for pin in ["0000", "12345", "12a456"] {
            let c = Config::load(None, env(&[("TABLEORDER_STAFF_PIN", pin)]));
            assert!(
                c.unwrap_err().to_string().contains("6 to 12 digits"),
                "{pin}"
            );
        }
        let bad_slug = Config::load(None, env(&[("TABLEORDER_STORES__BAD%SLUG__STORE_ID", "1")]));
        assert!(bad_slug.is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
