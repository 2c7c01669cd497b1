//! The public API the widget and partners call.

use super::access::{checked_store, AtTable, KnownStore, Tablet};
use super::body::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::orders::Orderer;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use order_core::{
    ApiError, ClientConfig, DeviceEnrolment, EnrolledDevice, Menu, OrderReceipt, OrderRequest,
    StaffCallRequest, Table, TableOrders, TabletInfo,
};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/config", get(config))
        .route("/api/v1/stores/{store}/menu", get(menu))
        .route("/api/v1/stores/{store}/tables/{table}", get(table))
        .route(
            "/api/v1/stores/{store}/tables/{table}/orders",
            get(table_orders).post(place_order),
        )
        .route(
            "/api/v1/stores/{store}/tables/{table}/staff-calls",
            post(call_staff),
        )
        .route("/api/v1/stores/{store}/devices", post(enrol_tablet))
        .route("/api/v1/stores/{store}/devices/me", get(this_tablet))
}

/// Timing the widget follows, from the upstream's documented behaviour.
#[utoipa::path(get, path = "/api/v1/config", tag = "guest",
    responses((status = 200, body = ClientConfig)))]
pub async fn config(State(state): State<AppState>) -> Json<ClientConfig> {
    Json(state.client)
}

/// The store's menu as guests may see it, from the base-information cache. Sent as prepared
/// once per menu version: compressed already, with an ETag (`If-None-Match` → 304).
#[utoipa::path(get, path = "/api/v1/stores/{store}/menu", tag = "guest",
    params(("store" = String, Path, description = "the store's public slug")),
    responses((status = 200, body = Menu), (status = 304, description = "unchanged since the ETag given"),
        (status = 404, body = ApiError), (status = 502, body = ApiError)))]
pub async fn menu(
    State(state): State<AppState>,
    Path(store): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    checked_store(&store)?;
    let (body, hit) = state.catalog.menu_body(&store).await?;
    if hit {
        state.metrics.menu_cache_hits.inc();
    }
    let etag = HeaderValue::from_str(&body.etag).map_err(|e| AppError::Invalid(e.to_string()))?;
    // Always asked again (the menu changes), but a copy still current costs no body.
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == body.etag || t.trim() == "*")
        });
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let json = HeaderValue::from_static("application/json");
    let (encoding, bytes) = body.packed.for_client(accepted);
    let mut response = (common, [(header::CONTENT_TYPE, json)], bytes).into_response();
    if let Some(encoding) = encoding {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    Ok(response)
}

/// One table of the store, to the holder of its link (or a store tablet).
#[utoipa::path(get, path = "/api/v1/stores/{store}/tables/{table}", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path, description = "FLOOR-TABLE, e.g. 0001-0003"),
        ("X-Table-Token" = String, Header, description = "the token of the table's signed link")),
    responses((status = 200, body = Table), (status = 404, description = "no such table, or no valid link for it", body = ApiError)))]
pub async fn table(State(state): State<AppState>, at: AtTable) -> Result<Json<Table>, AppError> {
    let info = state.catalog.with_table(&at.store, &at.table).await?;
    info.table(&at.table)
        .cloned()
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no table {:?}", at.table)))
}

/// The current party's orders at the table (since its last bill was paid or cancelled),
/// from the real-time inquiry, coalesced across phones.
#[utoipa::path(get, path = "/api/v1/stores/{store}/tables/{table}/orders", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path),
        ("X-Table-Token" = String, Header, description = "the token of the table's signed link"),
        OrdersQuery),
    responses((status = 200, body = TableOrders), (status = 404, body = ApiError), (status = 502, body = ApiError)))]
pub async fn table_orders(
    State(state): State<AppState>,
    at: AtTable,
    Query(query): Query<OrdersQuery>,
) -> Result<Json<TableOrders>, AppError> {
    let mine: Vec<&str> = query
        .mine
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .take(MAX_MINE)
        .collect();
    Ok(Json(state.desk.inquiry(&at.store, &at.table, &mine).await?))
}

/// A phone follows at most this many of its own orders at once.
const MAX_MINE: usize = 20;

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct OrdersQuery {
    /// The caller's own clientOrderIds, comma-separated: listed even once their bill is
    /// paid, so a phone sees its order through.
    mine: Option<String>,
}

