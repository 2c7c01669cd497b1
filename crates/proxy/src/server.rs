//! Running the proxy: the embedded simulator when no upstream is set, the cache's refresh
//! loop, and a graceful shutdown.

use crate::app::{router, AppState};
use crate::config::Config;
use crate::connections::ConnectionLimits;
use crate::ledger::Ledger;
use pos_sim::{Fixture, Sim, Timing};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source} (is another server running there?)")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the embedded simulator: {0}")]
    Simulator(String),
    #[error("cannot set up the upstream client: {0}")]
    Upstream(String),
    #[error("cannot open the order records: {0}")]
    Records(String),
    #[error("cannot serve HTTPS: {0}")]
    Tls(String),
    #[error("{0}")]
    Build(String),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running proxy, for the binary and for tests.
pub struct Running {
    pub addr: SocketAddr,
    /// The loopback-only `/metrics` listener, when one is configured.
    pub metrics_addr: Option<SocketAddr>,
    pub state: AppState,
    /// The embedded simulator, when there is one.
    pub sim: Option<Arc<Sim>>,
    /// The upstream it talks to (the embedded simulator's address, when that runs).
    pub upstream_url: String,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

fn sim_timing(config: &Config) -> Timing {
    Timing {
        accept_window_ms: config.simulator.accept_window_ms,
        delivery_delay_ms: config.simulator.delivery_delay_ms,
        complete_after_ms: config.simulator.complete_after_ms,
    }
}

/// The upstream to talk to: the configured one, or a simulator started here with the demo
/// store (or the configured fixture). The guest is then told the simulator's real window.
pub async fn resolve_upstream(
    config: &mut Config,
) -> Result<(String, Option<Arc<Sim>>), ServeError> {
    if let Some(url) = &config.upstream.url {
        return Ok((url.clone(), None));
    }
    let fixture = match &config.simulator.fixture {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ServeError::Simulator(format!("{}: {e}", path.display())))?;
            Fixture::parse(&text)
                .map_err(|e| ServeError::Simulator(format!("{}: {e}", path.display())))?
        }
        None => Fixture::demo(),
    };
    let timing = sim_timing(config);
    config.timing.accept_window_ms = u64::try_from(timing.accept_window_ms).unwrap_or(60_000);
    let (addr, sim) = pos_sim::spawn(fixture, timing)
        .await
        .map_err(|e| ServeError::Simulator(e.to_string()))?;
    sim.pos().set_strict(config.simulator.strict);
    if let Some(dialect) = pos_sim::Dialect::named(&config.simulator.dialect) {
        sim.pos().set_dialect(dialect);
    }
    tracing::info!(%addr, dialect = %config.simulator.dialect, "embedded simulator running");
    Ok((format!("http://{addr}"), Some(sim)))
}

/// Binds, starts the embedded simulator if needed, and serves in the background.
pub async fn start(
    mut config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, ServeError> {
    let (upstream_url, sim) = resolve_upstream(&mut config).await?;
    check_build(&config)?;
    let listen = config.listen;
    let sim_control = config.sim_control;
    let (data_lock, state) = open_state(config, &upstream_url).await?;
    let mut app = router(state.clone());
    if let (true, Some(sim)) = (sim_control, &sim) {
        app = app.merge(pos_sim::http::control_router(sim.clone()));
    }
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let metrics_addr = match state.config.metrics_listen {
        Some(at) => Some(serve_metrics(at, state.clone()).await?),
        None => None,
    };
    spawn_refresh(state.clone());
    spawn_follow(state.clone());
    spawn_heartbeat(state.clone());
    let desk = state.desk.clone();
    let limits = &state.config.limits;
    let drain_for = Duration::from_millis(limits.upstream_timeout_ms + 1_000);
    let connection_limits = ConnectionLimits {
        header_read: Duration::from_millis(limits.header_read_timeout_ms),
        idle: Duration::from_millis(limits.idle_timeout_ms),
        grace: Duration::from_millis(limits.shutdown_grace_ms),
        max_open: limits.max_connections,
    };
    let metrics = state.metrics.clone();
    let tls = tls_acceptor(&state)?;
    let task = tokio::spawn(async move {
        let _data_lock = data_lock;
        let served =
            crate::connections::serve(listener, app, connection_limits, metrics, tls, shutdown)
                .await;
        // Orders sent but not yet answered get to record their outcome before we go.
        desk.drain(drain_for).await;
        served
    });
    Ok(Running {
        addr,
        metrics_addr,
        state,
        sim,
        upstream_url,
        task,
    })
}

/// The built widget, if there is one, must carry the markers the server draws the page by.
fn check_build(config: &Config) -> Result<(), ServeError> {
    let dist = crate::dist::Dist::of(config.dist.as_ref());
    let Some(page) = dist.read_string("index.html") else {
        tracing::warn!(dist = %dist.describe(), "no built widget there: run `./run demo` (or `trunk build --release`, then build the server)");
        return Ok(());
    };
    let missing = crate::app::missing_markers(&page);
    if missing.is_empty() {
        return Ok(());
    }
    Err(ServeError::Build(format!(
        "the built widget's index.html ({}) lacks {}: a trunk or tools/ change moved them; \
         the server cannot draw or serve the page without them",
        dist.describe(),
        missing.join(", ")
    )))
}

/// The records opened (the data directory held while this server runs, so that a restore
/// waits for it), what an earlier run left noted, and the server's state built on them.
async fn open_state(
    config: Config,
    upstream_url: &str,
) -> Result<(Option<crate::backup::DataLock>, AppState), ServeError> {
    let records = |e: &dyn std::fmt::Display| ServeError::Records(e.to_string());
    let data_lock = match config.database_url {
        Some(_) => None,
        None => Some(crate::backup::DataLock::shared(&config.data_dir).map_err(|e| records(&e))?),
    };
    let db = crate::db::open_configured(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|e| records(&e))?;
    match Ledger::new(db.clone()).count_in_doubt().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            orders = n,
            "orders left in doubt by an earlier run: each is settled by looking at its table when it is next asked for"
        ),
        Err(e) => return Err(records(&e)),
    }
    let content = crate::content::MenuContent::load(db.clone())
        .await
        .map_err(|e| records(&e))?;
    let state = AppState::new(config, upstream_url, db, std::sync::Arc::new(content))
        .map_err(|e| ServeError::Upstream(e.to_string()))?;
    match state.pins.hash_plain_pins().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            stores = n,
            "staff PINs kept in plain text by an earlier release are now hashed"
        ),
        Err(e) => return Err(records(&e)),
    }
    read_pins(&state).await.map_err(|e| records(&e))?;
    Ok((data_lock, state))
}

