//! Orders and the real-time inquiry, with the guarantees only a server can give:
//! one upstream order per clientOrderId, and one upstream inquiry per table per interval.

use crate::catalog::Catalog;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::upstream::{OutgoingOrder, PaymentRecord, Refusal, Upstream};
use chrono::{FixedOffset, Utc};
use order_core::pricing::price_order;
use order_core::{parse_table_id, OrderKind, OrderReceipt, OrderRequest, TableOrders};
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
type InquiryCell = Arc<tokio::sync::Mutex<Option<(Instant, TableOrders)>>>;

pub struct OrderDesk {
    upstream: Upstream,
    metrics: Arc<Metrics>,
    keep_for: Duration,
    inquiry_fresh_for: Duration,
    occupied_retry_ms: u64,
    submissions: Mutex<HashMap<Key, (Instant, SubmissionCell)>>,
    inquiries: Mutex<HashMap<Key, InquiryCell>>,
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
        let info = catalog.get(store).await?;
        let (floor, tbl) = parse_table_id(table)
            .filter(|_| info.table(table).is_some())
            .ok_or_else(|| AppError::NotFound(format!("no table {table:?}")))?;
        let cell = self.inquiry_cell(store, table);
        let mut cached = cell.lock().await;
        if let Some((at, orders)) = cached.as_ref() {
            if at.elapsed() < self.inquiry_fresh_for {
                self.metrics
                    .inquiries_coalesced
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(orders.clone());
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
        payments: &[PaymentRecord],
    ) -> Result<OrderReceipt, AppError> {
        if !valid_client_order_id(&request.client_order_id) {
            return Err(AppError::Invalid(
                "clientOrderId must be 8-64 letters, digits, - or _".into(),
            ));
        }
        let info = catalog.get(store).await?;
        let (floor, tbl) = parse_table_id(table)
            .filter(|_| info.table(table).is_some())
            .ok_or_else(|| AppError::NotFound(format!("no table {table:?}")))?;
        let open_order_no = match (request.kind, request.open_order_no.as_deref()) {
            (OrderKind::New, None) => None,
            (OrderKind::New, Some(_)) => {
                return Err(AppError::Invalid("a new order has no openOrderNo".into()))
            }
            (OrderKind::Add, Some(no)) if !no.is_empty() && no.len() <= 40 => Some(no),
            (OrderKind::Add, _) => {
                return Err(AppError::Invalid("an add order needs openOrderNo".into()))
            }
        };
        if !payments.is_empty() && request.kind == OrderKind::Add {
            return Err(AppError::Invalid(
                "a prepaid order is always a new order".into(),
            ));
        }
        let menu = catalog.menu(store).await?;
        let priced = price_order(&menu, &request.lines, request.memo.as_deref())?;

        let cell = self.submission(store, &request.client_order_id);
        // Held across the upstream call: a concurrent resend waits here for the first answer.
        let mut submission = cell.lock().await;
        if let Some((first_table, receipt)) = &submission.receipt {
            if first_table != table {
                return Err(AppError::Invalid(
                    "clientOrderId was already used at another table".into(),
                ));
            }
            self.metrics
                .idempotent_replays
                .fetch_add(1, Ordering::Relaxed);
            return Ok(receipt.clone());
        }
        if submission.ambiguous {
            if let Some(receipt) = self
                .find_sent(catalog, store, table, &request.client_order_id)
                .await?
            {
                submission.receipt = Some((table.to_string(), receipt.clone()));
                return Ok(receipt);
            }
        }
        let outgoing = OutgoingOrder {
            client_order_id: &request.client_order_id,
            floor,
            table: tbl,
            kind: request.kind,
            open_order_no,
            priced: &priced,
            payments,
        };
        let creds = catalog.credentials(store)?;
        let sent = self
            .metrics
            .time_upstream("place", self.upstream.place(creds, &outgoing))
            .await;
        self.forget_inquiry(store, table).await;
        match sent {
            Ok(received) => {
                catalog.note_open(store, true);
                let receipt = OrderReceipt {
                    order_no: received.order_no,
                    client_order_id: request.client_order_id.clone(),
                    received_at: now_kst(),
                    total: priced.total,
                };
                tracing::info!(store, table, order = %receipt.order_no, client_order_id = %receipt.client_order_id, "order received upstream");
                submission.receipt = Some((table.to_string(), receipt.clone()));
                Ok(receipt)
            }
            Err(e) if e.is_ambiguous() => {
                tracing::warn!(store, table, client_order_id = %request.client_order_id, error = %e, "order answer lost; checking the inquiry");
                if let Ok(Some(receipt)) = self
                    .find_sent(catalog, store, table, &request.client_order_id)
                    .await
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
        self.forget_inquiry(store, table).await;
        let orders = self.inquiry(catalog, store, table).await?;
        Ok(orders
            .find_client_order(client_order_id)
            .map(|o| OrderReceipt {
                order_no: o.order_no.clone(),
                client_order_id: client_order_id.to_string(),
                received_at: o.received_at.clone(),
                total: o.total,
            }))
    }
}
