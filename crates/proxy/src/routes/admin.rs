//! The owner's calls, behind the admin bearer token: refresh, table links and their key,
//! and the store's tablets.

use super::access::{Admin, KnownStore};
use crate::app::AppState;
use crate::error::AppError;
use crate::trust::{Device, TableLink};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/stores/{store}/refresh", post(refresh))
        .route("/admin/stores/{store}/qr", get(qr_sheet))
        .route("/admin/stores/{store}/links", get(table_links))
        .route("/admin/stores/{store}/link-key", post(rotate_link_key))
        .route(
            "/admin/stores/{store}/enrolment-codes",
            post(enrolment_code),
        )
        .route("/admin/stores/{store}/devices", get(devices))
        .route(
            "/admin/stores/{store}/devices/{device}",
            delete(revoke_device),
        )
}

/// The guide's "button event": fetch tables and menu again now.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/refresh", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "refreshed (or stale: the last good copy kept)"),
        (status = 401, body = order_core::ApiError)))]
pub async fn refresh(
    _: Admin,
    State(state): State<AppState>,
    Path(store): Path<String>,
) -> Result<Json<Value>, AppError> {
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
pub struct LinkQuery {
    base_url: String,
}

/// Every table's signed link, under the known store's current key.
async fn signed_links(
    state: &AppState,
    store: &str,
    base_url: &str,
) -> Result<(String, Vec<TableLink>), AppError> {
    crate::qr::check_base_url(base_url).map_err(|e| AppError::Invalid(e.to_string()))?;
    let info = state.catalog.get(store).await?;
    let links = state
        .links
        .table_links(store, base_url, &info.tables)
        .await?;
    Ok((info.name.clone(), links))
}

/// The printable sheet of table QR codes, each opening the table's signed link.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/qr", tag = "staff",
    params(("store" = String, Path), ("baseUrl" = String, Query, description = "where guests open the page")),
    security(("bearer" = [])),
    responses((status = 200, description = "an A4 HTML sheet", content_type = "text/html"),
        (status = 401, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn qr_sheet(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Query(query): Query<LinkQuery>,
) -> Result<Html<String>, AppError> {
    let (name, links) = signed_links(&state, &store, &query.base_url).await?;
    crate::qr::sheet_html(&name, &links)
        .map(Html)
        .map_err(|e| AppError::Invalid(e.to_string()))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableLinkOut {
    table: String,
    name: String,
    floor: String,
    url: String,
}

/// Every table's signed link as data (for a partner's own printing or a tablet's setup).
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/links", tag = "staff",
    params(("store" = String, Path), ("baseUrl" = String, Query, description = "where guests open the page")),
    security(("bearer" = [])),
    responses((status = 200, body = [TableLinkOut]),
        (status = 401, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn table_links(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Query(query): Query<LinkQuery>,
) -> Result<Json<Vec<TableLinkOut>>, AppError> {
    let (_, links) = signed_links(&state, &store, &query.base_url).await?;
    Ok(Json(
        links
            .into_iter()
            .map(|l| TableLinkOut {
                table: l.table.id,
                name: l.table.name,
                floor: l.table.floor,
                url: l.url,
            })
            .collect(),
    ))
}

/// A new key for the store's table links: every printed link stops working at once (print
/// the sheet again). For a link that was copied or photographed and abused.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/link-key", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "`{keyId}`: the new key's id"),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError)))]
pub async fn rotate_link_key(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<Value>, AppError> {
    let key_id = state.links.rotate(&store).await?;
    Ok(Json(json!({ "store": store, "keyId": key_id })))
}

/// A one-time code that enrols one tablet within 15 minutes.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/enrolment-codes", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 201, description = "`{code, expiresAtMs}`"),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError)))]
pub async fn enrolment_code(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let code = state.devices.issue_code(&store).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "store": store, "code": code.code, "expiresAtMs": code.expires_at_ms })),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeviceOut {
    device_id: String,
    name: String,
    enrolled_at_ms: i64,
    last_seen_at_ms: Option<i64>,
    revoked_at_ms: Option<i64>,
}

impl From<Device> for DeviceOut {
    fn from(d: Device) -> DeviceOut {
        DeviceOut {
            device_id: d.device_id,
            name: d.name,
            enrolled_at_ms: d.enrolled_at_ms,
            last_seen_at_ms: d.last_seen_at_ms,
            revoked_at_ms: d.revoked_at_ms,
        }
    }
}

/// The store's tablets, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/devices", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = [DeviceOut]), (status = 401, body = order_core::ApiError)))]
pub async fn devices(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<Vec<DeviceOut>>, AppError> {
    let list = state.devices.list(&store).await?;
    Ok(Json(list.into_iter().map(DeviceOut::from).collect()))
}

/// Revokes a tablet: its credential stops working at once (a lost or stolen tablet).
#[utoipa::path(delete, path = "/api/v1/admin/stores/{store}/devices/{device}", tag = "staff",
    params(("store" = String, Path), ("device" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 401, body = order_core::ApiError),
        (status = 404, body = order_core::ApiError)))]
pub async fn revoke_device(
    _: Admin,
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, device)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    if state.devices.revoke(&store, &device).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!(
            "no tablet {device:?} at {store}"
        )))
    }
}
