//! Client connections, watched from the moment each is accepted: one that has not brought a
//! whole request within the header-read timeout (a silent socket, a half-sent HTTP/2
//! preface, HTTP/2 settings and no request) is closed, and so is one with no bytes either
//! way and no request under way for the idle timeout. How many may be open at once is
//! capped: beyond it new ones wait in the kernel's queue. What to do is decided by the pure
//! [`watch`]; the accept loop only carries it out.

use crate::metrics::Metrics;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From accept to the first request's headers, and for each later request's (HTTP/1).
    pub header_read: Duration,
    /// No bytes either way and no request under way this long: closed.
    pub idle: Duration,
    /// After a shutdown signal, connections get this long to finish.
    pub grace: Duration,
    /// Open connections at most.
    pub max_open: usize,
}

/// Why a connection was closed for its silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Silence {
    /// No whole request within the header-read timeout of its accept.
    NoRequest,
    /// Nothing sent or asked for the idle timeout.
    Idle,
}

/// What the watch of one connection decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Watch {
    Close(Silence),
    /// Nothing to do until then.
    WakeAt(Instant),
}

/// What has been seen of a connection so far.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub accepted: Instant,
    pub last_activity: Instant,
    pub requests: u64,
    pub in_flight: u64,
}

/// Whether a connection is closed now, or when to look again.
pub fn watch(limits: &ConnectionLimits, seen: &Seen, now: Instant) -> Watch {
    if seen.requests == 0 {
        let deadline = seen.accepted + limits.header_read;
        return if now >= deadline {
            Watch::Close(Silence::NoRequest)
        } else {
            Watch::WakeAt(deadline)
        };
    }
    if seen.in_flight > 0 {
        // A request waiting on the POS sends nothing meanwhile; the request timeout bounds it.
        return Watch::WakeAt(now + limits.idle);
    }
    let deadline = seen.last_activity + limits.idle;
    if now >= deadline {
        Watch::Close(Silence::Idle)
    } else {
        Watch::WakeAt(deadline)
    }
}

/// A connection's activity, shared by its socket, its requests and its watch.
struct Activity {
    accepted: Instant,
    /// Milliseconds after `accepted` of the last byte either way.
    last_ms: AtomicU64,
    requests: AtomicU64,
    in_flight: AtomicU64,
    /// A request began or ended: the watch looks again.
    changed: tokio::sync::Notify,
}

impl Activity {
    fn new() -> Arc<Activity> {
        Arc::new(Activity {
            accepted: Instant::now(),
            last_ms: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            changed: tokio::sync::Notify::new(),
        })
    }

    fn touch(&self) {
        let ms = u64::try_from(self.accepted.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn seen(&self) -> Seen {
        Seen {
            accepted: self.accepted,
            last_activity: self.accepted
                + Duration::from_millis(self.last_ms.load(Ordering::Relaxed)),
            requests: self.requests.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
        }
    }
}

/// A request under way on a connection, for as long as its answer is being made.
struct UnderWay(Arc<Activity>);

impl UnderWay {
    fn start(activity: &Arc<Activity>) -> UnderWay {
        activity.requests.fetch_add(1, Ordering::Relaxed);
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.changed.notify_one();
        UnderWay(activity.clone())
    }
}

impl Drop for UnderWay {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
        self.0.changed.notify_one();
    }
}

/// The socket, noting each byte read or written.
struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Accepts until `shutdown`, then lets connections finish within the grace period. Each
/// request knows its client's address (`ConnectInfo`), as with axum's own `serve`. With
/// `tls`, each connection shakes hands first, within the header-read timeout.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioTimer};
    use hyper_util::server::conn::auto::Builder;

    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_open));
    tokio::pin!(shutdown);
    loop {
        // A free place first: at the cap, new connections wait in the kernel's queue.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let activity = Activity::new();
        let stream = Tracked {
            inner: stream,
            activity: activity.clone(),
        };
        let one = One {
            builder: builder.clone(),
            service: service(&app, peer, &activity),
            watcher: graceful.watcher(),
            activity,
            limits,
            metrics: metrics.clone(),
            peer,
        };
        let tls = tls.clone();
        tokio::spawn(async move {
            let _permit = permit;
            one.metrics.open_connections.inc();
            let metrics = one.metrics.clone();
            one.secured_then_driven(stream, tls).await;
            metrics.open_connections.dec();
        });
    }
    drop(listener);
    // Graceful, within a deadline: a connection that never finishes does not hold us.
    if tokio::time::timeout(limits.grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(grace = ?limits.grace, "connections still open at the shutdown deadline; closing them");
    }
    Ok(())
}

