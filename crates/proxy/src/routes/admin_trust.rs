//! The owner's trust calls: table links (the sheet, one table's renewal, a new key for all)
//! and the store's tablets (enrolment codes, the list, binding to a table, revoking).

use super::access::KnownStore;
use super::body::JsonBody;
use crate::app::AppState;
use crate::error::AppError;
use crate::trust::{Device, TableLink};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::Json;
use order_core::owner::{self, EnrolmentCode, LinkKey, RenewedLink, Tablet, TabletBinding};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkQuery {
    #[serde(default)]
    base_url: Option<String>,
}

impl LinkQuery {
    /// Missing, it is a 422 with the error body like any other bad input.
    fn base_url(&self) -> Result<&str, AppError> {
        self.base_url.as_deref().ok_or_else(|| {
            AppError::Invalid("baseUrl is required: where guests open the page".into())
        })
    }
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
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Query(query): Query<LinkQuery>,
) -> Result<Html<String>, AppError> {
    let (name, links) = signed_links(&state, &store, query.base_url()?).await?;
    crate::qr::sheet_html(&name, &links)
        .map(Html)
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// Every table's signed link as data (for a partner's own printing or a tablet's setup).
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/links", tag = "staff",
    params(("store" = String, Path), ("baseUrl" = String, Query, description = "where guests open the page")),
    security(("bearer" = [])),
    responses((status = 200, body = [owner::TableLink]),
        (status = 401, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn table_links(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Query(query): Query<LinkQuery>,
) -> Result<Json<Vec<owner::TableLink>>, AppError> {
    let (_, links) = signed_links(&state, &store, query.base_url()?).await?;
    Ok(Json(
        links
            .into_iter()
            .map(|l| owner::TableLink {
                table: l.table.id,
                name: l.table.name,
                floor: l.table.floor,
                url: l.url,
            })
            .collect(),
    ))
}

/// A new link for one table: its printed code stops working at once, on every server;
/// every other table's keeps working. The sheet then carries the new one.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/tables/{table}/link-key", tag = "staff",
    params(("store" = String, Path), ("table" = String, Path, description = "FLOOR-TABLE"),
        ("baseUrl" = Option<String>, Query, description = "where guests open the page: the answer then carries the new link")),
    security(("bearer" = [])),
    responses((status = 200, body = RenewedLink),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError),
        (status = 422, body = order_core::ApiError)))]
pub async fn renew_table_link(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, table)): Path<(String, String)>,
    Query(query): Query<EnrolQuery>,
) -> Result<Json<RenewedLink>, AppError> {
    let info = state.catalog.with_table(&store, &table).await?;
    if info.table(&table).is_none() {
        return Err(AppError::NotFound(format!("no table {table:?} at {store}")));
    }
    if let Some(base) = &query.base_url {
        crate::qr::check_base_url(base).map_err(|e| AppError::Invalid(e.to_string()))?;
    }
    let generation = state.links.renew(&store, &table).await?;
    let url = match &query.base_url {
        Some(base) => {
            let token = state.links.token(&store, &table).await?;
            Some(crate::trust::table_url(base, &store, &table, &token))
        }
        None => None,
    };
    Ok(Json(RenewedLink {
        store,
        table,
        generation,
        url,
    }))
}

/// Binds a tablet to the one table it stands at (or frees it): in force on every server at
/// once.
#[utoipa::path(put, path = "/api/v1/admin/stores/{store}/devices/{device}/table", tag = "staff",
    params(("store" = String, Path), ("device" = String, Path)), request_body = TabletBinding,
    security(("bearer" = [])),
    responses((status = 204, description = "bound (or freed)"), (status = 401, body = order_core::ApiError),
        (status = 404, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn bind_device(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, device)): Path<(String, String)>,
    JsonBody(body): JsonBody<TabletBinding>,
) -> Result<StatusCode, AppError> {
    if let Some(table) = &body.table {
        let info = state.catalog.with_table(&store, table).await?;
        if info.table(table).is_none() {
            return Err(AppError::Invalid(format!("no table {table:?} at {store}")));
        }
    }
    if state
        .devices
        .bind(&store, &device, body.table.as_deref())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!(
            "no tablet {device:?} at {store}"
        )))
    }
}

