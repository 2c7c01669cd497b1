//! Orders and the real-time inquiry, with the guarantees only a server can give:
//! one upstream order per clientOrderId, and one upstream inquiry per table per interval.

use crate::auth::same_secret;
use crate::catalog::Catalog;
use crate::error::AppError;
use crate::limits::RateLimiter;
use crate::metrics::Metrics;
use crate::upstream::{
    staff_call_order, OutgoingOrder, PaymentKind, PaymentRecord, Refusal, TableInquiry, Upstream,
};
use chrono::{FixedOffset, Utc};
use order_core::pricing::{price_order, PricedOrder};
use order_core::{
    OrderKind, OrderReceipt, OrderRequest, Payment, PaymentMethod, StaffCallRequest, TableOrders,
    Won,
};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Key = (String, String);

/// What is known about one clientOrderId.
#[derive(Default)]
struct Submission {
    /// The first answer, given again to every resend.
    receipt: Option<(String, OrderReceipt)>,
    /// A send whose answer was lost: look for it before sending again.
    ambiguous: bool,
}

type SubmissionCell = Arc<tokio::sync::Mutex<Submission>>;
type InquiryCell = Arc<tokio::sync::Mutex<Option<(Instant, TableInquiry)>>>;

/// One staff call per table this often: a guest tapping again is told to wait.
pub const STAFF_CALL_EVERY: Duration = Duration::from_secs(30);

/// An order ready to go upstream, priced by this server.
struct Prepared {
    kind: OrderKind,
    open_order_no: Option<String>,
    priced: PricedOrder,
    payments: Vec<PaymentRecord>,
    staff_call: bool,
}

pub struct OrderDesk {
    upstream: Upstream,
    metrics: Arc<Metrics>,
    keep_for: Duration,
    inquiry_fresh_for: Duration,
    occupied_retry_ms: u64,
    submissions: Mutex<HashMap<Key, (Instant, SubmissionCell)>>,
    inquiries: Mutex<HashMap<Key, InquiryCell>>,
    staff_pin: Option<String>,
    /// Wrong PINs cost: a few tries a minute per table.
    pin_attempts: RateLimiter,
    /// When each table last called staff.
    staff_calls: Mutex<HashMap<Key, Instant>>,
}

/// Korean prices include 10% VAT: the VAT part of a VAT-inclusive amount.
fn vat_of(amount: Won) -> Won {
    Won((amount.0 + 5) / 11)
}

/// `yyyyMMddHHmmss` → (`yyyyMMdd`, `HHmmss`).
fn split_stamp(stamp: &str) -> Option<(String, String)> {
    (stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (stamp[..8].to_string(), stamp[8..].to_string()))
}

