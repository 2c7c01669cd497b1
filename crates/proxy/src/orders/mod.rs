//! Orders and the real-time inquiry, with the guarantees only a server can give:
//! one upstream order per clientOrderId, and one upstream inquiry per table per interval.
//!
//! An order is sent by a task of its own, not by the HTTP request that asked for it: the
//! request only waits for it. So a phone that hangs up, a request that times out or a
//! server shutting down cannot lose what was sent; later requests for the same id join the
//! task, or read its outcome from the ledger. The ledger row is written "in doubt" before
//! the call; one left in doubt (a crash, a lost answer) is settled by looking at the table,
//! never by sending again blindly.

mod records;
pub mod settle;

pub use settle::{MatchedBy, OrderShape};

use crate::catalog::Catalog;
use crate::ledger::{Claim, Claimed, Ledger, RecordState};
use crate::limits::{RateLimiter, RetryAfter};
use crate::metrics::Metrics;
use crate::payments;
use crate::trust::{PinRefusal, StaffPin};
use crate::upstream::{
    partner_order_no, staff_call_order, OutgoingOrder, PaymentKind, PaymentRecord, Refusal,
    StoreOrder, TableInquiry, Upstream, UpstreamError,
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
    /// The last inquiry and when it was made, until a send makes it stale.
    last: Option<(Instant, TableInquiry)>,
    /// The newest order known to be at the table (`Some(None)`: none), kept when `last` is
    /// dropped: the anchor of the next send. Learnt from every inquiry and every receipt; it
    /// may be older than the table's newest by now, which only makes absence harder to prove,
    /// and it spares each order an inquiry of its own.
    newest: Option<Option<String>>,
}
/// A cell no phone has asked for this long is dropped (far longer than any call holds it).
const INQUIRY_CELL_IDLE: Duration = Duration::from_secs(15 * 60);
/// The store-wide inquiry, kept like a table's.
type StoreInquiryCell = Arc<tokio::sync::Mutex<Option<(Instant, Arc<[StoreOrder]>)>>>;

