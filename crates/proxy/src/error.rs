//! Every failure of the public API, turned into `{error:{code,message}}` in one place: each
//! module's own error (the order desk's, the catalog's, the trust records', the store's
//! content, photos) converts into `AppError`, the one error at the HTTP edge.

use crate::orders::{Declined, OrderError};
use crate::upstream::UpstreamError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use order_core::{ApiError, ErrorBody, ErrorCode};

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the request body is too large")]
    TooLarge,
    #[error("too many requests")]
    RateLimited { retry_after_ms: u64 },
    #[error("a valid admin token is required")]
    Unauthorized,
    /// A payment from a device that is not one of the store's enrolled tablets.
    #[error("payment is taken only on the store's enrolled tablets; this device is not (or no longer) enrolled")]
    DeviceRequired,
    #[error("that enrolment code is wrong, used or expired: ask the owner for a new one")]
    EnrolmentRefused,
    /// A tablet bound to one table, used for another.
    #[error("this tablet orders for table {0} only (the owner bound it there)")]
    TabletElsewhere(String),
    /// A state-changing owner's call a browser could send from another site.
    #[error("send the owner's changes as application/json or with an X-Requested-With header")]
    NotAnOwnersCall,
    /// A page on a site that is neither this server nor a listed partner.
    #[error("orders come from the store's own pages and its listed partners only")]
    Forbidden,
    #[error("send the request as application/json")]
    NotJson,
    /// An upload that is not a photo this server takes.
    #[error("{0}")]
    NotAPhoto(String),
    /// This server cannot keep its records right now: nothing was sent.
    #[error("the ordering service is busy; try again shortly")]
    Storage(String),
    #[error("the restaurant's system could not be reached; try again")]
    Upstream(#[source] UpstreamError),
    /// What only an order or a staff call meets: the order desk's own refusals.
    #[error(transparent)]
    Declined(Declined),
}

/// The order desk's errors at the edge: those any request meets become the same as
/// anywhere else; its own refusals keep their names.
impl From<OrderError> for AppError {
    fn from(e: OrderError) -> AppError {
        match e {
            OrderError::Declined(declined) => AppError::Declined(declined),
            OrderError::Invalid(why) => AppError::Invalid(why),
            OrderError::NotFound(what) => AppError::NotFound(what),
            OrderError::RateLimited { retry_after_ms } => AppError::RateLimited { retry_after_ms },
            OrderError::DeviceRequired => AppError::DeviceRequired,
            OrderError::Storage(why) => AppError::Storage(why),
            OrderError::Upstream(e) => AppError::Upstream(e),
        }
    }
}

/// The catalog fails a request the same way wherever it meets one: an unknown store or
/// table is not found, a menu it cannot prepare is storage trouble, and a POS it cannot reach
/// is the upstream's (the order desk reads it so too, and maps onto these one for one).
impl From<crate::catalog::CatalogError> for AppError {
    fn from(e: crate::catalog::CatalogError) -> AppError {
        OrderError::from(e).into()
    }
}

/// Too many requests, and trust records that cannot be read (nothing was done, try again
/// shortly), read as the order desk reads them.
impl From<crate::limits::RetryAfter> for AppError {
    fn from(e: crate::limits::RetryAfter) -> AppError {
        OrderError::from(e).into()
    }
}

impl From<crate::trust::TrustError> for AppError {
    fn from(e: crate::trust::TrustError) -> AppError {
        OrderError::from(e).into()
    }
}

impl From<crate::content::ContentError> for AppError {
    fn from(e: crate::content::ContentError) -> AppError {
        match e {
            crate::content::ContentError::Invalid(why) => AppError::Invalid(why.to_string()),
            crate::content::ContentError::Db(e) => {
                tracing::error!(error = %e, "store content unavailable");
                AppError::Storage(e.to_string())
            }
        }
    }
}

impl From<order_core::owner::ItemEditProblem> for AppError {
    fn from(problem: order_core::owner::ItemEditProblem) -> AppError {
        AppError::Invalid(problem.to_string())
    }
}

impl From<crate::photos::PhotoError> for AppError {
    fn from(e: crate::photos::PhotoError) -> AppError {
        match e {
            crate::photos::PhotoError::NotJpegOrPng => AppError::NotAPhoto(e.to_string()),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

impl AppError {
    /// The code, and how long to wait before trying again where that is known.
    fn code(&self) -> (ErrorCode, Option<u64>) {
        match self {
            AppError::NotFound(_) => (ErrorCode::NotFound, None),
            AppError::Invalid(_) => (ErrorCode::InvalidRequest, None),
            AppError::TooLarge => (ErrorCode::TooLarge, None),
            AppError::RateLimited { retry_after_ms } => {
                (ErrorCode::RateLimited, Some(*retry_after_ms))
            }
            AppError::Unauthorized => (ErrorCode::Unauthorized, None),
            AppError::Forbidden | AppError::TabletElsewhere(_) | AppError::NotAnOwnersCall => {
                (ErrorCode::Forbidden, None)
            }
            AppError::DeviceRequired | AppError::EnrolmentRefused => {
                (ErrorCode::DeviceRequired, None)
            }
            AppError::NotJson | AppError::NotAPhoto(_) => (ErrorCode::UnsupportedMediaType, None),
            AppError::Storage(_) => (ErrorCode::ServerUnavailable, Some(2_000)),
            AppError::Upstream(_) => (ErrorCode::UpstreamUnavailable, None),
            AppError::Declined(declined) => declined.code(),
        }
    }

    fn status(&self, code: ErrorCode) -> StatusCode {
        match self {
            AppError::Upstream(e) => upstream_status(e),
            _ => status_of(code),
        }
    }
}

/// An upstream that did not answer in time is a gateway timeout; any other trouble, a bad
/// gateway.
fn upstream_status(e: &UpstreamError) -> StatusCode {
    match e {
        UpstreamError::Timeout => StatusCode::GATEWAY_TIMEOUT,
        _ => status_of(ErrorCode::UpstreamUnavailable),
    }
}

fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (code, retry_after_ms) = self.code();
        let status = self.status(code);
        if let AppError::Upstream(e) = &self {
            // The guest sees a plain message; the operator sees why.
            tracing::warn!(error = %e, "upstream failure");
        }
        let body = ApiError {
            error: ErrorBody {
                code,
                message: self.to_string(),
                retry_after_ms,
            },
        };
        (status, Json(body)).into_response()
    }
}
