//! The HTTP surface: one router per area, and the layers around them.

mod access;
mod admin;
mod admin_trust;
mod api;
mod body;
mod openapi;
mod photos;
mod widget;

pub use widget::missing_markers;

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Each stack of middleware is one `ServiceBuilder`, listed outermost first: axum wraps
/// every route once per `layer` call, and each wrapping is a boxed clone and a boxed future
/// on every request.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let api = api::router()
        .merge(admin::router(state.clone()))
        .merge(openapi::router())
        .layer(
            ServiceBuilder::new()
                .layer(cors(&config.allowed_origins))
                .layer(axum::extract::DefaultBodyLimit::max(
                    config.limits.body_bytes,
                ))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    same_site_posts,
                ))
                .layer(middleware::from_fn_with_state(state.clone(), limit_clients)),
        );
    let mut files = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .merge(photos::router())
        .merge(widget::router(
            &crate::dist::Dist::of(config.dist.as_ref()),
            &config.allowed_origins,
        ));
    if !config.is_demo() {
        // The example pages pay through the simulated card terminal: the demo's alone.
        files = files.route(
            "/examples/{*page}",
            get(|| async { AppError::NotFound("no such page".into()) }),
        );
    }
    let files = files.layer(
        ServiceBuilder::new()
            .layer(cors(&config.allowed_origins))
            .layer(middleware::from_fn_with_state(state.clone(), limit_pages)),
    );
    let mut app = Router::new()
        // Merged, not nested: its paths are written in full, so a request is routed once.
        .merge(api)
        .merge(files);
    if config.metrics_token.is_some() {
        app = app.route("/metrics", get(metrics));
    }
    app.layer(
        ServiceBuilder::new()
            // The path alone: a query may carry a table link's token or a phone's ids.
            .layer(TraceLayer::new_for_http().make_span_with(
                |req: &axum::extract::Request| {
                    tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
                },
            ))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::GATEWAY_TIMEOUT,
                Duration::from_millis(config.limits.request_timeout_ms),
            ))
            .layer(CompressionLayer::new())
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                count_requests,
            )),
    )
    .with_state(state)
}

fn cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static(access::TABLE_TOKEN_HEADER),
        ])
        .max_age(Duration::from_secs(600))
}

/// The client's key for rate limits: its address (an IPv6 client's /64), found behind
/// trusted reverse proxies by the right-most untrusted X-Forwarded-For hop.
pub(super) fn client_address(state: &AppState, req: &axum::extract::Request) -> String {
    match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => client_key_of(state, *peer, req.headers()),
        None => String::new(),
    }
}

/// The rate-limit key of a handler's caller (see [`client_address`]).
pub(super) fn client_key_of(
    state: &AppState,
    peer: SocketAddr,
    headers: &axum::http::HeaderMap,
) -> String {
    // Every X-Forwarded-For line, in order: a chain split over several lines is one chain,
    // and reading only the first would believe a hop the client wrote.
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let forwarded = (!lines.is_empty()).then(|| lines.join(","));
    let client = crate::limits::client_of(
        peer.ip(),
        forwarded.as_deref(),
        state.config.limits.trust_forwarded_for,
        &state.trusted_proxies,
    );
    crate::limits::client_key(client)
}

/// `scheme://host[:port]` → `host[:port]`.
fn origin_authority(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, rest)| rest)
}

/// A POST comes from this server's own pages, a listed partner's, or no browser at all.
/// CORS only hides answers; a page elsewhere could still make a guest's phone order.
async fn same_site_posts(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Result<axum::response::Response, AppError> {
    if req.method() == Method::POST {
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let host = header("host").unwrap_or_default();
        let listed = |origin: &str| state.config.allowed_origins.iter().any(|o| o == origin);
        let allowed = match header("origin") {
            Some(origin) => {
                listed(origin) || (!host.is_empty() && origin_authority(origin) == host)
            }
            // No Origin: not a page's fetch, unless the browser says it is from another site.
            None => header("sec-fetch-site") != Some("cross-site"),
        };
        if !allowed {
            tracing::warn!(origin = ?header("origin"), "refused a POST from another site");
            return Err(AppError::Forbidden);
        }
    }
    Ok(next.run(req).await)
}

async fn limit_clients(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Result<axum::response::Response, AppError> {
    let client = client_address(&state, &req);
    state.per_client.check(&client)?;
    Ok(next.run(req).await)
}

/// Whether this server can take orders now, and if not why: 200 or 503 with the reasons.
async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let facts = state.readiness_facts().await;
    let silence = Duration::from_secs(state.config.readiness.upstream_silence_secs);
    let verdict = crate::health::readiness(&facts, silence);
    let status = if verdict.ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(verdict),
    )
}

/// Pages, files and photos per client address: a first load is about ten requests, a menu
/// with photos a few dozen more, a script fetching them in a loop far more.
async fn limit_pages(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> Result<axum::response::Response, AppError> {
    let client = client_address(&state, &req);
    state.pages.check(&client)?;
    Ok(next.run(req).await)
}

async fn count_requests(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: Next,
) -> impl IntoResponse {
    state.metrics.requests.inc();
    next.run(req).await
}

/// Prometheus text, behind the metrics token on the main listener.
async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    let token = state
        .config
        .metrics_token
        .as_deref()
        .ok_or_else(|| AppError::NotFound("no metrics here".into()))?;
    if !access::has_bearer(&headers, token) {
        return Err(AppError::Unauthorized);
    }
    Ok(metrics_text(&state))
}

/// `/metrics` alone, without a token: for the loopback-only `metrics_listen`.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(|State(state): State<AppState>| async move { metrics_text(&state) }),
        )
        .with_state(state)
}

fn metrics_text(state: &AppState) -> impl IntoResponse {
    state.metrics.note_now(
        state.catalog.upstream_answered_at_ms(),
        &state.config.data_dir,
    );
    for slug in state.catalog.slugs() {
        if let Ok(copy) = state.catalog.status(slug) {
            state
                .metrics
                .note_base_info(slug, copy.stale, copy.fetched_at_ms);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Whether an `Accept-Encoding` list takes `coding` (not with `q=0`).
pub(crate) fn accepts(list: &str, coding: &str) -> bool {
    list.split(',').any(|part| {
        let mut params = part.split(';').map(str::trim);
        params
            .next()
            .is_some_and(|c| c.eq_ignore_ascii_case(coding))
            && !params.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            })
    })
}
