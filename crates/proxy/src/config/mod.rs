//! All settings in one struct: defaults, then a TOML file, then `TABLEORDER_…` environment
//! variables (`__` separates levels: `TABLEORDER_TIMING__POLL_INTERVAL_MS`,
//! `TABLEORDER_STORES__DEMO__SERVICE_ID`), then command-line flags.

use crate::upstream::StoreCredentials;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod checks;
mod env;
mod sections;
#[cfg(test)]
mod tests;

use env::{secret_keys, set_path, upstream_as_section};
pub use sections::*;

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
        checks::upstream(&self).map_err(ConfigError::Invalid)?;
        checks::add_demo_store(&mut self);
        for check in [
            checks::stores,
            checks::behaviour,
            checks::limits,
            checks::secrets,
        ] {
            check(&self).map_err(ConfigError::Invalid)?;
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
