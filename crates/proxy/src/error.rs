//! Every failure of the public API, turned into `{error:{code,message}}` in one place.

use crate::upstream::{Refusal, UpstreamError};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use order_core::pricing::OrderProblem;
use order_core::{ApiError, ErrorBody, ErrorCode};

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Order(#[from] OrderProblem),
    #[error("the table is being handled at the counter")]
    TableOccupied { retry_after_ms: u64 },
    #[error("the store is not taking orders right now")]
    StoreClosed,
    #[error("the table already has an open order: add onto it")]
    TableHasOpenOrder,
    #[error("that order is not open on this table any more")]
    OpenOrderMismatch,
    #[error("the request body is too large")]
    TooLarge,
    #[error("too many requests")]
    RateLimited { retry_after_ms: u64 },
    #[error("a valid admin token is required")]
    Unauthorized,
    #[error("the staff PIN is not right")]
    WrongPin,
    /// A payment from a device that is not one of the store's enrolled tablets.
    #[error("payment is taken only on the store's enrolled tablets; this device is not (or no longer) enrolled")]
    DeviceRequired,
    #[error("that enrolment code is wrong, used or expired: ask the owner for a new one")]
    EnrolmentRefused,
    /// An approval already behind another order, or too old to be this order's.
    #[error("{0}")]
    ApprovalRejected(String),
    /// More than the store lets one order hold or cost.
    #[error("{0}")]
    OrderTooLarge(String),
    /// A page on a site that is neither this server nor a listed partner.
    #[error("orders come from the store's own pages and its listed partners only")]
    Forbidden,
    #[error("send the request as application/json")]
    NotJson,
    /// An upload that is not a photo this server takes.
    #[error("{0}")]
    NotAPhoto(String),
    /// The same clientOrderId came with another order: refused, never sent.
    #[error("this clientOrderId was already used for a different order")]
    IdempotencyConflict,
    /// This server cannot keep its records right now: nothing was sent.
    #[error("the ordering service is busy; try again shortly")]
    Storage(String),
    /// The POS said no, in its own words: nothing was ordered.
    #[error("{0}")]
    PosRefused(String),
    #[error("the restaurant's system could not be reached; try again")]
    Upstream(#[source] UpstreamError),
}

impl From<crate::payments::PaymentProblem> for AppError {
    fn from(problem: crate::payments::PaymentProblem) -> AppError {
        match problem {
            crate::payments::PaymentProblem::NotFresh { .. } => {
                AppError::ApprovalRejected(problem.to_string())
            }
            _ => AppError::Invalid(problem.to_string()),
        }
    }
}

impl From<crate::catalog::CatalogError> for AppError {
    fn from(e: crate::catalog::CatalogError) -> AppError {
        use crate::catalog::CatalogError;
        match e {
            CatalogError::UnknownStore(_) | CatalogError::UnknownTable(_) => {
                AppError::NotFound(e.to_string())
            }
            CatalogError::MenuBody(why) => {
                tracing::error!(error = %why, "the menu could not be prepared");
                AppError::Storage(why)
            }
            CatalogError::Upstream(e) => AppError::Upstream(e),
        }
    }
}

impl From<crate::limits::RetryAfter> for AppError {
    fn from(crate::limits::RetryAfter(retry_after_ms): crate::limits::RetryAfter) -> AppError {
        AppError::RateLimited { retry_after_ms }
    }
}

impl From<crate::ledger::LedgerError> for AppError {
    fn from(e: crate::ledger::LedgerError) -> AppError {
        tracing::error!(error = %e, "order records unavailable");
        AppError::Storage(e.to_string())
    }
}

impl From<crate::trust::TrustError> for AppError {
    fn from(e: crate::trust::TrustError) -> AppError {
        tracing::error!(error = %e, "trust records unavailable");
        AppError::Storage(e.to_string())
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
    /// The order may have been placed: only looking at the table can tell.
    pub fn is_in_doubt(&self) -> bool {
        matches!(self, AppError::Upstream(e) if e.is_ambiguous())
    }

    /// Maps an upstream failure; `occupied_retry_ms` is what the guest is told to wait.
    pub fn from_upstream(e: UpstreamError, occupied_retry_ms: u64) -> AppError {
        match e.refusal() {
            Some(Refusal::TableOccupied) => AppError::TableOccupied {
                retry_after_ms: occupied_retry_ms,
            },
            Some(Refusal::StoreClosed) => AppError::StoreClosed,
            Some(Refusal::TableHasOpenOrder) => AppError::TableHasOpenOrder,
            Some(Refusal::OpenOrderMismatch) => AppError::OpenOrderMismatch,
            Some(Refusal::BadItem) => AppError::Order(OrderProblem::UnknownItem(
                "the restaurant's menu changed; reload it".into(),
            )),
            Some(Refusal::UnknownTable) => AppError::NotFound("no such table".into()),
            // Any other well-formed refusal, known code or not: definite, in the POS's words.
            Some(Refusal::CredentialsRejected | Refusal::Other) => match e {
                UpstreamError::Refused { message, code, .. } => {
                    AppError::PosRefused(if message.is_empty() {
                        format!("the restaurant's system refused the order ({code})")
                    } else {
                        message
                    })
                }
                other => AppError::Upstream(other),
            },
            None => AppError::Upstream(e),
        }
    }

    fn parts(&self) -> (StatusCode, ErrorCode, Option<u64>) {
        let (code, retry) = match self {
            AppError::NotFound(_) => (ErrorCode::NotFound, None),
            AppError::Invalid(_) => (ErrorCode::InvalidRequest, None),
            AppError::Order(p) => (p.code(), None),
            AppError::TableOccupied { retry_after_ms } => {
                (ErrorCode::TableOccupied, Some(*retry_after_ms))
            }
            AppError::StoreClosed => (ErrorCode::StoreClosed, None),
            AppError::TableHasOpenOrder => (ErrorCode::TableHasOpenOrder, None),
            AppError::OpenOrderMismatch => (ErrorCode::OpenOrderMismatch, None),
            AppError::TooLarge => (ErrorCode::TooLarge, None),
            AppError::RateLimited { retry_after_ms } => {
                (ErrorCode::RateLimited, Some(*retry_after_ms))
            }
            AppError::Unauthorized | AppError::WrongPin => (ErrorCode::Unauthorized, None),
            AppError::PosRefused(_) => (ErrorCode::PosRefused, None),
            AppError::IdempotencyConflict => (ErrorCode::IdempotencyConflict, None),
            AppError::OrderTooLarge(_) => (ErrorCode::OrderTooLarge, None),
            AppError::Forbidden => (ErrorCode::Forbidden, None),
            AppError::DeviceRequired | AppError::EnrolmentRefused => {
                (ErrorCode::DeviceRequired, None)
            }
            AppError::ApprovalRejected(_) => (ErrorCode::ApprovalRejected, None),
            AppError::NotJson | AppError::NotAPhoto(_) => (ErrorCode::UnsupportedMediaType, None),
            AppError::Storage(_) => (ErrorCode::ServerUnavailable, Some(2_000)),
            AppError::Upstream(UpstreamError::Timeout) => {
                return (
                    StatusCode::GATEWAY_TIMEOUT,
                    ErrorCode::UpstreamUnavailable,
                    None,
                )
            }
            AppError::Upstream(_) => (ErrorCode::UpstreamUnavailable, None),
        };
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, code, retry)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, retry_after_ms) = self.parts();
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
