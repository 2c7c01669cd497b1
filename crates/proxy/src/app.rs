//! The application: shared state and the router, assembled from one `Config`.

use crate::catalog::{Catalog, StoreEntry};
use crate::config::Config;
use crate::content::MenuContent;
use crate::ledger::Ledger;
use crate::limits::RateLimiter;
use crate::metrics::Metrics;
use crate::orders::{DeskSettings, OrderCaps, OrderDesk};
use crate::routes;
use crate::trust::{AdminSessions, Devices, LinkKeys, PinStore};
use crate::upstream::{Upstream, UpstreamError};
use axum::Router;
use order_core::{ClientConfig, Won};
use std::sync::Arc;
use std::time::Duration;

/// What every request may need, behind one `Arc`: axum clones the state for each layer and
/// handler of every request, and one reference count is cheaper than a dozen (a profile of
/// the menu GET found a fifth of its time in cloning and dropping the fields one by one).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub config: Arc<Config>,
    pub client: ClientConfig,
    pub catalog: Arc<Catalog>,
    pub desk: Arc<OrderDesk>,
    pub metrics: Arc<Metrics>,
    pub per_client: Arc<RateLimiter>,
    /// Signed table links: the key each store's links are signed with.
    pub links: LinkKeys,
    /// The store's own tablets.
    pub devices: Devices,
    /// Tablet enrolment tries per client address (a code is 40 random bits; this keeps
    /// guessing hopeless), and per store from everywhere (a ceiling far above what one
    /// caller may try, so a stranger cannot lock the owner's tablet out).
    pub enrolments: Arc<RateLimiter>,
    pub enrolments_per_store: Arc<RateLimiter>,
    /// Pages, files and photos per client address.
    pub pages: Arc<RateLimiter>,
    /// `limits.trusted_proxies`, parsed once.
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// What stores say about their items beyond the POS, and the photos.
    pub content: Arc<MenuContent>,
    /// Signed-in admin pages.
    pub sessions: AdminSessions,
    /// Sign-in tries per client address.
    pub sign_ins: Arc<RateLimiter>,
    /// The staff PINs owners set.
    pub pins: PinStore,
    /// The database, for readiness.
    pub db: crate::db::Pool,
    /// When this server started (ms since the epoch).
    pub started_at_ms: i64,
}

impl AppState {
    /// `upstream_url` is the configured one, or the embedded simulator's; `db` holds the
    /// durable state (order records, link keys, tablets, sessions, PINs), `content` what was
    /// read of it about the stores' items.
    pub fn new(
        config: Config,
        upstream_url: &str,
        db: crate::db::Pool,
        content: Arc<MenuContent>,
    ) -> Result<AppState, UpstreamError> {
        let limits = &config.limits;
        // Checked when the configuration was read.
        let host = config.upstream.host().unwrap_or_default();
        let upstream = Upstream::with_host(
            upstream_url,
            Duration::from_millis(limits.upstream_connect_timeout_ms),
            Duration::from_millis(limits.upstream_timeout_ms),
            host,
        )?;
        let metrics = Arc::new(Metrics::default());
        let stores = config.stores.keys().filter_map(|slug| {
            let entry = StoreEntry {
                creds: config.credentials(slug)?,
                name: config.store_name(slug),
            };
            Some((slug.clone(), entry))
        });
        let catalog = Arc::new(Catalog::new(
            upstream.clone(),
            content.clone(),
            crate::base_copies::BaseCopies::new(db.clone()),
            stores,
            &config.staff_call_reasons,
        ));
        let client = ClientConfig::from(config.timing);
        let settings = desk_settings(&config, &client);
        let desk = Arc::new(OrderDesk::new(
            upstream,
            catalog.clone(),
            Ledger::new(db.clone()),
            metrics.clone(),
            settings,
        ));
        Ok(AppState(Arc::new(Shared {
            per_client: Arc::new(RateLimiter::new(limits.requests_per_minute_per_client)),
            enrolments: Arc::new(RateLimiter::new(limits.enrolments_per_minute_per_client)),
            enrolments_per_store: Arc::new(RateLimiter::new(
                limits.enrolments_per_minute_per_store,
            )),
            pages: Arc::new(RateLimiter::new(limits.pages_per_minute_per_client)),
            trusted_proxies: limits
                .trusted_proxies
                .iter()
                .filter_map(|p| crate::limits::parse_net(p))
                .collect(),
            links: LinkKeys::new(db.clone()),
            devices: Devices::new(
                db.clone(),
                Duration::from_secs(config.tablets.idle_expiry_secs),
            ),
            sessions: AdminSessions::new(db.clone(), config.admin_token.as_deref()),
            sign_ins: Arc::new(RateLimiter::new(10)),
            pins: PinStore::new(db.clone()),
            db,
            started_at_ms: crate::ledger::now_ms(),
            content,
            config: Arc::new(config),
            client,
            catalog,
            desk,
            metrics,
        })))
    }
}

/// What the order desk is set up with, from the configuration.
fn desk_settings(config: &Config, client: &ClientConfig) -> DeskSettings {
    let limits = &config.limits;
    DeskSettings {
        poll_interval: Duration::from_millis(client.poll_interval_ms),
        store_list_per_table: config.upstream.store_inquiry_per_table,
        occupied_retry_ms: client.occupied_retry_ms,
        staff_pin: config.staff_pin.clone(),
        orders_per_minute_per_table: limits.orders_per_minute_per_table,
        caps: config
            .stores
            .keys()
            .map(|slug| {
                let (total, items) = config.order_caps(slug);
                let caps = OrderCaps {
                    max_total: Won(total),
                    max_items: items,
                };
                (slug.clone(), caps)
            })
            .collect(),
        // Well past the upstream's own timeout and the time the host takes to list a new
        // order, an order absent from the table never arrived (or arrived and vanished
        // undelivered: the acceptance window is longer).
        prepaid_daily_limit: config.tablets.prepaid_daily_limit,
        settle_after: Duration::from_millis(
            (limits.upstream_timeout_ms * 3 / 2).max(2_000) + config.upstream.listed_within_ms,
        ),
    }
}

pub fn router(state: AppState) -> Router {
    routes::router(state)
}

impl AppState {
    /// What readiness reads, as of now.
    pub async fn readiness_facts(&self) -> crate::health::Facts {
        let database = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::query("SELECT 1").execute(&self.db),
        )
        .await
        .map_err(|_| "no answer within 2 s".to_string())
        .and_then(|done| done.map(|_| ()).map_err(|e| e.to_string()));
        let stores_without_base_info = self
            .catalog
            .slugs()
            .filter(|slug| {
                self.catalog
                    .status(slug)
                    .map_or(true, |copy| copy.fetched_at_ms.is_none())
            })
            .map(String::from)
            .collect();
        crate::health::Facts {
            now_ms: crate::ledger::now_ms(),
            database,
            stores_without_base_info,
            upstream_answered_at_ms: self.catalog.upstream_answered_at_ms(),
            started_at_ms: self.started_at_ms,
        }
    }
}

/// What the built page lacks of what the server finds its way by (see `routes::widget`).
pub fn missing_markers(html: &str) -> Vec<String> {
    routes::missing_markers(html)
}

/// `/metrics` alone, for the loopback-only metrics listener.
pub fn metrics_router(state: AppState) -> Router {
    routes::metrics_router(state)
}
