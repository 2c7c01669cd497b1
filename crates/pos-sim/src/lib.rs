//! A simulator of Smartro's Order Agent API and the Smile POS behind it.
//!
//! It speaks the upstream API as `UPSTREAM.md` models it, and behaves as the integration
//! guide says the real thing does: orders are received, then delivered to the POS after a
//! delay or never (the 60 s rule), tables get occupied, business closes, the Agent stops.
//! `/sim/...` makes each of those happen on demand.

pub mod clock;
pub mod dialect;
pub mod fixture;
pub mod http;
pub mod pos;
pub mod wire;

pub use dialect::{Dialect, Echo};
pub use fixture::Fixture;
pub use http::{router, Faults, Sim};
pub use pos::{Delivery, Timing};

use std::net::SocketAddr;
use std::sync::Arc;

/// Serves the simulator on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, sim: Arc<Sim>) -> std::io::Result<()> {
    axum::serve(listener, router(sim)).await
}

/// Starts the simulator on an ephemeral loopback port in the background.
pub async fn spawn(fixture: Fixture, timing: Timing) -> std::io::Result<(SocketAddr, Arc<Sim>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let sim = Sim::new(fixture, timing);
    let served = sim.clone();
    tokio::spawn(async move {
        if let Err(e) = serve(listener, served).await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    Ok((addr, sim))
}
