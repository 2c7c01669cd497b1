//! Staff-only calls, behind a bearer token.

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/stores/{store}/refresh", post(refresh))
}

/// Compares without leaking where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    same(given.as_bytes(), expected.as_bytes())
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
    let menu = state.catalog.menu(&store).await?;
    Ok(Json(json!({
        "store": store,
        "version": info.stamp,
        "tables": info.tables.len(),
        "items": menu.items().count(),
        "stale": menu.stale,
    })))
}