/// Why the order desk did not take an order or a staff call, in its own terms; `error.rs`
/// says what each is over HTTP.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OrderError {
    #[error(transparent)]
    Problem(#[from] OrderProblem),
    #[error("{0}")]
    Invalid(String),
    /// No such table at the store (as the catalog or the POS says).
    #[error("{0}")]
    NotFound(String),
    #[error("the table is being handled at the counter")]
    TableOccupied { retry_after_ms: u64 },
    #[error("the store is not taking orders right now")]
    StoreClosed,
    #[error("the table already has an open order: add onto it")]
    TableHasOpenOrder,
    #[error("that order is not open on this table any more")]
    OpenOrderMismatch,
    /// Too soon: the table's orders, a locked staff PIN, a staff call just made.
    #[error("too many requests")]
    RateLimited { retry_after_ms: u64 },
    #[error("the staff PIN is not right")]
    WrongPin,
    /// A payment from a device that is not one of the store's enrolled tablets.
    #[error("payment is taken only on the store's enrolled tablets; this device is not (or no longer) enrolled")]
    DeviceRequired,
    /// An approval already behind another order, or too old to be this order's.
    #[error("{0}")]
    ApprovalRejected(String),
    /// More than the store lets one order hold or cost.
    #[error("{0}")]
    OrderTooLarge(String),
    /// The same clientOrderId came with another order: refused, never sent.
    #[error("this clientOrderId was already used for a different order")]
    IdempotencyConflict,
    /// The records cannot be kept right now: nothing was sent.
    #[error("the ordering service is busy; try again shortly")]
    Storage(String),
    /// The POS said no, in its own words: nothing was ordered.
    #[error("{0}")]
    PosRefused(String),
    /// It may be on the POS, and nothing here can tell (the table's list no longer reaches
    /// back to it, or two orders alike cannot be told apart): it is never sent again, and
    /// staff are asked to look.
    #[error("this order may already be with the restaurant, but it cannot be confirmed: staff will check; please do not order it again")]
    Unconfirmed,
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
            Some(Refusal::TableOccupied) => OrderError::TableOccupied {
                retry_after_ms: occupied_retry_ms,
            },
            Some(Refusal::StoreClosed) => OrderError::StoreClosed,
            Some(Refusal::TableHasOpenOrder) => OrderError::TableHasOpenOrder,
            Some(Refusal::OpenOrderMismatch) => OrderError::OpenOrderMismatch,
            Some(Refusal::BadItem) => OrderError::Problem(OrderProblem::UnknownItem(
                "the restaurant's menu changed; reload it".into(),
            )),
            Some(Refusal::UnknownTable) => OrderError::NotFound("no such table".into()),
            // Any other well-formed refusal, known code or not: definite, in the POS's words.
            Some(Refusal::CredentialsRejected | Refusal::Other) => match e {
                UpstreamError::Refused { message, code, .. } => {
                    OrderError::PosRefused(if message.is_empty() {
                        format!("the restaurant's system refused the order ({code})")
                    } else {
                        message
                    })
                }
                other => OrderError::Upstream(other),
            },
            None => OrderError::Upstream(e),
        }
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
                OrderError::ApprovalRejected(problem.to_string())
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
            // Shorter than the poll interval, so one phone always sees fresh news.
            inquiry_fresh_for: settings.poll_interval.mul_f64(0.9),
            per_table: RateLimiter::new(settings.orders_per_minute_per_table),
            settings,
            sending: Mutex::new(HashMap::new()),
            inquiries: moka::sync::Cache::builder()
                .time_to_idle(INQUIRY_CELL_IDLE)
                .build(),
            store_inquiries: moka::sync::Cache::builder()
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

    /// The staff PIN, under the store-wide lock-out. Wrong tries are counted and logged,
    /// never with what was typed.
    async fn check_pin(&self, store: &str, table: &str, given: &str) -> Result<(), OrderError> {
        match self.staff_pin.check(store, given).await? {
            Ok(()) => Ok(()),
            Err(PinRefusal::NotSet) => Err(OrderError::Invalid(
                "cash orders are not set up at this store (no staff PIN)".into(),
            )),
            Err(PinRefusal::Locked { retry_after }) => {
                tracing::warn!(store, table, ?retry_after, "staff PIN tried while locked");
                Err(RetryAfter::of(retry_after).into())
            }
            Err(PinRefusal::Wrong { locked_for }) => {
                self.metrics.staff_pin_failures.inc();
                match locked_for {
                    Some(lock) => {
                        self.metrics.staff_pin_lockouts.inc();
                        tracing::warn!(
                            store,
                            table,
                            ?lock,
                            "wrong staff PIN: the store's PIN is locked"
                        );
                    }
                    None => tracing::warn!(store, table, "wrong staff PIN"),
                }
                Err(OrderError::WrongPin)
            }
        }
    }

    /// What was paid, checked against the order as the server priced it.
    async fn payments(
        &self,
        store: &str,
        table: &str,
        payment: &Payment,
        total: Won,
        client_order_id: &str,
    ) -> Result<Vec<PaymentRecord>, OrderError> {
        let now = crate::kst::now();
        match payment.method {
            PaymentMethod::Cash => {
                let given = payment.staff_pin.as_deref().unwrap_or_default();
                self.check_pin(store, table, given).await?;
                Ok(vec![payments::cash(total, now)])
            }
            PaymentMethod::Card => match payments::card(&payment.approvals, total, &[], now) {
                // Too old to pay for a new order, but perhaps this order's own from an
                // earlier try: those it holds are taken at any age.
                Err(payments::PaymentProblem::NotFresh { .. }) => {
                    let admitted = self.ledger.approvals_of(store, client_order_id).await?;
                    Ok(payments::card(&payment.approvals, total, &admitted, now)?)
                }
                checked => Ok(checked?),
            },
        }
    }

    fn inquiry_cell(&self, store: &str, table: &str) -> InquiryCell {
        self.inquiries
            .get_with((store.to_string(), table.to_string()), InquiryCell::default)
    }

    /// The table's orders, from a cache shorter than the poll interval, one fetch at a time.
    async fn table_inquiry(&self, store: &str, table: &str) -> Result<TableInquiry, OrderError> {
        let info = self.catalog.with_table(store, table).await?;
        let (floor, tbl) = info.table_codes(table)?;
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        if let Some((at, inquiry)) = look.last.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics.inquiries_coalesced.inc();
                return Ok(inquiry.clone());
            }
        }
        let fresh = self
            .metrics
            .time_upstream(
                "table_orders",
                self.upstream
                    .table_orders(self.catalog.credentials(store)?, floor, tbl),
            )
            .await
            .map_err(|e| OrderError::from_upstream(e, self.settings.occupied_retry_ms))?;
        look.newest = Some(fresh.latest_on_pos.clone());
        look.last = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Today's orders at every table (for the owner's page), newest first, each with its
    /// table: one upstream inquiry however many pages ask within the freshness window.
    pub async fn store_orders(&self, store: &str) -> Result<Arc<[StoreOrder]>, OrderError> {
        let cell = self
            .store_inquiries
            .get_with(store.to_string(), StoreInquiryCell::default);
        let mut cached = cell.lock().await;
        if let Some((at, orders)) = cached.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics.inquiries_coalesced.inc();
                return Ok(orders.clone());
            }
        }
        let fresh: Arc<[StoreOrder]> = self
            .metrics
            .time_upstream(
                "store_orders",
                self.upstream.store_orders(self.catalog.credentials(store)?),
            )
            .await
            .map_err(|e| {
                self.catalog.note_trouble(store, &e);
                OrderError::from_upstream(e, self.settings.occupied_retry_ms)
            })?
            .into();
        *cached = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// The table's orders as they are now, not as cached.
    async fn fresh_inquiry(&self, store: &str, table: &str) -> Result<TableInquiry, OrderError> {
        self.forget_inquiry(store, table, None).await;
        self.table_inquiry(store, table).await
    }

    /// Drops the table's last inquiry; `newest`: an order now known to be the table's newest.
    async fn forget_inquiry(&self, store: &str, table: &str, newest: Option<&str>) {
        let cell = self.inquiry_cell(store, table);
        let mut look = cell.lock().await;
        look.last = None;
        if let Some(no) = newest {
            look.newest = Some(Some(no.to_string()));
        }
    }

    /// Places an order once, however often, however concurrently and across however many
    /// restarts it is sent.
    pub async fn place(
        self: &Arc<Self>,
        store: &str,
        table: &str,
        orderer: Orderer<'_>,
        request: &OrderRequest,
    ) -> Result<OrderReceipt, OrderError> {
        check_client_order_id(&request.client_order_id)?;
        if request.payment.is_some() && orderer == Orderer::Guest {
            tracing::warn!(
                store,
                table,
                "a payment from a device that is not an enrolled tablet"
            );
            return Err(OrderError::DeviceRequired);
        }
        self.catalog.with_table(store, table).await?;
        let print = order_fingerprint(request);
        let id = &request.client_order_id;
        // The newest order at the table, to be known before the send: usually known
        // already, else asked of the table while the record is read.
        let (on_record, anchor) = tokio::join!(
            self.answer_on_record(store, table, id, &print),
            self.latest_known(store, table)
        );
        // A replay is answered from the record before anything else.
        if let Some(answer) = on_record? {
            return answer;
        }
        self.per_table.check(&format!("{store}/{table}"))?;
        // Priced against the menu the POS has now: it is asked whether it changed.
        let info = self.catalog.current(store).await?;
        let open_order_no = match (request.kind, request.open_order_no.as_deref()) {
            (OrderKind::New, None) => None,
            (OrderKind::New, Some(_)) => {
                return Err(OrderError::Invalid("a new order has no openOrderNo".into()))
            }
            (OrderKind::Add, Some(no)) if !no.is_empty() && no.len() <= 40 => Some(no.to_string()),
            (OrderKind::Add, _) => {
                return Err(OrderError::Invalid("an add order needs openOrderNo".into()))
            }
        };
        if request.payment.is_some() && request.kind == OrderKind::Add {
            return Err(OrderError::Invalid(
                "a prepaid order is always a new order".into(),
            ));
        }
        let priced = price_order(&info.categories, &request.lines, request.memo.as_deref())?;
        self.within_caps(store, &priced)?;
        let payments = match &request.payment {
            Some(p) => {
                let records = self.payments(store, table, p, priced.total, id).await?;
                if let Orderer::Tablet { device_id } = orderer {
                    tracing::info!(store, table, device = device_id, method = ?p.method, "paid order from a tablet");
                }
                records
            }
            None => Vec::new(),
        };
        let kept_payment = request
            .payment
            .as_ref()
            .and_then(|p| serde_json::to_string(&p.approvals).ok());
        // Each pays for one order only: put behind this one when it is claimed.
        let approvals: Vec<(String, String)> = payments
            .iter()
            .filter(|r| r.kind == PaymentKind::Card)
            .map(|r| (r.approval_date.clone(), r.approval_no.clone()))
            .collect();
        let prepared = Prepared {
            kind: request.kind,
            open_order_no,
            priced,
            payments,
            staff_call: false,
        };
        let (number, shape) = sent_as(store, &request.client_order_id, &prepared.priced);
        let device_id = match orderer {
            Orderer::Tablet { device_id } => Some(device_id),
            Orderer::Guest => None,
        };
        let prepaid_won = request.payment.as_ref().map(|_| prepared.priced.total.0);
        let limit = self.settings.prepaid_daily_limit;
        let claim = Claim {
            store,
            client_order_id: &request.client_order_id,
            table,
            fingerprint: &print,
            payment: kept_payment.as_deref(),
            approvals: &approvals,
            partner_order_no: &number,
            shape: &shape,
            staff_call: false,
            device_id,
            prepaid_won,
            prepaid_ceiling: (prepaid_won.is_some() && limit > 0).then_some(limit),
        };
        self.dispatch(&claim, prepared, anchor).await
    }

    /// Refuses an order over what the store lets one order cost or hold.
    fn within_caps(&self, store: &str, priced: &PricedOrder) -> Result<(), OrderError> {
        let Some(caps) = self.settings.caps.get(store) else {
            return Ok(());
        };
        let items: u64 = priced.lines.iter().map(|l| u64::from(l.count)).sum();
        if items > u64::from(caps.max_items) {
            return Err(OrderError::OrderTooLarge(format!(
                "an order here holds at most {} items; this one has {items}",
                caps.max_items
            )));
        }
        if priced.total > caps.max_total {
            return Err(OrderError::OrderTooLarge(format!(
                "an order here costs at most {} won; this one costs {}",
                caps.max_total.0, priced.total.0
            )));
        }
        Ok(())
    }

    /// A guest calls staff: an order of the chosen reasons at no cost, added onto the open
    /// bill or as a new order, as the real client sends it. One a table per 30 s.
    pub async fn call_staff(
        self: &Arc<Self>,
        store: &str,
        table: &str,
        request: &StaffCallRequest,
    ) -> Result<OrderReceipt, OrderError> {
        check_client_order_id(&request.client_call_id)?;
        let info = self.catalog.with_table(store, table).await?;
        let print = call_fingerprint(request);
        if let Some(answer) = self
            .answer_on_record(store, table, &request.client_call_id, &print)
            .await?
        {
            return answer;
        }
        let mut reasons = Vec::new();
        for id in &request.reasons {
            let reason = info
                .staff_calls
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| OrderError::Invalid(format!("no staff-call reason {id:?}")))?;
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        if reasons.is_empty() {
            return Err(OrderError::Invalid("choose at least one reason".into()));
        }
        self.take_staff_call_slot(store, table)?;
        let priced = staff_call_order(&reasons, info.staff_calls_on_pos);
        let (number, shape) = sent_as(store, &request.client_call_id, &priced);
        let claim = Claim {
            store,
            client_order_id: &request.client_call_id,
            table,
            fingerprint: &print,
            payment: None,
            approvals: &[],
            partner_order_no: &number,
            shape: &shape,
            staff_call: true,
            device_id: None,
            prepaid_won: None,
            prepaid_ceiling: None,
        };
        // A bill opened or closed between the look and the send is looked at again at once.
        // A first order still on its way to the POS holds the table without a bill yet (a
        // guest calling for water right after ordering): the call waits for it to land.
        let mut sent = Err(OrderError::OpenOrderMismatch);
        for attempt in 0..STAFF_CALL_TRIES {
            if attempt >= 2 {
                tokio::time::sleep(STAFF_CALL_RETRY_AFTER).await;
            }
            let now = self.fresh_inquiry(store, table).await?;
            let open = now.orders.open_order_no;
            let prepared = Prepared {
                kind: if open.is_some() {
                    OrderKind::Add
                } else {
                    OrderKind::New
                },
                open_order_no: open,
                priced: priced.clone(),
                payments: Vec::new(),
                staff_call: true,
            };
            sent = self.dispatch(&claim, prepared, now.latest_on_pos).await;
            if !matches!(
                sent,
                Err(OrderError::TableHasOpenOrder | OrderError::OpenOrderMismatch)
            ) {
                break;
            }
        }
        if matches!(sent, Err(ref e) if !e.is_in_doubt()) {
            // A call that certainly did not reach the POS does not count against the table.
            self.release_staff_call_slot(store, table);
        }
        sent
    }

    fn take_staff_call_slot(&self, store: &str, table: &str) -> Result<(), OrderError> {
        let taken = self
            .staff_calls
            .entry((store.to_string(), table.to_string()))
            .or_insert_with(Instant::now);
        if taken.is_fresh() {
            return Ok(());
        }
        let wait = STAFF_CALL_EVERY.saturating_sub(taken.value().elapsed());
        Err(RetryAfter::of(wait).into())
    }

    fn release_staff_call_slot(&self, store: &str, table: &str) {
        self.staff_calls
            .invalidate(&(store.to_string(), table.to_string()));
    }

    /// Checks a request against the id's owner: same table, same order.
    fn same_order(
        table: &str,
        print: &str,
        owner_table: &str,
        owner_print: &str,
    ) -> Result<(), OrderError> {
        if owner_table != table {
            return Err(OrderError::Invalid(
                "clientOrderId was already used at another table".into(),
            ));
        }
        if owner_print != print {
            return Err(OrderError::IdempotencyConflict);
        }
        Ok(())
    }

    fn under_way(&self, store: &str, client_order_id: &str) -> Option<UnderWay> {
        self.sending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(store.to_string(), client_order_id.to_string()))
            .cloned()
    }

    /// The answer the record gives for this id, if it gives one: the outcome of a send under
    /// way, its receipt, or the settling of one left in doubt. `None`: send it.
    async fn answer_on_record(
        &self,
        store: &str,
        table: &str,
        client_order_id: &str,
        print: &str,
    ) -> Result<Option<Result<OrderReceipt, OrderError>>, OrderError> {
        if let Some(sending) = self.under_way(store, client_order_id) {
            Self::same_order(table, print, &sending.table, &sending.fingerprint)?;
            self.count_replay();
            return Ok(Some(outcome_of(sending.outcome).await));
        }
        let Some(record) = self.ledger.get(store, client_order_id).await? else {
            return Ok(None);
        };
        Self::same_order(table, print, record.table(), record.fingerprint())?;
        self.count_replay();
        match &record.state {
            RecordState::Received(receipt) => Ok(Some(Ok(receipt.clone()))),
            RecordState::Unconfirmed => Ok(Some(Err(OrderError::Unconfirmed))),
            RecordState::InDoubt => self.settle(store, table, &record).await,
        }
    }

    fn count_replay(&self) {
        self.metrics.idempotent_replays.inc();
    }

    /// Claims the id (in this process, then in the ledger), then sends in a task of its own
    /// and waits for it. `anchor`: the newest order on the POS at the table, looked up
    /// before this send: what a later look must still see to take this one's absence as
    /// proof.
    async fn dispatch(
        self: &Arc<Self>,
        claim: &Claim<'_>,
        order: Prepared,
        anchor: Option<String>,
    ) -> Result<OrderReceipt, OrderError> {
        let key = (claim.store.to_string(), claim.client_order_id.to_string());
        let (tx, rx) = watch::channel(None);
        let joined = {
            let mut sending = self.sending.lock().unwrap_or_else(|p| p.into_inner());
            match sending.get(&key) {
                Some(other) => Some(other.clone()),
                None => {
                    let mine = UnderWay {
                        table: claim.table.to_string(),
                        fingerprint: claim.fingerprint.to_string(),
                        outcome: rx.clone(),
                    };
                    sending.insert(key.clone(), mine);
                    None
                }
            }
        };
        if let Some(other) = joined {
            // A concurrent request for the same id got here first: wait for its outcome.
            Self::same_order(
                claim.table,
                claim.fingerprint,
                &other.table,
                &other.fingerprint,
            )?;
            self.count_replay();
            return outcome_of(other.outcome).await;
        }
        let claimed = self
            .metrics
            .time_claim(self.ledger.claim(claim, anchor.as_deref()))
            .await;
        if !matches!(claimed, Ok(Claimed::Mine)) {
            self.sending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
            match claimed? {
                Claimed::ApprovalUsed(taken) => {
                    tracing::warn!(store = claim.store, table = claim.table, approval = %taken, "an approval already behind another order");
                    return Err(OrderError::ApprovalRejected(format!(
                        "approval {taken} already paid for another order today"
                    )));
                }
                Claimed::OverCeiling(taken) => {
                    tracing::warn!(store = claim.store, device = ?claim.device_id, taken, "a tablet's prepaid ceiling reached");
                    return Err(OrderError::OrderTooLarge(format!(
                        "this tablet has taken {taken} won prepaid in the last 24 hours; it may take {} at most: ask the owner",
                        claim.prepaid_ceiling.unwrap_or_default()
                    )));
                }
                Claimed::Mine | Claimed::Held => {}
            }
            // The ledger has it already (another server, or a send left in doubt).
            return match self
                .answer_on_record(
                    claim.store,
                    claim.table,
                    claim.client_order_id,
                    claim.fingerprint,
                )
                .await?
            {
                Some(answer) => answer,
                None => Err(in_doubt("the order was claimed elsewhere")),
            };
        }
        let desk = self.clone();
        let table = claim.table.to_string();
        let number = claim.partner_order_no.to_string();
        tokio::spawn(async move {
            let (store, id) = (&key.0, &key.1);
            desk.send_and_record(store, &table, (id, &number), order, &tx)
                .await;
            // The ledger holds the outcome now; later requests read it from there.
            desk.sending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&key);
        });
        outcome_of(rx).await
    }

    /// The send itself, and the record of its outcome. Runs to its end whoever waits.
    ///
    /// A receipt is told to whoever waits before it is written down: until it is, the send
    /// stays under way here (a resend joins it), and a crash in between leaves the row in
    /// doubt, which a resend settles by looking, never by sending again. Any other outcome is
    /// told only once recorded, so a resend at once never races the release of its id.
    async fn send_and_record(
        &self,
        store: &str,
        table: &str,
        (client_order_id, number): (&str, &str),
        order: Prepared,
        outcome: &watch::Sender<Option<Result<OrderReceipt, OrderError>>>,
    ) {
        let result = self
            .send(store, table, (client_order_id, number), &order)
            .await;
        let recorded = match &result {
            Ok(receipt) => {
                outcome.send_replace(Some(result.clone()));
                self.ledger.received(store, receipt).await
            }
            // No answer, a broken or unreadable one, or a server error: left in doubt until a
            // look long enough after settles it. Not even an answer that broke off proves
            // absence: a host may list a new order only a while after it took it.
            Err(e) if e.is_in_doubt() => Ok(()),
            // Refused, or never sent: nothing was placed under this id.
            Err(_) => self.ledger.release(store, client_order_id).await,
        };
        if let Err(e) = recorded {
            // The row stays in doubt: a resend settles it by looking, never by resending.
            tracing::error!(store, client_order_id, error = %e, "could not record an order's outcome");
        }
        if result.is_err() {
            outcome.send_replace(Some(result));
        }
    }

    /// Sends the order under the clientOrderId and the partner's number its record keeps.
    async fn send(
        &self,
        store: &str,
        table: &str,
        (client_order_id, number): (&str, &str),
        order: &Prepared,
    ) -> Result<OrderReceipt, OrderError> {
        let info = self.catalog.with_table(store, table).await?;
        let (floor, tbl) = info.table_codes(table)?;
        // An add names the bill and the newest order on the table, as they are now.
        let latest = match (&order.kind, &order.open_order_no) {
            (OrderKind::Add, Some(open)) => {
                let now = self.fresh_inquiry(store, table).await?;
                if now.orders.open_order_no.as_ref() != Some(open) {
                    return Err(OrderError::OpenOrderMismatch);
                }
                now.latest_order_no
            }
            _ => None,
        };
        let outgoing = OutgoingOrder {
            partner_order_no: number,
            floor,
            table: tbl,
            kind: order.kind,
            open_order_no: order.open_order_no.as_deref(),
            latest_order_no: latest.as_deref(),
            priced: &order.priced,
            payments: &order.payments,
            staff_call: order.staff_call,
        };
        let creds = self.catalog.credentials(store)?;
        // No phone may read a table's orders from before this send as current.
        self.forget_inquiry(store, table, None).await;
        let sent = self
            .metrics
            .time_upstream("place", self.upstream.place(creds, &outgoing))
            .await;
        // Our own order is the newest at the table now (on the POS or about to be).
        let ours = sent.as_ref().ok().and_then(|r| r.order_no.as_deref());
        self.forget_inquiry(store, table, ours).await;
        match sent {
            Ok(received) => {
                self.catalog.note_open(store, true);
                let order_no = match received.order_no {
                    Some(no) => no,
                    // Received without its number: the inquiry has it.
                    None => self
                        .find_sent(store, table, client_order_id)
                        .await
                        .ok()
                        .flatten()
                        .map(|r| r.order_no)
                        .unwrap_or_default(),
                };
                let receipt = OrderReceipt {
                    order_no,
                    client_order_id: client_order_id.to_string(),
                    received_at: now_kst(),
                    total: order.priced.total,
                };
                tracing::info!(store, table, order = %receipt.order_no, client_order_id, staff_call = order.staff_call, "order received upstream");
                Ok(receipt)
            }
            Err(e) if e.is_ambiguous() => {
                tracing::warn!(store, table, client_order_id, error = %e, "order answer lost; checking the inquiry");
                match self.find_sent(store, table, client_order_id).await {
                    Ok(Some(receipt)) => Ok(receipt),
                    _ => Err(OrderError::Upstream(e)),
                }
            }
            Err(e) => {
                if e.refusal() == Some(Refusal::StoreClosed) {
                    self.catalog.note_open(store, false);
                }
                if matches!(e.refusal(), Some(Refusal::BadItem | Refusal::UnknownTable)) {
                    // The POS does not take what its menu or tables showed: they changed.
                    if let Err(why) = self.catalog.refresh(store).await {
                        tracing::warn!(store, error = %why, "could not fetch the menu after a bad-item refusal");
                    }
                }
                // The owner's status page shows what stops orders, not the POS's answers
                // about one order's contents.
                if matches!(
                    e.refusal(),
                    None | Some(Refusal::StoreClosed | Refusal::CredentialsRejected)
                ) {
                    self.catalog.note_trouble(store, &e);
                }
                Err(OrderError::from_upstream(
                    e,
                    self.settings.occupied_retry_ms,
                ))
            }
        }
    }

    /// The newest order known at the table. Any earlier one will do (an older anchor only
    /// makes absence harder to prove), so the table is asked only when nothing is known of
    /// it; none when it cannot be.
    async fn latest_known(&self, store: &str, table: &str) -> Option<String> {
        let known = self.inquiry_cell(store, table).lock().await.newest.clone();
        match known {
            Some(latest) => latest,
            None => self
                .table_inquiry(store, table)
                .await
                .ok()
                .and_then(|i| i.latest_on_pos),
        }
    }
}