/// One accepted connection, ready to be served over whatever stream it turns out to be.
struct One<S> {
    builder: hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    service: S,
    watcher: hyper_util::server::graceful::Watcher,
    activity: Arc<Activity>,
    limits: ConnectionLimits,
    metrics: Arc<Metrics>,
    peer: std::net::SocketAddr,
}

impl<S> One<S>
where
    S: hyper::service::Service<
            axum::extract::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Send
        + 'static,
    S::Future: Send + 'static,
{
    /// A plain connection as it is; with `tls`, once its handshake is done within the
    /// header-read timeout.
    async fn secured_then_driven(
        self,
        stream: Tracked<tokio::net::TcpStream>,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) {
        let Some(tls) = tls else {
            return self.drive(stream).await;
        };
        match tokio::time::timeout(self.limits.header_read, tls.accept(stream)).await {
            Ok(Ok(secured)) => self.drive(secured).await,
            Ok(Err(e)) => tracing::debug!(peer = %self.peer, error = %e, "TLS handshake failed"),
            Err(_) => {
                tracing::debug!(peer = %self.peer, "no TLS handshake in time");
                self.metrics.silent_connections_closed.inc();
            }
        }
    }

    /// Serves the connection until it ends or its watch closes it.
    async fn drive<I>(self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let connection = self
            .builder
            .serve_connection_with_upgrades(hyper_util::rt::TokioIo::new(io), self.service);
        let connection = self.watcher.watch(connection.into_owned());
        tokio::pin!(connection);
        loop {
            match watch(&self.limits, &self.activity.seen(), Instant::now()) {
                Watch::Close(why) => {
                    tracing::debug!(peer = %self.peer, ?why, "closing a silent connection");
                    self.metrics.silent_connections_closed.inc();
                    return;
                }
                Watch::WakeAt(at) => tokio::select! {
                    ended = &mut connection => {
                        if let Err(e) = ended {
                            tracing::debug!(peer = %self.peer, error = %e, "connection ended with an error");
                        }
                        return;
                    }
                    _ = tokio::time::sleep_until(at.into()) => {}
                    _ = self.activity.changed.notified() => {}
                },
            }
        }
    }
}

/// The app for one connection: each request carries the peer's address and counts as under
/// way on the connection until its answer is made.
fn service(
    app: &axum::Router,
    peer: std::net::SocketAddr,
    activity: &Arc<Activity>,
) -> hyper_util::service::TowerToHyperService<
    impl tower::Service<
            axum::extract::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
            Future = impl Send,
        > + Clone,
> {
    use axum::extract::ConnectInfo;
    use tower::ServiceExt;
    let activity = activity.clone();
    let service = app
        .clone()
        .map_request(
            move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        )
        .map_future(move |answer| {
            let under_way = UnderWay::start(&activity);
            async move {
                let answered = answer.await;
                drop(under_way);
                answered
            }
        });
    hyper_util::service::TowerToHyperService::new(service)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ConnectionLimits {
        ConnectionLimits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(75),
            grace: Duration::from_secs(10),
            max_open: 10,
        }
    }

    #[test]
    fn a_connection_without_a_request_is_closed_at_the_header_read_timeout_from_accept() {
        let t0 = Instant::now();
        let mut seen = Seen {
            accepted: t0,
            // Bytes came (a half-sent preface, HTTP/2 settings), but no whole request.
            last_activity: t0 + Duration::from_secs(9),
            requests: 0,
            in_flight: 0,
        };
        let s = Duration::from_secs;
        assert_eq!(
            watch(&limits(), &seen, t0 + s(1)),
            Watch::WakeAt(t0 + s(10))
        );
        assert_eq!(
            watch(&limits(), &seen, t0 + s(10)),
            Watch::Close(Silence::NoRequest)
        );
        seen.requests = 1;
        assert_eq!(
            watch(&limits(), &seen, t0 + s(10)),
            Watch::WakeAt(t0 + s(84))
        );
        assert_eq!(
            watch(&limits(), &seen, t0 + s(84)),
            Watch::Close(Silence::Idle)
        );
        // A request under way (waiting on the POS) keeps it open, however quiet.
        seen.in_flight = 1;
        assert_eq!(
            watch(&limits(), &seen, t0 + s(200)),
            Watch::WakeAt(t0 + s(275))
        );
    }
}