/// Places an order (new, or added onto the table's open order). Ids and counts only: the
/// server prices it from the menu. The same clientOrderId always yields the first answer.
/// An order with a payment is taken only from an enrolled tablet.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tables/{table}/orders", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path),
        ("X-Table-Token" = String, Header, description = "the token of the table's signed link (or `Authorization: Device …` from a tablet)")),
    request_body = OrderRequest,
    responses(
        (status = 202, description = "received by Smartro (the 1st answer)", body = OrderReceipt),
        (status = 403, description = "device_required: a payment from a device that is not an enrolled tablet; forbidden: another site", body = ApiError),
        (status = 404, description = "no such table, or no valid link for it", body = ApiError),
        (status = 409, description = "table_occupied, table_has_open_order, open_order_mismatch, idempotency_conflict", body = ApiError),
        (status = 422, description = "unknown_item, bad_options, sold_out, invalid_request, order_too_large, approval_rejected, pos_refused", body = ApiError),
        (status = 429, body = ApiError), (status = 502, body = ApiError), (status = 503, description = "store_closed", body = ApiError),
        (status = 504, body = ApiError)))]
pub async fn place_order(
    State(state): State<AppState>,
    at: AtTable,
    JsonBody(request): JsonBody<OrderRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), AppError> {
    let orderer = match &at.tablet {
        Some(device) => Orderer::Tablet {
            device_id: &device.device_id,
        },
        None => Orderer::Guest,
    };
    let receipt = state
        .desk
        .place(&at.store, &at.table, orderer, &request)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}

/// Calls staff to the table for the given reasons (from the menu's `staffCalls`). It reaches
/// the POS as an order at no cost; one a table per 30 s. The same clientCallId is one call.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tables/{table}/staff-calls", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path),
        ("X-Table-Token" = String, Header, description = "the token of the table's signed link")),
    request_body = StaffCallRequest,
    responses(
        (status = 202, description = "received by Smartro", body = OrderReceipt),
        (status = 404, description = "no such table, or no valid link for it", body = ApiError),
        (status = 409, description = "table_occupied", body = ApiError),
        (status = 422, description = "invalid_request, pos_refused", body = ApiError),
        (status = 429, description = "staff were called less than 30 s ago", body = ApiError),
        (status = 502, body = ApiError), (status = 503, description = "store_closed", body = ApiError)))]
pub async fn call_staff(
    State(state): State<AppState>,
    at: AtTable,
    JsonBody(request): JsonBody<StaffCallRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), AppError> {
    let receipt = state
        .desk
        .call_staff(&at.store, &at.table, &request)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}

/// A tablet trades the one-time code the owner gave it for its device credential, which it
/// keeps and sends as `Authorization: Device CREDENTIAL`.
#[utoipa::path(post, path = "/api/v1/stores/{store}/devices", tag = "tablet",
    params(("store" = String, Path)),
    request_body = DeviceEnrolment,
    responses(
        (status = 201, description = "enrolled", body = EnrolledDevice),
        (status = 403, description = "device_required: the code is wrong, used or expired", body = ApiError),
        (status = 422, body = ApiError), (status = 429, body = ApiError)))]
pub async fn enrol_tablet(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<DeviceEnrolment>,
) -> Result<(StatusCode, Json<EnrolledDevice>), AppError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(AppError::Invalid(
            "name the tablet in 1-40 characters, e.g. \"counter\"".into(),
        ));
    }
    if request.code.len() > 32 {
        return Err(AppError::Invalid("that is not an enrolment code".into()));
    }
    // Per caller first: a stranger's wrong codes use up their own allowance, not the
    // owner's tablet's. The store-wide ceiling, far higher, bounds guessing from many
    // addresses at once.
    let client = super::client_key_of(&state, peer, &headers);
    state.enrolments.check(&format!("{store}/{client}"))?;
    state.enrolments_per_store.check(&store)?;
    let enrolled = state
        .devices
        .enrol(&store, &request.code, name)
        .await?
        .ok_or(AppError::EnrolmentRefused)?;
    Ok((
        StatusCode::CREATED,
        Json(EnrolledDevice {
            device_id: enrolled.device_id,
            name: name.to_string(),
            credential: enrolled.credential,
        }),
    ))
}

/// Which enrolled tablet this is: a tablet checks its credential still works.
#[utoipa::path(get, path = "/api/v1/stores/{store}/devices/me", tag = "tablet",
    params(("store" = String, Path)),
    responses((status = 200, body = TabletInfo),
        (status = 403, description = "device_required: not enrolled here, or revoked", body = ApiError)))]
pub async fn this_tablet(tablet: Tablet) -> Json<TabletInfo> {
    Json(TabletInfo {
        store: tablet.store,
        device_id: tablet.device.device_id,
        name: tablet.device.name,
    })
}
