//! Extractors for who is calling: a guest holding a table's signed link, one of the store's
//! enrolled tablets, or the owner with the admin token.

use crate::app::AppState;
use crate::error::AppError;
use crate::trust::Device;
use axum::extract::{FromRequestParts, Path, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use order_core::{is_valid_store_slug, parse_table_id};

/// The header a guest's widget sends its table link's token in.
pub const TABLE_TOKEN_HEADER: &str = "x-table-token";
/// `Authorization: Device CREDENTIAL` from an enrolled tablet.
const DEVICE_SCHEME: &str = "Device ";

fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(scheme))
        .map(str::trim)
}

/// Rejects a malformed slug before anything is looked up.
pub fn checked_store(store: &str) -> Result<(), AppError> {
    if is_valid_store_slug(store) {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("no store {store:?}")))
    }
}

/// Whether this server serves `store`: a well-formed slug, configured.
pub fn serves(state: &AppState, store: &str) -> bool {
    is_valid_store_slug(store) && state.config.stores.contains_key(store)
}

/// The path's `{store}`, one this server serves; any other is not found.
pub struct KnownStore(pub String);

impl FromRequestParts<AppState> for KnownStore {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::NotFound(e.body_text()))?;
        let store = params
            .iter()
            .find_map(|(name, value)| (name == "store").then(|| value.to_string()))
            .unwrap_or_default();
        if serves(state, &store) {
            Ok(KnownStore(store))
        } else {
            Err(AppError::NotFound(format!("no store {store:?}")))
        }
    }
}

fn no_table(table: &str) -> AppError {
    AppError::NotFound(format!("no table {table:?}"))
}

/// The device behind an `Authorization: Device …` header, when there is one. A credential
/// that is not (or no longer) good is refused outright: the tablet must enrol again.
async fn tablet_of(
    state: &AppState,
    store: &str,
    headers: &HeaderMap,
) -> Result<Option<Device>, AppError> {
    let Some(credential) = authorization(headers, DEVICE_SCHEME) else {
        return Ok(None);
    };
    match state.devices.verify(store, credential).await? {
        Some(device) => Ok(Some(device)),
        None => Err(AppError::DeviceRequired),
    }
}

/// A caller at one table: `/stores/{store}/tables/{table}/…` with the table's link token,
/// or an enrolled tablet of the store. Without either, or with a forged or outdated token,
/// the table does not exist for the caller: the same answer as for a table that does not.
pub struct AtTable {
    pub store: String,
    pub table: String,
    /// The store's tablet placing the call, when it is one.
    pub tablet: Option<Device>,
}

impl FromRequestParts<AppState> for AtTable {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path((store, table)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::NotFound(e.body_text()))?;
        checked_store(&store)?;
        if parse_table_id(&table).is_none() || !serves(state, &store) {
            return Err(no_table(&table));
        }
        if let Some(device) = tablet_of(state, &store, &parts.headers).await? {
            if let Some(bound) = device
                .bound_table
                .as_ref()
                .filter(|_| !device.serves_table(&table))
            {
                tracing::warn!(store, table, device = %device.device_id, bound, "a bound tablet used at another table");
                return Err(AppError::TabletElsewhere(bound.clone()));
            }
            return Ok(AtTable {
                store,
                table,
                tablet: Some(device),
            });
        }
        let token = parts
            .headers
            .get(TABLE_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if token.is_empty() || !state.links.verify(&store, &table, token).await? {
            tracing::debug!(
                store,
                table,
                has_token = !token.is_empty(),
                "a table call without a valid link"
            );
            return Err(no_table(&table));
        }
        Ok(AtTable {
            store,
            table,
            tablet: None,
        })
    }
}

/// An enrolled tablet of `/stores/{store}/…`.
pub struct Tablet {
    pub store: String,
    pub device: Device,
}

impl FromRequestParts<AppState> for Tablet {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path(store) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::NotFound(e.body_text()))?;
        checked_store(&store)?;
        let device = tablet_of(state, &store, &parts.headers)
            .await?
            .ok_or(AppError::DeviceRequired)?;
        Ok(Tablet { store, device })
    }
}

/// The owner: the admin page's session cookie, or the admin bearer token (scripts).
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(given) = authorization(&parts.headers, "Bearer ") {
            let expected = state
                .config
                .admin_token
                .as_deref()
                .ok_or(AppError::Unauthorized)?;
            if crate::auth::same_secret(given, expected) {
                return Ok(Admin);
            }
            tracing::warn!("a wrong admin token");
            return Err(AppError::Unauthorized);
        }
        match session_cookie(&parts.headers) {
            Some(session) if state.sessions.is_open(&session).await? => Ok(Admin),
            _ => Err(AppError::Unauthorized),
        }
    }
}

/// The admin session the request's cookie names, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    axum_extra::extract::CookieJar::from_headers(headers)
        .get(crate::trust::SESSION_COOKIE)
        .map(|c| c.value().to_string())
}

/// Whether `headers` carry `expected` as a bearer token (for `/metrics`).
pub fn has_bearer(headers: &HeaderMap, expected: &str) -> bool {
    authorization(headers, "Bearer ").is_some_and(|given| crate::auth::same_secret(given, expected))
}
