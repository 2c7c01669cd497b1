//! Orders and the real-time inquiry, with the guarantees only a server can give:
//! one upstream order per clientOrderId, and one upstream inquiry per table per interval.
//!
//! An order is sent by a task of its own, not by the HTTP request that asked for it: the
//! request only waits for it. So a phone that hangs up, a request that times out or a
//! server shutting down cannot lose what was sent; later requests for the same id join the
//! task, or read its outcome from the ledger. The ledger row is written "in doubt" before
//! the call; one left in doubt (a crash, a lost answer) is settled by looking at the table,
//! never by sending again blindly.

mod declined;
mod inquiries;
mod records;
mod sending;
pub mod settle;
mod shared_view;
mod staff_calls;
mod taking;

pub use declined::Declined;
pub use settle::{MatchedBy, OrderShape};

use crate::catalog::Catalog;
use crate::ledger::{Claim, Claimed, Ledger, RecordState};
use crate::limits::{RateLimiter, RetryAfter};
use crate::metrics::Metrics;
use crate::payments;
use crate::trust::{PinRefusal, StaffPin};
use crate::upstream::{
    partner_order_no, staff_call_order, OutgoingOrder, PaymentKind, PaymentRecord, Refusal,
    StoreInquiry, TableInquiry, Upstream, UpstreamError,
};
use order_core::pricing::{price_order, OrderProblem, PricedOrder};
use order_core::{
    OrderKind, OrderReceipt, OrderRequest, Payment, PaymentMethod, StaffCallRequest, Won,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

type Key = (String, String);

/// What is known of a table's orders. Its lock is the single flight: one fetch at a time,
/// and forgetting the last inquiry waits for a fetch under way (which may predate a send).
type InquiryCell = Arc<tokio::sync::Mutex<TableLook>>;

#[derive(Default)]
struct TableLook {
    /// The last look at the table and when it was asked, until a send makes it stale.
    last: Option<(Instant, TableInquiry)>,
    /// The newest order known to be at the table (`Some(None)`: none), kept when `last` is
    /// dropped: the anchor of the next send. Learnt from every inquiry and every receipt; it
    /// may be older than the table's newest by now, which only makes absence harder to prove,
    /// and it spares each order an inquiry of its own.
    newest: Option<Option<String>>,
    /// The orders of the last list known to hold every order the table has: what lets the
    /// store-wide list answer for it (`shared_view::store_list_answers`).
    complete: Option<Vec<String>>,
    /// When a send last made what was known stale: no look asked before then answers.
    stale_since: Option<Instant>,
}
/// A cell no phone has asked for this long is dropped (far longer than any call holds it).
const INQUIRY_CELL_IDLE: Duration = Duration::from_secs(15 * 60);
/// The store-wide inquiry, one fetch at a time per store, like a table's.
type StoreInquiryCell = Arc<tokio::sync::Mutex<shared_view::StoreCell>>;

/// Why the order desk did not take an order or a staff call, in its own terms: its own
/// refusals (`Declined`, which knows its code), or what any request can meet, which
/// `error.rs` says over HTTP.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OrderError {
    /// The desk's own refusals.
    #[error(transparent)]
    Declined(#[from] Declined),
    #[error("{0}")]
    Invalid(String),
    /// No such table at the store (as the catalog or the POS says).
    #[error("{0}")]
    NotFound(String),
    /// Too soon: the table's orders, a locked staff PIN, a staff call just made.
    #[error("too many requests")]
    RateLimited { retry_after_ms: u64 },
    /// A payment from a device that is not one of the store's enrolled tablets.
    #[error("payment is taken only on the store's enrolled tablets; this device is not (or no longer) enrolled")]
    DeviceRequired,
    /// The records cannot be kept right now: nothing was sent.
    #[error("the ordering service is busy; try again shortly")]
    Storage(String),
    #[error("the restaurant's system could not be reached; try again")]
    Upstream(#[source] UpstreamError),
}

impl OrderError {
    /// The order may have been placed: only looking at the table can tell.
    pub fn is_in_doubt(&self) -> bool {
        matches!(self, OrderError::Upstream(e) if e.is_ambiguous())
    }

    /// Maps an upstream failure; `occupied_retry_ms` is what the guest is told to wait.
    pub fn from_upstream(e: UpstreamError, occupied_retry_ms: u64) -> OrderError {
        match e.refusal() {
            Some(Refusal::TableOccupied) => OrderError::Declined(Declined::TableOccupied {
                retry_after_ms: occupied_retry_ms,
            }),
            Some(Refusal::StoreClosed) => OrderError::Declined(Declined::StoreClosed),
            Some(Refusal::TableHasOpenOrder) => OrderError::Declined(Declined::TableHasOpenOrder),
            Some(Refusal::OpenOrderMismatch) => OrderError::Declined(Declined::OpenOrderMismatch),
            Some(Refusal::BadItem) => OrderError::Declined(Declined::Problem(
                OrderProblem::UnknownItem("the restaurant's menu changed; reload it".into()),
            )),
            Some(Refusal::UnknownTable) => OrderError::NotFound("no such table".into()),
            // Any other well-formed refusal, known code or not: definite, in the POS's words.
            Some(Refusal::CredentialsRejected | Refusal::Other) => match e {
                UpstreamError::Refused { message, code, .. } => {
                    OrderError::Declined(Declined::PosRefused(if message.is_empty() {
                        format!("the restaurant's system refused the order ({code})")
                    } else {
                        message
                    }))
                }
                other => OrderError::Upstream(other),
            },
            None => OrderError::Upstream(e),
        }
    }
}

impl From<OrderProblem> for OrderError {
    fn from(problem: OrderProblem) -> OrderError {
        Declined::Problem(problem).into()
    }
}

impl From<RetryAfter> for OrderError {
    fn from(RetryAfter(retry_after_ms): RetryAfter) -> OrderError {
        OrderError::RateLimited { retry_after_ms }
    }
}

impl From<crate::ledger::LedgerError> for OrderError {
    fn from(e: crate::ledger::LedgerError) -> OrderError {
        tracing::error!(error = %e, "order records unavailable");
        OrderError::Storage(e.to_string())
    }
}

impl From<crate::trust::TrustError> for OrderError {
    fn from(e: crate::trust::TrustError) -> OrderError {
        tracing::error!(error = %e, "trust records unavailable");
        OrderError::Storage(e.to_string())
    }
}

impl From<crate::catalog::CatalogError> for OrderError {
    fn from(e: crate::catalog::CatalogError) -> OrderError {
        use crate::catalog::CatalogError;
        match e {
            CatalogError::UnknownStore(_) | CatalogError::UnknownTable(_) => {
                OrderError::NotFound(e.to_string())
            }
            CatalogError::MenuBody(why) => {
                tracing::error!(error = %why, "the menu could not be prepared");
                OrderError::Storage(why)
            }
            CatalogError::Upstream(e) => OrderError::Upstream(e),
        }
    }
}

impl From<crate::payments::PaymentProblem> for OrderError {
    fn from(problem: crate::payments::PaymentProblem) -> OrderError {
        match problem {
            crate::payments::PaymentProblem::NotFresh { .. } => {
                OrderError::Declined(Declined::ApprovalRejected(problem.to_string()))
            }
            _ => OrderError::Invalid(problem.to_string()),
        }
    }
}

/// The outcome of a send under way, for every request that waits on it.
type Outcome = watch::Receiver<Option<Result<OrderReceipt, OrderError>>>;

/// A send under way in this process: whose it is, and its outcome when there is one.
#[derive(Clone)]
struct UnderWay {
    table: String,
    fingerprint: String,
    outcome: Outcome,
}

/// One staff call per table this often: a guest tapping again is told to wait.
pub const STAFF_CALL_EVERY: Duration = Duration::from_secs(30);
/// A staff call meeting a table whose bill is changing tries this often, waiting this long
/// between the later tries (an order landing on the POS takes a second or two).
const STAFF_CALL_TRIES: u32 = 6;
const STAFF_CALL_RETRY_AFTER: Duration = Duration::from_millis(1_500);

/// Who places an order: a guest's phone holding the table's link, or one of the store's
/// enrolled tablets (the only ones that take payment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orderer<'a> {
    Guest,
    Tablet { device_id: &'a str },
}

/// An order ready to go upstream, priced by this server.
struct Prepared {
    kind: OrderKind,
    open_order_no: Option<String>,
    priced: PricedOrder,
    payments: Vec<PaymentRecord>,
    staff_call: bool,
}

/// What an order's record keeps of how it goes upstream: the partner's order number it is
/// sent under, and what it is (as the host will list it back), as JSON.
fn sent_as(store: &str, client_order_id: &str, priced: &PricedOrder) -> (String, String) {
    let shape = OrderShape::new(
        priced.lines.iter().map(|l| (l.item_id.clone(), l.count)),
        priced.total,
    );
    (partner_order_no(store, client_order_id), shape.to_json())
}

/// The most one order may cost and hold at a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderCaps {
    pub max_total: Won,
    pub max_items: u32,
}

/// What an order desk is set up with.
#[derive(Debug, Clone)]
pub struct DeskSettings {
    pub poll_interval: Duration,
    /// The most orders the store-wide inquiry lists per table, as taught; 0: unknown.
    pub store_list_per_table: usize,
    pub occupied_retry_ms: u64,
    pub staff_pin: Option<String>,
    pub orders_per_minute_per_table: u32,
    /// The most one order may cost and hold, by store.
    pub caps: HashMap<String, OrderCaps>,
    /// An order still in doubt this long after it was sent, and not on the table, never
    /// reached Smartro (or vanished undelivered): it may be sent again. Longer than the
    /// upstream timeout and the time the host takes to list a new order.
    pub settle_after: Duration,
    /// What one tablet may take as prepaid in 24 hours, in won; 0: no ceiling.
    pub prepaid_daily_limit: i64,
}

pub struct OrderDesk {
    upstream: Upstream,
    catalog: Arc<Catalog>,
    ledger: Ledger,
    metrics: Arc<Metrics>,
    settings: DeskSettings,
    inquiry_fresh_for: Duration,
    /// Sends under way in this process, by (store, clientOrderId).
    sending: Mutex<HashMap<Key, UnderWay>>,
    /// Each table's inquiry cell; one not asked for in a while is dropped.
    inquiries: moka::sync::Cache<Key, InquiryCell>,
    store_inquiries: moka::sync::Cache<String, StoreInquiryCell>,
    /// When an order was last sent at each store: the owner's list is never older.
    store_sends: moka::sync::Cache<String, Instant>,
    per_table: RateLimiter,
    /// The cash PIN, with its store-wide lock-out; a store without one takes no cash.
    staff_pin: StaffPin,
    /// When each table last called staff, forgotten once it may call again.
    staff_calls: moka::sync::Cache<Key, Instant>,
}

fn now_kst() -> String {
    crate::kst::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A clientOrderId is made in the browser: a short opaque token.
fn valid_client_order_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_client_order_id(id: &str) -> Result<(), OrderError> {
    if valid_client_order_id(id) {
        Ok(())
    } else {
        Err(OrderError::Invalid(
            "clientOrderId must be 8-64 letters, digits, - or _".into(),
        ))
    }
}

/// What the guest asked for, hashed: lines, memo and payment — not `kind` or
/// `openOrderNo`, which a resend may rightly change when the table's bill changed.
fn fingerprint(parts: &impl serde::Serialize) -> String {
    let bytes = serde_json::to_vec(parts).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

fn order_fingerprint(request: &OrderRequest) -> String {
    let payment = request.payment.as_ref().map(|p| (p.method, &p.approvals));
    fingerprint(&(&request.lines, &request.memo, payment))
}

fn call_fingerprint(request: &StaffCallRequest) -> String {
    let mut reasons = request.reasons.clone();
    reasons.sort();
    reasons.dedup();
    fingerprint(&("staff-call", reasons))
}

/// Waits for a send under way; a task that ended without a word leaves the order in doubt.
async fn outcome_of(mut rx: Outcome) -> Result<OrderReceipt, OrderError> {
    match rx.wait_for(Option::is_some).await {
        Ok(done) => done.clone().unwrap_or_else(|| Err(in_doubt("no outcome"))),
        Err(_) => Err(in_doubt("the send ended without an outcome")),
    }
}

fn in_doubt(why: &str) -> OrderError {
    OrderError::Upstream(UpstreamError::AnswerLost(why.to_string()))
}

impl OrderDesk {
    pub fn new(
        upstream: Upstream,
        catalog: Arc<Catalog>,
        ledger: Ledger,
        metrics: Arc<Metrics>,
        settings: DeskSettings,
    ) -> OrderDesk {
        OrderDesk {
            staff_pin: StaffPin::new(settings.staff_pin.as_deref(), ledger.pool().clone()),
            upstream,
            catalog,
            ledger,
            metrics,
            // Just short of the poll interval: a phone polling on its own always brings news,
            // and many phones share one look per interval.
            inquiry_fresh_for: settings
                .poll_interval
                .saturating_sub((settings.poll_interval / 10).min(Duration::from_millis(100))),
            per_table: RateLimiter::new(settings.orders_per_minute_per_table),
            settings,
            sending: Mutex::new(HashMap::new()),
            inquiries: moka::sync::Cache::builder()
                .time_to_idle(INQUIRY_CELL_IDLE)
                .build(),
            store_inquiries: moka::sync::Cache::builder()
                .time_to_idle(INQUIRY_CELL_IDLE)
                .build(),
            store_sends: moka::sync::Cache::builder()
                .time_to_idle(INQUIRY_CELL_IDLE)
                .build(),
            staff_calls: moka::sync::Cache::builder()
                .time_to_live(STAFF_CALL_EVERY)
                .build(),
        }
    }

    /// The staff PIN of every store (the owner changes it on the admin page).
    pub fn staff_pin(&self) -> &StaffPin {
        &self.staff_pin
    }

    /// Sends still under way in this process.
    pub fn sends_under_way(&self) -> usize {
        self.sending.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Waits (up to `deadline`) for the sends under way to record their outcome.
    pub async fn drain(&self, deadline: Duration) {
        let started = Instant::now();
        while self.sends_under_way() > 0 && started.elapsed() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = self.sends_under_way();
        if left > 0 {
            tracing::warn!(
                left,
                "stopping with orders in doubt; they are settled on the next start"
            );
        }
    }
}
