//! The owner's calls, behind the admin page's session or the admin bearer token: signing
//! in, the store's status and refresh, table links and their key, the store's tablets, what
//! the store says about its items (photos, texts, sold out, hidden), today's orders and the
//! staff PIN.

use super::access::{session_cookie, Admin, KnownStore};
use super::admin_trust as trust;
use super::body::JsonBody;
use crate::app::AppState;
use crate::catalog::BaseInfo;
use crate::content::{business_day, ItemContent};
use crate::error::AppError;
use crate::ledger::now_ms;
use crate::trust::SESSION_COOKIE;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use order_core::owner::{
    HostCode, ItemEdit, OwnerSession, PinChange, Refreshed, SignIn, StoreItem, StoreRef,
    StoreStatus, StoredPhoto, TableOrder, Trouble, UnconfirmedLine, UnconfirmedOrder,
};

/// Signing in and out is open to all; everything else is the owner's alone, checked once
/// for every route here before any handler runs.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/session", get(session))
        .route("/api/v1/admin/stores/{store}/status", get(status))
        .route("/api/v1/admin/stores/{store}/items", get(items))
        .route(
            "/api/v1/admin/stores/{store}/items/{item}",
            put(save_item).delete(remove_item),
        )
        .route(
            "/api/v1/admin/stores/{store}/items/{item}/photo",
            post(upload_photo)
                .delete(remove_photo)
                .layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)),
        )
        .route("/api/v1/admin/stores/{store}/orders", get(todays_orders))
        .route("/api/v1/admin/stores/{store}/staff-pin", put(change_pin))
        .route("/api/v1/admin/stores/{store}/refresh", post(refresh))
        .route("/api/v1/admin/stores/{store}/qr", get(trust::qr_sheet))
        .route(
            "/api/v1/admin/stores/{store}/links",
            get(trust::table_links),
        )
        .route(
            "/api/v1/admin/stores/{store}/link-key",
            post(trust::rotate_link_key),
        )
        .route(
            "/api/v1/admin/stores/{store}/tables/{table}/link-key",
            post(trust::renew_table_link),
        )
        .route(
            "/api/v1/admin/stores/{store}/enrolment-codes",
            post(trust::enrolment_code),
        )
        .route("/api/v1/admin/stores/{store}/devices", get(trust::devices))
        .route(
            "/api/v1/admin/stores/{store}/devices/{device}",
            delete(trust::revoke_device),
        )
        .route(
            "/api/v1/admin/stores/{store}/devices/{device}/table",
            put(trust::bind_device),
        )
        .route_layer(middleware::from_extractor_with_state::<Admin, _>(state))
        .route("/api/v1/admin/session", post(sign_in).delete(sign_out))
        .route_layer(middleware::from_fn(owners_calls_only))
}

/// A change to the store comes as JSON, as a photo, or with a header only a page of this
/// server (or a script) sets: a form on another site can send none of these, so a signed-in
/// owner's browser cannot be made to change anything from there (the cookie's SameSite is
/// the first guard, this the second).
async fn owners_calls_only(
    req: axum::extract::Request,
    next: middleware::Next,
) -> Result<Response, AppError> {
    use axum::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    let headers = req.headers();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let typed = ["application/json", "image/jpeg", "image/png"]
        .iter()
        .any(|t| content_type.starts_with(t));
    if typed
        || headers.contains_key(header::AUTHORIZATION)
        || headers.contains_key("x-requested-with")
    {
        return Ok(next.run(req).await);
    }
    tracing::warn!(method = %req.method(), path = req.uri().path(), "refused an owner's change without JSON or the owner's header");
    Err(AppError::NotAnOwnersCall)
}

/// The guide's "button event": fetch tables and menu again now.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/refresh", tag = "staff",
    params(("store" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Refreshed, description = "refreshed (or stale: the last good copy kept)"),
        (status = 401, body = order_core::ApiError)))]
pub async fn refresh(
    State(state): State<AppState>,
    Path(store): Path<String>,
) -> Result<Json<Refreshed>, AppError> {
    let info = state.catalog.refresh(&store).await?;
    Ok(Json(Refreshed {
        version: info.stamp.clone(),
        tables: info.tables.len(),
        items: info.item_count(),
        stale: state.catalog.is_stale(&store),
        store,
    }))
}

