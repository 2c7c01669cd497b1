//! Every failure of the public API, turned into `{error:{code,message}}` in one place.

use crate::orders::OrderError;
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
    /// The order desk's refusals and failures.
    #[error(transparent)]
    Order(#[from] OrderError),
}

/// The catalog fails a request the same way wherever it meets one: as it fails an order.
impl From<crate::catalog::CatalogError> for AppError {
    fn from(e: crate::catalog::CatalogError) -> AppError {
        AppError::Order(e.into())
    }
}

impl From<crate::limits::RetryAfter> for AppError {
    fn from(crate::limits::RetryAfter(retry_after_ms): crate::limits::RetryAfter) -> AppError {
        AppError::RateLimited { retry_after_ms }
    }
}

/// Trust records that cannot be read fail a request as they fail an order.
impl From<crate::trust::TrustError> for AppError {
    fn from(e: crate::trust::TrustError) -> AppError {
        AppError::Order(e.into())
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
    fn parts(&self) -> (StatusCode, ErrorCode, Option<u64>) {
        let (code, retry) = match self {
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
            AppError::Order(e) => return order_parts(e),
            AppError::Upstream(e) => return upstream_parts(e),
        };
        (status_of(code), code, retry)
    }
}

/// The order desk's errors over HTTP.
fn order_parts(e: &OrderError) -> (StatusCode, ErrorCode, Option<u64>) {
    let (code, retry) = match e {
        OrderError::Problem(p) => (p.code(), None),
        OrderError::Invalid(_) => (ErrorCode::InvalidRequest, None),
        OrderError::NotFound(_) => (ErrorCode::NotFound, None),
        OrderError::TableOccupied { retry_after_ms } => {
            (ErrorCode::TableOccupied, Some(*retry_after_ms))
        }
        OrderError::StoreClosed => (ErrorCode::StoreClosed, None),
        OrderError::TableHasOpenOrder => (ErrorCode::TableHasOpenOrder, None),
        OrderError::OpenOrderMismatch => (ErrorCode::OpenOrderMismatch, None),
        OrderError::RateLimited { retry_after_ms } => {
            (ErrorCode::RateLimited, Some(*retry_after_ms))
        }
        OrderError::WrongPin => (ErrorCode::Unauthorized, None),
        OrderError::DeviceRequired => (ErrorCode::DeviceRequired, None),
        OrderError::ApprovalRejected(_) => (ErrorCode::ApprovalRejected, None),
        OrderError::OrderTooLarge(_) => (ErrorCode::OrderTooLarge, None),
        OrderError::IdempotencyConflict => (ErrorCode::IdempotencyConflict, None),
        OrderError::Storage(_) => (ErrorCode::ServerUnavailable, Some(2_000)),
        OrderError::PosRefused(_) => (ErrorCode::PosRefused, None),
        OrderError::Unconfirmed => (ErrorCode::OrderUnconfirmed, None),
        OrderError::Upstream(e) => return upstream_parts(e),
    };
    (status_of(code), code, retry)
}

/// An upstream that did not answer in time is a gateway timeout; any other trouble, a bad
/// gateway.
fn upstream_parts(e: &UpstreamError) -> (StatusCode, ErrorCode, Option<u64>) {
    let status = match e {
        UpstreamError::Timeout => StatusCode::GATEWAY_TIMEOUT,
        _ => status_of(ErrorCode::UpstreamUnavailable),
    };
    (status, ErrorCode::UpstreamUnavailable, None)
}

fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, retry_after_ms) = self.parts();
        if let AppError::Upstream(e) | AppError::Order(OrderError::Upstream(e)) = &self {
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