/// The TLS acceptor when the server serves HTTPS itself; its certificate reloads on SIGHUP.
fn tls_acceptor(state: &AppState) -> Result<Option<tokio_rustls::TlsAcceptor>, ServeError> {
    let Some(files) = &state.config.tls else {
        return Ok(None);
    };
    let certificate = crate::tls::Certificate::load(&files.cert, &files.key)
        .map_err(|e| ServeError::Tls(e.to_string()))?;
    crate::tls::reload_on_hangup(certificate.clone());
    crate::tls::acceptor(certificate)
        .map(Some)
        .map_err(|e| ServeError::Tls(e.to_string()))
}

/// `/metrics` alone on its own (loopback) listener, in the background.
async fn serve_metrics(at: SocketAddr, state: AppState) -> Result<SocketAddr, ServeError> {
    let listener = TcpListener::bind(at)
        .await
        .map_err(|source| ServeError::Listen { addr: at, source })?;
    let addr = listener.local_addr()?;
    let app = crate::app::metrics_router(state);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    tracing::info!(%addr, "metrics served on their own listener");
    Ok(addr)
}

/// Warms the cache at start, checks `menu/state` every few minutes, refetches daily.
fn spawn_refresh(state: AppState) {
    let check = Duration::from_secs(state.config.refresh.check_secs.max(1));
    let full = Duration::from_secs(state.config.refresh.full_secs.max(1));
    tokio::spawn(async move {
        let slugs: Vec<String> = state.catalog.slugs().map(String::from).collect();
        for slug in &slugs {
            // `get`: a request that came first may have fetched it already.
            if let Err(e) = state.catalog.get(slug).await {
                tracing::warn!(store = %slug, error = %e, "could not load base information yet; will retry");
            }
        }
        let mut last_full = Instant::now();
        loop {
            // A store served from its last good copy is tried again soon.
            let stale = slugs.iter().any(|s| state.catalog.is_stale(s));
            tokio::time::sleep(if stale { check.min(STALE_RETRY) } else { check }).await;
            let due_full = last_full.elapsed() >= full;
            for slug in &slugs {
                let result = if due_full {
                    state.catalog.refresh(slug).await.map(|_| ())
                } else {
                    state.catalog.check(slug).await
                };
                if let Err(e) = result {
                    tracing::warn!(store = %slug, error = %e, "base information check failed");
                }
            }
            if due_full {
                last_full = Instant::now();
            }
        }
    });
}

/// Asks the upstream (the cheap `menu/state` of the first store) whenever nothing was heard
/// from it for a while, so that readiness knows it still answers on a quiet server.
fn spawn_heartbeat(state: AppState) {
    let silence = Duration::from_secs(state.config.readiness.upstream_silence_secs);
    let every = (silence / 10).max(Duration::from_millis(500));
    tokio::spawn(async move {
        let Some(first) = state.catalog.slugs().next().map(String::from) else {
            return;
        };
        loop {
            tokio::time::sleep(every).await;
            let heard = state.catalog.upstream_answered_at_ms();
            if crate::health::heartbeat_due(crate::ledger::now_ms(), heard, silence) {
                if let Err(e) = state.catalog.check(&first).await {
                    tracing::debug!(store = %first, error = %e, "the upstream did not answer the heartbeat");
                }
            }
        }
    });
}

/// How soon a store whose base information could not be fetched is tried again.
const STALE_RETRY: Duration = Duration::from_secs(15);

/// How soon what another server sharing the database wrote (item content, staff PINs)
/// is served here too.
const FOLLOW_EVERY: Duration = Duration::from_secs(2);

/// Reads what other servers (or the CLI) changed in the shared database.
fn spawn_follow(state: AppState) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(FOLLOW_EVERY).await;
            if let Err(e) = state.content.follow().await {
                tracing::warn!(error = %e, "could not read the stores' content again");
            }
            if let Err(e) = read_pins(&state).await {
                tracing::warn!(error = %e, "could not read the staff PINs again");
            }
        }
    });
}

/// The staff PINs owners set (their hashes), as the database has them now.
async fn read_pins(state: &AppState) -> Result<(), crate::trust::TrustError> {
    for (store, pin) in state.pins.all().await? {
        state.desk.staff_pin().set(&store, &pin);
    }
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