/// The stores this server serves, for a signed-in page.
fn stores(state: &AppState) -> Vec<StoreRef> {
    state
        .config
        .stores
        .keys()
        .map(|slug| StoreRef {
            slug: slug.clone(),
            name: state.config.store_name(slug),
        })
        .collect()
}

/// The cookie that carries `value` for `max_age_s` seconds. `Secure` when the page was
/// opened over HTTPS (as it is anywhere but a developer's own machine).
fn cookie(headers: &HeaderMap, value: &str, max_age_s: i64) -> String {
    let https = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o.starts_with("https://"))
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https");
    format!(
        "{SESSION_COOKIE}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{}",
        if https { "; Secure" } else { "" }
    )
}

/// Whether the caller is signed in, and to what.
#[utoipa::path(get, path = "/api/v1/admin/session", tag = "staff",
    responses((status = 200, body = OwnerSession, description = "signed in"),
        (status = 401, body = order_core::ApiError)))]
pub async fn session(State(state): State<AppState>) -> Json<OwnerSession> {
    Json(OwnerSession {
        stores: stores(&state),
        expires_at_ms: None,
    })
}

/// Trades the admin token for a session cookie.
#[utoipa::path(post, path = "/api/v1/admin/session", tag = "staff", request_body = SignIn,
    responses((status = 200, body = OwnerSession, description = "signed in: an HttpOnly, SameSite=Strict session cookie is set"),
        (status = 401, body = order_core::ApiError), (status = 429, body = order_core::ApiError)))]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    JsonBody(body): JsonBody<SignIn>,
) -> Result<Response, AppError> {
    let client = super::client_key_of(&state, peer, &headers);
    state.sign_ins.check(&client)?;
    let expected =
        state.config.admin_token.as_deref().ok_or_else(|| {
            AppError::Invalid("no admin token is configured on this server".into())
        })?;
    if !crate::auth::same_secret(body.token.trim(), expected) {
        tracing::warn!("a wrong admin token at sign-in");
        return Err(AppError::Unauthorized);
    }
    let opened = state.sessions.open().await?;
    let max_age_s = crate::trust::sessions::SESSION_LIFETIME_MS / 1000;
    Ok((
        AppendHeaders([(
            header::SET_COOKIE,
            cookie(&headers, &opened.secret, max_age_s),
        )]),
        Json(OwnerSession {
            stores: stores(&state),
            expires_at_ms: Some(opened.expires_at_ms),
        }),
    )
        .into_response())
}

/// Ends the session, here and in the browser.
#[utoipa::path(delete, path = "/api/v1/admin/session", tag = "staff",
    responses((status = 204, description = "signed out; the cookie is cleared")))]
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(secret) = session_cookie(&headers) {
        state.sessions.end(&secret).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, cookie(&headers, "", 0))]),
    )
        .into_response())
}

/// How the store's copy of its POS data is: when fetched, whether stale, what went wrong.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/status", tag = "staff",
    params(("store" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = StoreStatus),
        (status = 401, body = order_core::ApiError)))]