fn now_kst() -> String {
    let kst = FixedOffset::east_opt(9 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    Utc::now()
        .with_timezone(&kst)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A clientOrderId is made in the browser: a short opaque token.
fn valid_client_order_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl OrderDesk {
    pub fn new(
        upstream: Upstream,
        metrics: Arc<Metrics>,
        keep_for: Duration,
        poll_interval: Duration,
        occupied_retry_ms: u64,
        staff_pin: Option<String>,
    ) -> OrderDesk {
        OrderDesk {
            upstream,
            metrics,
            keep_for,
            // Shorter than the poll interval, so one phone always sees fresh news.
            inquiry_fresh_for: poll_interval.mul_f64(0.9),
            occupied_retry_ms,
            submissions: Mutex::new(HashMap::new()),
            inquiries: Mutex::new(HashMap::new()),
            staff_pin,
            pin_attempts: RateLimiter::new(5),
            staff_calls: Mutex::new(HashMap::new()),
        }
    }

    /// What was paid, checked against the order as the server priced it.
    fn payments(
        &self,
        store: &str,
        table: &str,
        payment: &Payment,
        total: Won,
    ) -> Result<Vec<PaymentRecord>, AppError> {
        let now = chrono::Utc::now().with_timezone(
            &chrono::FixedOffset::east_opt(9 * 3600)
                .ok_or_else(|| AppError::Invalid("clock".into()))?,
        );
        match payment.method {
            PaymentMethod::Cash => {
                let expected = self.staff_pin.as_deref().ok_or_else(|| {
                    AppError::Invalid(
                        "cash orders are not set up on this server (no staff PIN)".into(),
                    )
                })?;
                self.pin_attempts
                    .check(&format!("{store}/{table}"))
                    .map_err(|retry_after_ms| AppError::RateLimited { retry_after_ms })?;
                let given = payment.staff_pin.as_deref().unwrap_or_default();
                if !same_secret(given, expected) {
                    return Err(AppError::WrongPin);
                }
                Ok(vec![PaymentRecord {
                    kind: PaymentKind::Cash,
                    amount: total,
                    vat: vat_of(total),
                    terminal_id: String::new(),
                    approval_no: String::new(),
                    approval_date: now.format("%Y%m%d").to_string(),
                    approval_time: now.format("%H%M%S").to_string(),
                    card_no_masked: String::new(),
                    issuer: String::new(),
                    acquirer: String::new(),
                    instalment_months: 0,
                }])
            }
            PaymentMethod::Card => {
                if payment.approvals.is_empty() || payment.approvals.len() > 10 {
                    return Err(AppError::Invalid(
                        "a prepaid order needs 1 to 10 payment approvals".into(),
                    ));
                }
                let mut records = Vec::with_capacity(payment.approvals.len());
                let mut paid = Won::ZERO;
                for a in &payment.approvals {
                    let (date, time) = split_stamp(&a.approved_at).ok_or_else(|| {
                        AppError::Invalid(format!(
                            "approvedAt must be yyyyMMddHHmmss, not {:?}",
                            a.approved_at
                        ))
                    })?;
                    let plain =
                        |s: &str, max: usize| s.len() <= max && !s.chars().any(char::is_control);
                    let fields_ok = !a.approval_no.is_empty()
                        && plain(&a.approval_no, 20)
                        && plain(&a.terminal_id, 20)
                        && plain(&a.card_no_masked, 24)
                        && plain(&a.issuer, 40)
                        && plain(&a.acquirer, 40)
                        && a.instalment_months <= 36;
                    if !fields_ok || a.amount.0 <= 0 {
                        return Err(AppError::Invalid(
                            "a payment approval has a missing or malformed field".into(),
                        ));
                    }
                    paid = paid
                        .checked_add(a.amount)
                        .ok_or_else(|| AppError::Invalid("payments too large".into()))?;
                    records.push(PaymentRecord {
                        kind: PaymentKind::Card,
                        amount: a.amount,
                        vat: vat_of(a.amount),
                        terminal_id: a.terminal_id.clone(),
                        approval_no: a.approval_no.clone(),
                        approval_date: date,
                        approval_time: time,
                        card_no_masked: a.card_no_masked.clone(),
                        issuer: a.issuer.clone(),
                        acquirer: a.acquirer.clone(),
                        instalment_months: a.instalment_months,
                    });
                }
                if paid != total {
                    return Err(AppError::Invalid(format!(
                        "the payments ({}) do not match the order as priced ({})",
                        paid.0, total.0
                    )));
                }
                Ok(records)
            }
        }
    }

    fn submission(&self, store: &str, client_order_id: &str) -> SubmissionCell {
        let mut map = self.submissions.lock().unwrap_or_else(|p| p.into_inner());
        let keep_for = self.keep_for;
        map.retain(|_, (at, _)| at.elapsed() < keep_for);
        map.entry((store.to_string(), client_order_id.to_string()))
            .or_insert_with(|| (Instant::now(), Arc::default()))
            .1
            .clone()
    }

    fn inquiry_cell(&self, store: &str, table: &str) -> InquiryCell {
        let mut map = self.inquiries.lock().unwrap_or_else(|p| p.into_inner());
        map.entry((store.to_string(), table.to_string()))
            .or_default()
            .clone()
    }

    /// The table's orders, from a cache shorter than the poll interval, one fetch at a time.
    pub async fn inquiry(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
    ) -> Result<TableOrders, AppError> {
        Ok(self.table_inquiry(catalog, store, table).await?.orders)
    }

    async fn table_inquiry(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
    ) -> Result<TableInquiry, AppError> {
        let info = catalog.get(store).await?;
        let (floor, tbl) = info.table_codes(table)?;
        let cell = self.inquiry_cell(store, table);
        let mut cached = cell.lock().await;
        if let Some((at, inquiry)) = cached.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics
                    .inquiries_coalesced
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(inquiry.clone());
            }
        }
        let fresh = self
            .metrics
            .time_upstream(
                "table_orders",
                self.upstream
                    .table_orders(catalog.credentials(store)?, floor, tbl),
            )
            .await
            .map_err(|e| AppError::from_upstream(e, self.occupied_retry_ms))?;
        *cached = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// The table's orders as they are now, not as cached.
    async fn fresh_inquiry(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
    ) -> Result<TableInquiry, AppError> {
        self.forget_inquiry(store, table).await;
        self.table_inquiry(catalog, store, table).await
    }

    async fn forget_inquiry(&self, store: &str, table: &str) {
        *self.inquiry_cell(store, table).lock().await = None;
    }

    /// Places an order once, however often and however concurrently it is sent.
    pub async fn place(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
        request: &OrderRequest,
    ) -> Result<OrderReceipt, AppError> {
        check_client_order_id(&request.client_order_id)?;
        let cell = self.submission(store, &request.client_order_id);
        // Held across the upstream call: a concurrent resend waits here for the first answer.
        let mut submission = cell.lock().await;
        if let Some(receipt) = self.replay(&submission, table)? {
            return Ok(receipt);
        }
        // Priced against the menu the POS has now: it is asked whether it changed.
        let info = catalog.current(store).await?;
        info.table_codes(table)?;
        let open_order_no = match (request.kind, request.open_order_no.as_deref()) {
            (OrderKind::New, None) => None,
            (OrderKind::New, Some(_)) => {
                return Err(AppError::Invalid("a new order has no openOrderNo".into()))
            }
            (OrderKind::Add, Some(no)) if !no.is_empty() && no.len() <= 40 => Some(no.to_string()),
            (OrderKind::Add, _) => {
                return Err(AppError::Invalid("an add order needs openOrderNo".into()))
            }
        };
        if request.payment.is_some() && request.kind == OrderKind::Add {
            return Err(AppError::Invalid(
                "a prepaid order is always a new order".into(),
            ));
        }
        let priced = price_order(&info.categories, &request.lines, request.memo.as_deref())?;
        let payments = match &request.payment {
            Some(p) => self.payments(store, table, p, priced.total)?,
            None => Vec::new(),
        };
        let prepared = Prepared {
            kind: request.kind,
            open_order_no,
            priced,
            payments,
            staff_call: false,
        };
        self.send_once(
            catalog,
            store,
            table,
            &request.client_order_id,
            &mut submission,
            prepared,
        )
        .await
    }

    /// A guest calls staff: an order of the chosen reasons at no cost, added onto the open
    /// bill or as a new order, as the real client sends it. One a table per 30 s.
    pub async fn call_staff(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
        request: &StaffCallRequest,
    ) -> Result<OrderReceipt, AppError> {
        check_client_order_id(&request.client_call_id)?;
        let cell = self.submission(store, &request.client_call_id);
        let mut submission = cell.lock().await;
        if let Some(receipt) = self.replay(&submission, table)? {
            return Ok(receipt);
        }
        let info = catalog.get(store).await?;
        info.table_codes(table)?;
        let mut reasons = Vec::new();
        for id in &request.reasons {
            let reason = info
                .staff_calls
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| AppError::Invalid(format!("no staff-call reason {id:?}")))?;
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        if reasons.is_empty() {
            return Err(AppError::Invalid("choose at least one reason".into()));
        }
        self.take_staff_call_slot(store, table)?;
        let priced = staff_call_order(&reasons, info.staff_calls_on_pos);
        // Two tries: a bill opened or closed between the look and the send is looked at again.
        let mut last = None;
        for _ in 0..2 {
            let now = self.fresh_inquiry(catalog, store, table).await?;
            let open = now.orders.open_order_no.clone();
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
            let sent = self
                .send_once(
                    catalog,
                    store,
                    table,
                    &request.client_call_id,
                    &mut submission,
                    prepared,
                )
                .await;
            match sent {
                Err(AppError::TableHasOpenOrder | AppError::OpenOrderMismatch) => {
                    last = Some(sent);
                }
                other => {
                    if other.is_err() {
                        self.release_staff_call_slot(store, table);
                    }
                    return other;
                }
            }
        }
        self.release_staff_call_slot(store, table);
        last.unwrap_or(Err(AppError::OpenOrderMismatch))
    }

    fn take_staff_call_slot(&self, store: &str, table: &str) -> Result<(), AppError> {
        let mut last = self.staff_calls.lock().unwrap_or_else(|p| p.into_inner());
        last.retain(|_, at| at.elapsed() < STAFF_CALL_EVERY);
        let key = (store.to_string(), table.to_string());
        if let Some(at) = last.get(&key) {
            let wait = STAFF_CALL_EVERY.saturating_sub(at.elapsed());
            return Err(AppError::RateLimited {
                retry_after_ms: wait.as_millis() as u64,
            });
        }
        last.insert(key, Instant::now());
        Ok(())
    }

    /// A call that did not reach the POS does not count against the table.
    fn release_staff_call_slot(&self, store: &str, table: &str) {
        let mut last = self.staff_calls.lock().unwrap_or_else(|p| p.into_inner());
        last.remove(&(store.to_string(), table.to_string()));
    }

    /// The first answer for this id, if there was one.
    fn replay(
        &self,
        submission: &Submission,
        table: &str,
    ) -> Result<Option<OrderReceipt>, AppError> {
        let Some((first_table, receipt)) = &submission.receipt else {
            return Ok(None);
        };
        if first_table != table {
            return Err(AppError::Invalid(
                "clientOrderId was already used at another table".into(),
            ));
        }
        self.metrics
            .idempotent_replays
            .fetch_add(1, Ordering::Relaxed);
        Ok(Some(receipt.clone()))
    }

    /// Sends once and records the outcome; an earlier send in doubt is looked for first.
    async fn send_once(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
        client_order_id: &str,
        submission: &mut Submission,
        order: Prepared,
    ) -> Result<OrderReceipt, AppError> {
        if submission.ambiguous {
            if let Some(receipt) = self
                .find_sent(catalog, store, table, client_order_id)
                .await?
            {
                submission.receipt = Some((table.to_string(), receipt.clone()));
                return Ok(receipt);
            }
        }
        let info = catalog.get(store).await?;
        let (floor, tbl) = info.table_codes(table)?;
        // An add names the bill and the newest order on the table, as they are now.
        let latest = match (&order.kind, &order.open_order_no) {
            (OrderKind::Add, Some(open)) => {
                let now = self.fresh_inquiry(catalog, store, table).await?;
                if now.orders.open_order_no.as_ref() != Some(open) {
                    return Err(AppError::OpenOrderMismatch);
                }
                now.latest_order_no
            }
            _ => None,
        };
        let outgoing = OutgoingOrder {
            client_order_id,
            floor,
            table: tbl,
            kind: order.kind,
            open_order_no: order.open_order_no.as_deref(),
            latest_order_no: latest.as_deref(),
            priced: &order.priced,
            payments: &order.payments,
            staff_call: order.staff_call,
        };
        let creds = catalog.credentials(store)?;
        self.forget_inquiry(store, table).await;
        let sent = self
            .metrics
            .time_upstream("place", self.upstream.place(creds, &outgoing))
            .await;
        self.forget_inquiry(store, table).await;
        match sent {
            Ok(received) => {
                catalog.note_open(store, true);
                let order_no = match received.order_no {
                    Some(no) => no,
                    // Received without its number: the inquiry has it.
                    None => self
                        .find_sent(catalog, store, table, client_order_id)
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
                submission.receipt = Some((table.to_string(), receipt.clone()));
                Ok(receipt)
            }
            Err(e) if e.is_ambiguous() => {
                tracing::warn!(store, table, client_order_id, error = %e, "order answer lost; checking the inquiry");
                if let Ok(Some(receipt)) =
                    self.find_sent(catalog, store, table, client_order_id).await
                {
                    submission.receipt = Some((table.to_string(), receipt.clone()));
                    return Ok(receipt);
                }
                submission.ambiguous = true;
                Err(AppError::Upstream(e))
            }
            Err(e) => {
                if e.refusal() == Some(Refusal::StoreClosed) {
                    catalog.note_open(store, false);
                }
                Err(AppError::from_upstream(e, self.occupied_retry_ms))
            }
        }
    }

    /// Looks for an order sent before under this clientOrderId (echoed as MCHT_ORDERNO).
    async fn find_sent(
        &self,
        catalog: &Catalog,
        store: &str,
        table: &str,
        client_order_id: &str,
    ) -> Result<Option<OrderReceipt>, AppError> {
        let now = self.fresh_inquiry(catalog, store, table).await?;
        Ok(now
            .orders
            .find_client_order(client_order_id)
            .map(|o| OrderReceipt {
                order_no: o.order_no.clone(),
                client_order_id: client_order_id.to_string(),
                received_at: o.received_at.clone(),
                total: o.total,
            }))
    }
}

fn check_client_order_id(id: &str) -> Result<(), AppError> {
    if valid_client_order_id(id) {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "clientOrderId must be 8-64 letters, digits, - or _".into(),
        ))
    }
}
