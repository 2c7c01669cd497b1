//! The public API the widget and partners call.

use super::body::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use order_core::{
    is_valid_store_slug, parse_table_id, ClientConfig, Menu, OrderReceipt, OrderRequest, Table,
    TableOrders,
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

async fn config(State(state): State<AppState>) -> Json<ClientConfig> {
    Json(state.client)
}

async fn menu(
    State(state): State<AppState>,
    Path(store): Path<String>,
) -> Result<Json<Menu>, AppError> {
    checked(&store, None)?;
    Ok(Json(state.catalog.menu(&store).await?))
}

async fn table(
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

async fn table_orders(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
) -> Result<Json<TableOrders>, AppError> {
    checked(&store, Some(&table))?;
    Ok(Json(
        state.desk.inquiry(&state.catalog, &store, &table).await?,
    ))
}

async fn place_order(
    State(state): State<AppState>,
    Path((store, table)): Path<(String, String)>,
    JsonBody(request): JsonBody<OrderRequest>,
) -> Result<(StatusCode, Json<OrderReceipt>), AppError> {
    checked(&store, Some(&table))?;
    let receipt = state
        .desk
        .place(&state.catalog, &store, &table, &request, &[])
        .await?;
    Ok((StatusCode::ACCEPTED, Json(receipt)))
}