pub async fn status(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<StoreStatus>, AppError> {
    let copy = state.catalog.status(&store)?;
    let info = state.catalog.from_pos(&store).await.ok();
    let host_codes = state
        .catalog
        .codes_seen(&store)?
        .into_iter()
        .map(|c| HostCode {
            code: c.code,
            message: c.message,
            count: c.count,
            read_as: serde_json::to_value(c.read_as)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            last_at_ms: c.last_at_ms,
        })
        .collect();
    let records = state.desk.unconfirmed(&store).await?;
    let unconfirmed = records
        .into_iter()
        .map(|r| unconfirmed_order(r, info.as_deref()))
        .collect();
    Ok(Json(StoreStatus {
        name: state.config.store_name(&store),
        fetched_at_ms: copy.fetched_at_ms,
        checked_at_ms: copy.checked_at_ms,
        menu_version: info.as_ref().map(|i| i.stamp.clone()),
        tables: info.as_ref().map(|i| i.tables.len()),
        items: info.as_ref().map(|i| i.item_count()),
        stale: copy.stale,
        open: copy.open,
        cash_taken: state.desk.staff_pin().is_set(&store),
        troubles: copy
            .troubles
            .into_iter()
            .map(|t| Trouble {
                at_ms: t.at_ms,
                message: t.message,
            })
            .collect(),
        host_codes,
        unconfirmed,
        store,
    }))
}

/// An order nobody can confirm, its lines named from today's menu where it still has them.
fn unconfirmed_order(r: crate::ledger::Record, info: Option<&BaseInfo>) -> UnconfirmedOrder {
    let shape = r
        .shape
        .as_deref()
        .and_then(crate::orders::OrderShape::from_json)
        .unwrap_or_default();
    let name = |id: &str| {
        info.and_then(|i| {
            i.categories
                .iter()
                .flat_map(|c| &c.items)
                .find(|it| it.id == id)
        })
        .map(|it| it.name.clone())
    };
    UnconfirmedOrder {
        lines: shape
            .lines
            .iter()
            .map(|(id, count)| UnconfirmedLine {
                item_id: id.clone(),
                name: name(id),
                count: *count,
            })
            .collect(),
        total: shape.total,
        client_order_id: r.client_order_id,
        table: r.table,
        sent_at_ms: r.sent_at_ms,
    }
}

fn store_item(id: &str, content: Option<&ItemContent>, day: &str) -> StoreItem {
    StoreItem {
        id: id.to_string(),
        name: None,
        category: None,
        price: None,
        sold_out_on_pos: false,
        orphaned: true,
        description: content.and_then(|c| c.description.clone()),
        photo: content.and_then(|c| c.photo.clone()),
        texts: content.map(|c| c.texts.clone()).unwrap_or_default(),
        hidden: content.is_some_and(|c| c.hidden),
        sold_out_today: content.is_some_and(|c| c.sold_out_on_day(day)),
    }
}

/// Every item of the POS's menu with what the store wrote about it, then the orphans.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/items", tag = "staff",
    params(("store" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = [StoreItem]), (status = 401, body = order_core::ApiError)))]
pub async fn items(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<Vec<StoreItem>>, AppError> {
    let info = state.catalog.from_pos(&store).await?;
    let content = state.content.of(&store);
    let day = business_day(now_ms());
    let mut out = Vec::new();
    for category in &info.categories {
        for item in &category.items {
            out.push(StoreItem {
                name: Some(item.name.clone()),
                category: Some(category.name.clone()),
                price: Some(item.price),
                sold_out_on_pos: item.sold_out,
                orphaned: false,
                ..store_item(&item.id, content.items.get(&item.id), &day)
            });
        }
    }
    for (id, c) in &content.items {
        if order_core::find_item(&info.categories, id).is_none() {
            out.push(store_item(id, Some(c), &day));
        }
    }
    Ok(Json(out))
}

/// An item on the POS's menu, or one the store already wrote about (an orphan).
async fn known_item(state: &AppState, store: &str, item: &str) -> Result<(), AppError> {
    let info = state.catalog.from_pos(store).await?;
    if order_core::find_item(&info.categories, item).is_some()
        || state.content.of(store).items.contains_key(item)
    {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "no item {item:?} on the POS's menu"
        )))
    }
}

#[utoipa::path(put, path = "/api/v1/admin/stores/{store}/items/{item}", tag = "staff",
    params(("store" = String, Path), ("item" = String, Path)), request_body = ItemEdit, security(("bearer" = [])),
    responses((status = 204, description = "saved: guests see it at once"), (status = 401, body = order_core::ApiError),
        (status = 404, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn save_item(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, item)): Path<(String, String)>,
    JsonBody(edit): JsonBody<ItemEdit>,
) -> Result<StatusCode, AppError> {
    known_item(&state, &store, &item).await?;
    let edit = edit.checked()?;
    state.content.save(&store, &item, edit).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/admin/stores/{store}/items/{item}", tag = "staff",
    params(("store" = String, Path), ("item" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "what the store wrote about the item is forgotten"),
        (status = 401, body = order_core::ApiError), (status = 404, body = order_core::ApiError)))]
