//! Every error the public API answers with, and its body.

use super::*;

/// Every error the public API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    TableOccupied,
    StoreClosed,
    TableHasOpenOrder,
    OpenOrderMismatch,
    UnknownItem,
    BadOptions,
    SoldOut,
    InvalidRequest,
    NotFound,
    TooLarge,
    RateLimited,
    Unauthorized,
    /// The POS refused the order for a reason of its own; `message` carries its words.
    /// Nothing was ordered. Trying the same again is pointless until something changes.
    PosRefused,
    /// The same clientOrderId was sent before with a different order; nothing was sent.
    IdempotencyConflict,
    /// More than the store lets one order hold or cost; nothing was sent.
    OrderTooLarge,
    /// A page on another site tried to order: only the store's own pages and the partners it
    /// lists may.
    Forbidden,
    /// An order is sent as `application/json`, never as a form or plain text.
    UnsupportedMediaType,
    /// Payment is taken only on the store's enrolled tablets: this device is not one (or was
    /// revoked). Nothing was sent.
    DeviceRequired,
    /// A card approval that is already behind another order, or too old; nothing was sent.
    ApprovalRejected,
    /// The server cannot take orders for a moment (e.g. its records); nothing was sent.
    ServerUnavailable,
    /// The POS side could not be reached or did not answer in time (502, or 504 on a timeout).
    UpstreamUnavailable,
    /// The order may already be on the POS, and nobody here can tell: it is never sent
    /// again under this id, and staff are asked to look. Do not order it again.
    OrderUnconfirmed,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::TableOccupied
            | ErrorCode::TableHasOpenOrder
            | ErrorCode::OpenOrderMismatch
            | ErrorCode::IdempotencyConflict
            | ErrorCode::OrderUnconfirmed => 409,
            ErrorCode::StoreClosed | ErrorCode::ServerUnavailable => 503,
            ErrorCode::UnknownItem
            | ErrorCode::BadOptions
            | ErrorCode::SoldOut
            | ErrorCode::InvalidRequest
            | ErrorCode::PosRefused
            | ErrorCode::OrderTooLarge
            | ErrorCode::ApprovalRejected => 422,
            ErrorCode::Forbidden | ErrorCode::DeviceRequired => 403,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::NotFound => 404,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unauthorized => 401,
            ErrorCode::UpstreamUnavailable => 502,
        }
    }
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TableOccupied => "table_occupied",
            ErrorCode::StoreClosed => "store_closed",
            ErrorCode::TableHasOpenOrder => "table_has_open_order",
            ErrorCode::OpenOrderMismatch => "open_order_mismatch",
            ErrorCode::UnknownItem => "unknown_item",
            ErrorCode::BadOptions => "bad_options",
            ErrorCode::SoldOut => "sold_out",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::PosRefused => "pos_refused",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::OrderTooLarge => "order_too_large",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::DeviceRequired => "device_required",
            ErrorCode::ApprovalRejected => "approval_rejected",
            ErrorCode::ServerUnavailable => "server_unavailable",
            ErrorCode::UpstreamUnavailable => "upstream_unavailable",
            ErrorCode::OrderUnconfirmed => "order_unconfirmed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}
