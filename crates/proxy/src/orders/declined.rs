//! The order desk's own refusals: what only an order or a staff call meets. Said once here,
//! and carried as they are to the HTTP edge.

use order_core::pricing::OrderProblem;
use order_core::ErrorCode;

/// Why the order desk declined an order or a staff call: nothing was placed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Declined {
    #[error(transparent)]
    Problem(#[from] OrderProblem),
    #[error("the table is being handled at the counter")]
    TableOccupied { retry_after_ms: u64 },
    #[error("the store is not taking orders right now")]
    StoreClosed,
    #[error("the table already has an open order: add onto it")]
    TableHasOpenOrder,
    #[error("that order is not open on this table any more")]
    OpenOrderMismatch,
    #[error("the staff PIN is not right")]
    WrongPin,
    /// An approval already behind another order, or too old to be this order's.
    #[error("{0}")]
    ApprovalRejected(String),
    /// More than the store lets one order hold or cost.
    #[error("{0}")]
    OrderTooLarge(String),
    /// The same clientOrderId came with another order: refused, never sent.
    #[error("this clientOrderId was already used for a different order")]
    IdempotencyConflict,
    /// The POS said no, in its own words: nothing was ordered.
    #[error("{0}")]
    PosRefused(String),
    /// It may be on the POS, and nothing here can tell (the table's list no longer reaches
    /// back to it, or two orders alike cannot be told apart): it is never sent again, and
    /// staff are asked to look.
    #[error("this order may already be with the restaurant, but it cannot be confirmed: staff will check; please do not order it again")]
    Unconfirmed,
}

impl Declined {
    /// The public API's code, and how long to wait before trying again where that is known.
    pub fn code(&self) -> (ErrorCode, Option<u64>) {
        let code = match self {
            Declined::Problem(p) => p.code(),
            Declined::TableOccupied { retry_after_ms } => {
                return (ErrorCode::TableOccupied, Some(*retry_after_ms))
            }
            Declined::StoreClosed => ErrorCode::StoreClosed,
            Declined::TableHasOpenOrder => ErrorCode::TableHasOpenOrder,
            Declined::OpenOrderMismatch => ErrorCode::OpenOrderMismatch,
            Declined::WrongPin => ErrorCode::Unauthorized,
            Declined::ApprovalRejected(_) => ErrorCode::ApprovalRejected,
            Declined::OrderTooLarge(_) => ErrorCode::OrderTooLarge,
            Declined::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            Declined::PosRefused(_) => ErrorCode::PosRefused,
            Declined::Unconfirmed => ErrorCode::OrderUnconfirmed,
        };
        (code, None)
    }
}