pub async fn remove_item(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, item)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    if state.content.remove(&store, &item).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound(format!(
            "nothing written about item {item:?}"
        )))
    }
}

/// A photo for an item, as the body (`image/jpeg` or `image/png`), made into the widths
/// guests download.
#[utoipa::path(post, path = "/api/v1/admin/stores/{store}/items/{item}/photo", tag = "staff",
    params(("store" = String, Path), ("item" = String, Path)), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "a JPEG or PNG, at most 12 MB and 50 megapixels"),
    responses((status = 200, body = StoredPhoto, description = "served at /photos/{photo}/320.jpg and /960.jpg"),
        (status = 401, body = order_core::ApiError), (status = 413, body = order_core::ApiError),
        (status = 415, body = order_core::ApiError), (status = 422, body = order_core::ApiError)))]
pub async fn upload_photo(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, item)): Path<(String, String)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<StoredPhoto>, AppError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::Invalid(e.body_text())
        }
    })?;
    known_item(&state, &store, &item).await?;
    let photo = tokio::task::spawn_blocking(move || crate::photos::prepare(&body))
        .await
        .map_err(|e| AppError::Invalid(format!("the photo could not be processed: {e}")))??;
    state.content.store_photo(&photo.id, &photo.jpegs).await?;
    state
        .content
        .set_photo(&store, &item, Some(&photo.id))
        .await?;
    tracing::info!(store, item, photo = photo.id, "item photo stored");
    Ok(Json(StoredPhoto { photo: photo.id }))
}

#[utoipa::path(delete, path = "/api/v1/admin/stores/{store}/items/{item}/photo", tag = "staff",
    params(("store" = String, Path), ("item" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "the item shows no photo"), (status = 401, body = order_core::ApiError)))]
pub async fn remove_photo(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    Path((_store, item)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    known_item(&state, &store, &item).await?;
    state.content.set_photo(&store, &item, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Today's orders and staff calls at every table, newest first.
#[utoipa::path(get, path = "/api/v1/admin/stores/{store}/orders", tag = "staff",
    params(("store" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "today's orders and staff calls at every table, newest first: each a PlacedOrder with `table` and `tableName`"),
        (status = 401, body = order_core::ApiError), (status = 502, body = order_core::ApiError)))]
pub async fn todays_orders(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
) -> Result<Json<Vec<TableOrder>>, AppError> {
    let orders = state.desk.todays_orders(&store).await?;
    let info = state.catalog.get(&store).await?;
    let mut out: Vec<TableOrder> = orders
        .iter()
        .map(|o| TableOrder {
            table_name: info
                .table(&o.table)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| o.table.clone()),
            table: o.table.clone(),
            order: o.order.clone(),
        })
        .collect();
    // Newest first across tables (each table's list is newest first already).
    out.sort_by(|a, b| b.order.received_at.cmp(&a.order.received_at));
    Ok(Json(out))
}

/// A new staff PIN for the store's cash orders, in force at once.
#[utoipa::path(put, path = "/api/v1/admin/stores/{store}/staff-pin", tag = "staff",
    params(("store" = String, Path)), request_body = PinChange, security(("bearer" = [])),
    responses((status = 204, description = "in force at once"), (status = 401, body = order_core::ApiError),
        (status = 422, body = order_core::ApiError)))]
pub async fn change_pin(
    State(state): State<AppState>,
    KnownStore(store): KnownStore,
    JsonBody(body): JsonBody<PinChange>,
) -> Result<StatusCode, AppError> {
    let pin = body.pin.trim();
    crate::config::check_staff_pin(pin).map_err(AppError::Invalid)?;
    let hash = state.pins.save(&store, pin).await?;
    state.desk.staff_pin().set(&store, &hash);
    // A new PIN: the wrong tries against the old one no longer count.
    state.desk.staff_pin().forgive(&store).await?;
    tracing::info!(store, "staff PIN changed on the admin page");
    Ok(StatusCode::NO_CONTENT)
}
