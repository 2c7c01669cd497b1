//! Staff-only calls, behind a bearer token.

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/stores/{store}/refresh", post(refresh))
        .route("/admin/stores/{store}/qr", get(qr_sheet))
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let expected = state
        .config
        .admin_token
        .as_deref()
        .ok_or(AppError::Unauthorized)?;
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(AppError::Unauthorized)?;
    crate::auth::same_secret(given, expected)
        .then_some(())
        .ok_or(AppError::Unauthorized)
}

/// The guide's "button event": fetch tables and menu again now.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/refresh", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "refreshed (or stale: the last good copy kept)"),
        (status = 401, body = order_core::ApiError)))]
pub async fn refresh(
    State(state): State<AppState>,
    Path(store): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    authorize(&state, &headers)?;
    let info = state.catalog.refresh(&store).await?;
    Ok(Json(json!({
        "store": store,
        "version": info.stamp,
        "tables": info.tables.len(),
        "items": info.item_count(),
        "stale": state.catalog.is_stale(&store),
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QrQuery {
    base_url: String,
}

/// The printable sheet of table QR codes, for the table list as cached.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/qr", tag = "staff",
    params(("store" = String, Path), ("baseUrl" = String, Query, description = "where guests open the page")),
    security(("bearer" = [])),
    responses((status = 200, description = "an A4 HTML sheet", content_type = "text/html"),
        (status = 401, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn qr_sheet(
    State(state): State<AppState>,
    Path(store): Path<String>,
    Query(query): Query<QrQuery>,
    headers: HeaderMap,
) -> Result<Html<String>, AppError> {
    authorize(&state, &headers)?;
    let info = state.catalog.get(&store).await?;
    crate::qr::sheet_html(&info.name, &store, &query.base_url, &info.tables)
        .map(Html)
        .map_err(|e| AppError::Invalid(e.to_string()))
}
