//! Running the proxy: the embedded simulator when no upstream is set, the cache's refresh
//! loop, and a graceful shutdown.

use crate::app::{router, AppState};
use crate::config::Config;
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
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running proxy, for the binary and for tests.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    /// The embedded simulator, when there is one.
    pub sim: Option<Arc<Sim>>,
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
    if let Some(url) = &config.upstream {
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
    tracing::info!(%addr, "embedded simulator running");
    Ok((format!("http://{addr}"), Some(sim)))
}

/// Binds, starts the embedded simulator if needed, and serves in the background.
pub async fn start(
    mut config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Running, ServeError> {
    let (upstream_url, sim) = resolve_upstream(&mut config).await?;
    if !config.dist.join("index.html").exists() {
        tracing::warn!(dist = %config.dist.display(), "no built widget there: run `trunk build --release` (or ./run demo)");
    }
    let listen = config.listen;
    let sim_control = config.sim_control;
    let ledger = Ledger::open(&config.data_dir)
        .await
        .map_err(|e| ServeError::Records(e.to_string()))?;
    match ledger.count_in_doubt().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            orders = n,
            "orders left in doubt by an earlier run: each is settled by looking at its table when it is next asked for"
        ),
        Err(e) => return Err(ServeError::Records(e.to_string())),
    }
    let drain_for = Duration::from_millis(config.limits.upstream_timeout_ms + 1_000);
    let state = AppState::new(config, &upstream_url, ledger)
        .map_err(|e| ServeError::Upstream(e.to_string()))?;
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
    spawn_refresh(state.clone());
    let desk = state.desk.clone();
    let grace = Duration::from_millis(state.config.limits.shutdown_grace_ms);
    let task = tokio::spawn(async move {
        let (stopping, mut stop) = tokio::sync::watch::channel(false);
        let signal = async move {
            shutdown.await;
            let _ = stopping.send(true);
        };
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal);
        // Graceful, within a deadline: a connection that never finishes does not hold us.
        let served = tokio::select! {
            served = serve => served,
            _ = async {
                let _ = stop.wait_for(|s| *s).await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(?grace, "connections still open at the shutdown deadline; closing them");
                Ok(())
            }
        };
        // Orders sent but not yet answered get to record their outcome before we go.
        desk.drain(drain_for).await;
        served
    });
    Ok(Running {
        addr,
        state,
        sim,
        task,
    })
}

/// Warms the cache at start, checks `menu/state` every few minutes, refetches daily.
fn spawn_refresh(state: AppState) {
    let check = Duration::from_secs(state.config.refresh.check_secs.max(1));
    let full = Duration::from_secs(state.config.refresh.full_secs.max(1));
    tokio::spawn(async move {
        let slugs: Vec<String> = state.catalog.slugs().map(String::from).collect();
        for slug in &slugs {
            if let Err(e) = state.catalog.refresh(slug).await {
                tracing::warn!(store = %slug, error = %e, "could not load base information yet; will retry");
            }
        }
        let mut last_full = Instant::now();
        loop {
            tokio::time::sleep(check).await;
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
