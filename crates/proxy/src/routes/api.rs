//! The public API the widget and partners call.

use super::body::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use order_core::{
    is_valid_store_slug, parse_table_id, ApiError, ClientConfig, Menu, OrderReceipt, OrderRequest,
    StaffCallRequest, Table, TableOrders,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/config", get(config))
        .route("/stores/{store}/menu", get(menu))
        .route("/stores/{store}/tables/{table}", get(table))
        .route(
            "/stores/{store}/tables/{table}/orders",
            get(table_orders).post(place_order),
        )
        .route(
            "/stores/{store}/tables/{table}/staff-calls",
            axum::routing::post(call_staff),
        )
}

/// Rejects malformed slugs and table ids before anything is looked up.
fn checked(store: &str, table: Option<&str>) -> Result<(), AppError> {
    if !is_valid_store_slug(store) {
        return Err(AppError::NotFound(format!("no store {store:?}")));
    }
    if let Some(table) = table {
        if parse_table_id(table).is_none() {
            return Err(AppError::NotFound(format!("no table {table:?}")));
        }
    }
    Ok(())
}

/// Timing the widget follows, from the upstream's documented behaviour.
#[utoipa::path(get, path = "/api/v1/config", tag = "guest",
    responses((status = 200, body = ClientConfig)))]
pub async fn config(State(state): State<AppState>) -> Json<ClientConfig> {
    Json(state.client)
}

/// The store's menu as guests may see it, from the base-information cache.
#[utoipa::path(get, path = "/api/v1/stores/{store}/menu", tag = "guest",
    params(("store" = String, Path, description = "the store's public slug")),
    responses((status = 200, body = Menu), (status = 404, body = ApiError), (status = 502, body = ApiError)))]
pub async fn menu(
    State(state): State<AppState>,
    Path(store): Path<String>,
) -> Result<impl axum::response::IntoResponse, AppError> {
    checked(&store, None)?;
    let (json, hit) = state.catalog.menu_json(&store).await?;
    if hit {
        state
            .metrics
            .menu_cache_hits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    ))
}

/// One table of the store.
#[utoipa::path(get, path = "/api/v1/stores/{store}/tables/{table}", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path, description = "FLOOR-TABLE, e.g. 0001-0003")),
    responses((status = 200, body = Table), (status = 404, body = ApiError)))]
pub async fn table(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
) -> Result<Json<Table>, AppError> {
    checked(&store, Some(&table))?;
    let info = state.catalog.get(&store).await?;
    info.table(&table)
        .cloned()
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no table {table:?}")))
}

/// The table's orders from the real-time inquiry (coalesced across phones).
#[utoipa::path(get, path = "/api/v1/stores/{store}/tables/{table}/orders", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path)),
    responses((status = 200, body = TableOrders), (status = 404, body = ApiError), (status = 502, body = ApiError)))]
pub async fn table_orders(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
) -> Result<Json<TableOrders>, AppError> {
    checked(&store, Some(&table))?;
    Ok(Json(state.desk.inquiry(&store, &table).await?))
}

/// Places an order (new, or added onto the table's open order). Ids and counts only: the
/// server prices it from the menu. The same clientOrderId always yields the first answer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tables/{table}/orders", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path)),
    request_body = OrderRequest,
    responses(
        (status = 202, description = "received by Smartro (the 1st answer)", body = OrderReceipt),
        (status = 409, description = "table_occupied, table_has_open_order, open_order_mismatch, idempotency_conflict", body = ApiError),
        (status = 422, description = "unknown_item, bad_options, sold_out, invalid_request", body = ApiError),
        (status = 429, body = ApiError), (status = 502, body = ApiError), (status = 503, description = "store_closed", body = ApiError),
        (status = 504, body = ApiError)))]
pub async fn place_order(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
    JsonBody(request): JsonBody<OrderRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), AppError> {
    checked(&store, Some(&table))?;
    let receipt = state.desk.place(&store, &table, &request).await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}

/// Calls staff to the table for the given reasons (from the menu's `staffCalls`). It reaches
/// the POS as an order at no cost; one a table per 30 s. The same clientCallId is one call.
#[utoipa::path(post, path = "/api/v1/stores/{store}/tables/{table}/staff-calls", tag = "guest",
    params(("store" = String, Path), ("table" = String, Path)),
    request_body = StaffCallRequest,
    responses(
        (status = 202, description = "received by Smartro", body = OrderReceipt),
        (status = 409, description = "table_occupied", body = ApiError),
        (status = 422, description = "invalid_request, pos_refused", body = ApiError),
        (status = 429, description = "staff were called less than 30 s ago", body = ApiError),
        (status = 502, body = ApiError), (status = 503, description = "store_closed", body = ApiError)))]
pub async fn call_staff(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
    JsonBody(request): JsonBody<StaffCallRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), AppError> {
    checked(&store, Some(&table))?;
    let receipt = state.desk.call_staff(&store, &table, &request).await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}