/// A new key for the store's table links: every printed link stops working at once (print
/// the sheet again). For a link that was copied or photographed and abused.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/link-key", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = LinkKey),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError)))]
pub async fn rotate_link_key(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<LinkKey>, AppError> {
    let key_id = state.links.rotate(&store).await?;
    Ok(Json(LinkKey { store, key_id }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolQuery {
    /// In the demo, where its example tablet page is served: the answer then carries a QR
    /// code that opens it. Outside the demo the code opens the configured `tablet_url`.
    base_url: Option<String>,
}

/// The address the enrolment QR code opens, with the code filled in: the partner's tablet
/// app (`tablet_url`), or in the demo the example tablet page; none otherwise.
fn enrolment_url(
    state: &AppState,
    base_url: Option<&str>,
    store: &str,
    code: &str,
) -> Option<String> {
    let page = match (&state.config.tablet_url, base_url) {
        (Some(app), _) => app.clone(),
        (None, Some(base)) if state.config.is_demo() => {
            format!("{}/examples/tablet.html", base.trim_end_matches('/'))
        }
        _ => return None,
    };
    let joint = if page.contains('?') { '&' } else { '?' };
    Some(format!("{page}{joint}store={store}&code={code}"))
}

/// A one-time code that enrols one tablet within 15 minutes.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/enrolment-codes", tag = "staff",
    params(("store" = String, Path), ("baseUrl" = Option<String>, Query, description = "where the tablet page is served")),
    security(("bearer" = [])),
    responses((status = 201, body = EnrolmentCode, description = "a code for one tablet, with its QR code"),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError)))]
pub async fn enrolment_code(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Query(query): Query<EnrolQuery>,
) -> Result<(StatusCode, Json<EnrolmentCode>), AppError> {
    let code = state.devices.issue_code(&store).await?;
    let enrol_url = enrolment_url(&state, query.base_url.as_deref(), &store, &code.code);
    let qr_svg = match &enrol_url {
        Some(url) => {
            crate::qr::check_base_url(url).map_err(|e| AppError::Invalid(e.to_string()))?;
            Some(crate::qr::table_svg(url).map_err(|e| AppError::Invalid(e.to_string()))?)
        }
        None => None,
    };
    Ok((
        StatusCode::CREATED,
        Json(EnrolmentCode {
            store,
            code: code.code,
            expires_at_ms: code.expires_at_ms,
            enrol_url,
            qr_svg,
        }),
    ))
}

impl From<Device> for Tablet {
    fn from(d: Device) -> Tablet {
        Tablet {
            device_id: d.device_id,
            name: d.name,
            enrolled_at_ms: d.enrolled_at_ms,
            last_seen_at_ms: d.last_seen_at_ms,
            revoked_at_ms: d.revoked_at_ms,
            table: d.bound_table,
        }
    }
}

/// The store's tablets, newest first, revoked ones included.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/devices", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = [Tablet]), (status = 401, body = order_core::ApiError)))]
pub async fn devices(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<Vec<Tablet>>, AppError> {
    let list = state.devices.list(&store).await?;
    Ok(Json(list.into_iter().map(Tablet::from).collect()))
}

/// Revokes a tablet: its credential stops working at once (a lost or stolen tablet).
#[utoipa::path(delete, path = "/api/v1/admin/stores/{store}/devices/{device}", tag = "staff",
    params(("store" = String, Path), ("device" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 401, body = order_core::ApiError),
        (status = 404, body = order_core::ApiError)))]
pub async fn revoke_device(
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
