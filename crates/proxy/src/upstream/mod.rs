//! The upstream adapter: the one module of the proxy that knows Smartro's paths and field
//! names. Everything it returns is in the restaurant's words (`order_core` types).
//!
//! The real service's spec is agreed per partner; where UPSTREAM.md marks a field as assumed,
//! this module and the simulator are the two places to change. What this adapter still
//! assumes, each named where it is used: `OPEN_YN` in `menu/state`, `MIN_CNT`/`MAX_CNT` on
//! option groups, `SOLD_OUT_YN` on items, that a prepaid order does not open a bill
//! (`PREPAID_HOLDS_NO_BILL`), and that a staff call with no reason on the POS may carry its
//! reasons in the memo alone. What a partner can find out on the first day and teach in
//! configuration is in `HostSettings`: the ERRCODE values, the time zone of order times and
//! how many orders a table's inquiry lists. `tableorder check-upstream` checks them all.

mod host;
pub mod observe;
mod outgoing;
mod translate;
mod wire;

pub use host::{parse_time_zone, CodeSeen, HostSettings, RefusalCodes, SeenCodes};
pub use outgoing::*;
pub use wire::skipped_entries;

use order_core::{Category, OrderKind, OrderStatus};
use order_core::{PlacedOrder, StaffCallReason, Table, TableOrders};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use wire::*;

/// A store's credentials at Smartro. Never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreCredentials {
    pub store_id: String,
    pub service_id: String,
}

impl std::fmt::Debug for StoreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreCredentials")
            .field("store_id", &self.store_id)
            .field("service_id", &"***")
            .finish()
    }
}

/// Why the upstream refused an order or a query, in the flow's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Being handled on the POS screen, or a payment in progress.
    TableOccupied,
    /// Business not opened today, or the Agent not running.
    StoreClosed,
    TableHasOpenOrder,
    OpenOrderMismatch,
    /// An item or option the POS does not take, or a price it does not agree with.
    BadItem,
    UnknownTable,
    CredentialsRejected,
    /// A code this adapter does not know: still a refusal, in the POS's own words.
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream unreachable: {0}")]
    Unreachable(String),
    #[error("upstream did not answer in time")]
    Timeout,
    /// The request was sent but no answer came: the order may or may not exist, and may
    /// still be in the making.
    #[error("upstream answer lost: {0}")]
    AnswerLost(String),
    /// The answer began and broke off: the upstream was done, but what it did is unknown.
    #[error("upstream answer broke off: {0}")]
    AnswerBroken(String),
    #[error("upstream answered HTTP {0}")]
    Status(u16),
    #[error("upstream answer not understood: {0}")]
    Malformed(String),
    /// Our own order could not be written for the upstream; nothing was sent.
    #[error("order not sendable: {0}")]
    Unsendable(String),
    #[error("upstream refused ({code}): {message}")]
    Refused {
        refusal: Refusal,
        code: String,
        message: String,
    },
}

impl UpstreamError {
    /// An order call that failed this way may have been committed anyway: no answer, a
    /// broken or unreadable one, or a server error. A well-formed refusal is never ambiguous.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            UpstreamError::Timeout
                | UpstreamError::AnswerLost(_)
                | UpstreamError::AnswerBroken(_)
                | UpstreamError::Malformed(_)
                | UpstreamError::Status(500..)
        )
    }

    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            UpstreamError::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }
}

/// The stamp a client that never saw the menu asks with, as the real client does.
pub const NEVER_SEEN: &str = "20200101000000";

/// What `menu/state` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuState {
    pub changed: bool,
    /// The menu's change stamp as the real client keeps it: the first 14 characters.
    pub stamp: String,
    /// Business opened and the Agent running; `None` when the upstream does not say.
    pub open: Option<bool>,
}

/// The store's menu as guests may see it, and the reasons they may call staff for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreMenu {
    pub categories: Vec<Category>,
    /// From the POS's group 99999; empty when it has none.
    pub staff_calls: Vec<StaffCallReason>,
}

/// One table's inquiry: the orders in the public shape, and what an add must name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableInquiry {
    /// Every order the inquiry lists, newest first. Their `client_order_id` is left empty:
    /// the host echoes the partner's order number at best, which the order desk maps back.
    pub orders: TableOrders,
    /// The partner's order number as the host echoes it, for each order (empty: none).
    pub echoes: Vec<String>,
    /// As many orders as the host lists at most: older ones may exist unseen.
    pub full: bool,
    /// The newest order on the table: an add names it as ORDERNO.
    pub latest_order_no: Option<String>,
    /// How many of the newest orders came after the table's last closed bill (paid or
    /// cancelled): the party sitting there now.
    pub party_len: usize,
    /// Every order number listed, newest first.
    pub listed: Vec<String>,
    /// The newest order that is on the POS: it stays listed until newer ones push it out
    /// (an order not yet on the POS may vanish), so it marks how far back a list reaches.
    pub latest_on_pos: Option<String>,
}

impl TableInquiry {
    /// What guests at the table are shown: the current party's orders, orders not yet on
    /// the POS (they may still land on any bill), and the caller's own orders by their
    /// clientOrderIds (a phone must see its order through, even once its bill is paid).
    pub fn for_party(&self, mine: &[&str]) -> TableOrders {
        let orders = self
            .orders
            .orders
            .iter()
            .enumerate()
            .filter(|(i, o)| {
                *i < self.party_len
                    || matches!(o.status, OrderStatus::Waiting | OrderStatus::Failed)
                    || o.client_order_id
                        .as_deref()
                        .is_some_and(|id| mine.contains(&id))
            })
            .map(|(_, o)| o.clone())
            .collect();
        TableOrders {
            open_order_no: self.orders.open_order_no.clone(),
            orders,
            unseen: Vec::new(),
            next_poll_ms: None,
        }
    }
}

/// The group of the POS's menu that holds staff-call reasons, not dishes.
const STAFF_CALL_GROUP: &str = "99999";

/// (assumed) A prepaid order stands alone: it does not open the table's bill.
const PREPAID_HOLDS_NO_BILL: bool = true;

/// The 1st response: Smartro has the order. Its number, when the answer carried one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub order_no: Option<String>,
}

#[derive(Clone)]
pub struct Upstream {
    http: reqwest::Client,
    base: String,
    host: std::sync::Arc<HostSettings>,
    /// Every refusal code the host sent, by store, for the owner's status page.
    seen: std::sync::Arc<SeenCodes>,
    /// When the host last answered at all (ms since the epoch; 0: never), for readiness.
    answered_at: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Upstream {
    pub fn new(
        base: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
    ) -> Result<Upstream, UpstreamError> {
        Upstream::with_host(
            base,
            connect_timeout,
            request_timeout,
            HostSettings::default(),
        )
    }

    /// As taught: the host's refusal codes, time zone and inquiry length.
    pub fn with_host(
        base: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
        host: HostSettings,
    ) -> Result<Upstream, UpstreamError> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            // A redirect would carry the credentials somewhere else: none are followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
        Ok(Upstream {
            http,
            base: base.trim_end_matches('/').to_string(),
            host: std::sync::Arc::new(host),
            seen: std::sync::Arc::default(),
            answered_at: std::sync::Arc::default(),
        })
    }

    pub fn host(&self) -> &HostSettings {
        &self.host
    }

    /// When the host last answered anything short of a server error (ms since the epoch).
    pub fn last_answer_ms(&self) -> Option<i64> {
        let at = self.answered_at.load(std::sync::atomic::Ordering::Relaxed);
        (at > 0).then_some(at)
    }

    /// The refusal codes the host sent for this store, each with its words and how often.
    pub fn codes_seen(&self, creds: &StoreCredentials) -> Vec<CodeSeen> {
        self.seen.of(&creds.store_id)
    }

    /// Sends one call and brings back its answer unread.
    pub async fn post<Req: Serialize>(
        &self,
        path: &'static str,
        creds: &StoreCredentials,
        request: &Req,
    ) -> Result<Answer, UpstreamError> {
        let body = WithCredentials {
            store_id: &creds.store_id,
            service_id: &creds.service_id,
            request,
        };
        let sent = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    UpstreamError::Timeout
                } else if e.is_connect() {
                    UpstreamError::Unreachable(e.to_string())
                } else {
                    UpstreamError::AnswerLost(e.to_string())
                }
            })?;
        let status = sent.status().as_u16();
        let body = read_capped(sent, path).await?;
        if status < 500 {
            self.answered_at.store(
                crate::ledger::now_ms(),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        Ok(Answer { path, status, body })
    }

    /// Reads an answer's envelope: its OBJ, or the refusal it carries (noted for the owner).
    pub fn decode<Obj: DeserializeOwned>(
        &self,
        creds: &StoreCredentials,
        answer: &Answer,
    ) -> Result<Obj, UpstreamError> {
        let (path, status) = (answer.path, answer.status);
        let server_error = status >= 500;
        let success = (200..300).contains(&status);
        // Never the body itself in an error: inquiry entries echo SERVICE_ID.
        let envelope: Envelope = match serde_json::from_slice(&answer.body) {
            Ok(env) => env,
            Err(_) if !success => return Err(UpstreamError::Status(status)),
            Err(e) => return Err(UpstreamError::Malformed(format!("{path}: {e}"))),
        };
        if server_error {
            return Err(UpstreamError::Status(status));
        }
        if envelope.failed() {
            let code = envelope.errcode.0.trim().to_string();
            let refusal = self.host.refusals.refusal_for(&code);
            if refusal == Refusal::CredentialsRejected {
                tracing::error!(path, code, "the upstream refused this store's credentials");
            }
            let message = format!("{} {}", envelope.msg.0.trim(), envelope.msg2.0.trim())
                .trim()
                .to_string();
            self.seen
                .note(&creds.store_id, &code, envelope.msg.0.trim(), refusal);
            return Err(UpstreamError::Refused {
                refusal,
                message,
                code,
            });
        }
        if !success {
            return Err(UpstreamError::Status(status));
        }
        Obj::deserialize(envelope.obj).map_err(|e| UpstreamError::Malformed(format!("{path}: {e}")))
    }

    pub async fn tables(&self, creds: &StoreCredentials) -> Result<Vec<Table>, UpstreamError> {
        let answer = self.post("/partner/v1/table", creds, &Empty {}).await?;
        self.read_tables(creds, &answer)
    }

    pub async fn menu(&self, creds: &StoreCredentials) -> Result<StoreMenu, UpstreamError> {
        let answer = self.post("/partner/v1/menu/edit", creds, &Empty {}).await?;
        self.read_menu(creds, &answer)
    }

    /// Has the menu changed since `since` (a stamp from here, or `NEVER_SEEN`)?
    pub async fn menu_state(
        &self,
        creds: &StoreCredentials,
        since: &str,
    ) -> Result<MenuState, UpstreamError> {
        let answer = self
            .post("/partner/v1/menu/state", creds, &menu_state_request(since))
            .await?;
        self.read_menu_state(creds, &answer)
    }

    pub async fn table_orders(
        &self,
        creds: &StoreCredentials,
        floor: &str,
        table: &str,
    ) -> Result<TableInquiry, UpstreamError> {
        let answer = self
            .post(
                "/partner/v1/table/order",
                creds,
                &table_request(floor, table),
            )
            .await?;
        self.read_table_orders(creds, &answer)
    }

    /// Today's orders at every table of the store (the v2 inquiry), newest first, each with
    /// its table's id and the partner's order number as echoed; and each table's part of
    /// the list read as that table's own inquiry would be.
    pub async fn store_orders(
        &self,
        creds: &StoreCredentials,
    ) -> Result<StoreInquiry, UpstreamError> {
        let answer = self
            .post("/partner/v2/table/order", creds, &Empty {})
            .await?;
        let obj: OrderListObj = self.decode(creds, &answer)?;
        Ok(translate::store_inquiry_from_wire(
            obj.order_list.0,
            &self.host,
        ))
    }

    pub async fn place(
        &self,
        creds: &StoreCredentials,
        order: &OutgoingOrder<'_>,
    ) -> Result<Received, UpstreamError> {
        let answer = self.send_order(creds, order).await?;
        self.read_received(creds, &answer, order.partner_order_no)
    }

    /// Sends an order and brings back its answer unread.
    pub async fn send_order(
        &self,
        creds: &StoreCredentials,
        order: &OutgoingOrder<'_>,
    ) -> Result<Answer, UpstreamError> {
        let body = order_body(order)?;
        let path = match order.kind {
            OrderKind::New => "/partner/v1/table/order/new",
            OrderKind::Add => "/partner/v1/table/order/add",
        };
        self.post(path, creds, &body).await
    }

    // The readers: each answer read the one way, whoever made the call.

    pub fn read_tables(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
    ) -> Result<Vec<Table>, UpstreamError> {
        Ok(tables_from_wire(self.decode::<TableListObj>(creds, a)?))
    }

    pub fn read_menu(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
    ) -> Result<StoreMenu, UpstreamError> {
        menu_from_wire(self.decode::<Vec<MenuObj>>(creds, a)?)
    }

    pub fn read_menu_state(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
    ) -> Result<MenuState, UpstreamError> {
        Ok(menu_state_from_wire(self.decode::<MenuStateObj>(creds, a)?))
    }

    pub fn read_table_orders(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
    ) -> Result<TableInquiry, UpstreamError> {
        let obj: OrderListObj = self.decode(creds, a)?;
        Ok(inquiry_from_wire(obj.order_list.0, &self.host))
    }

    pub fn read_store_orders(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
    ) -> Result<Vec<StoreOrder>, UpstreamError> {
        let obj: OrderListObj = self.decode(creds, a)?;
        Ok(translate::store_inquiry_from_wire(obj.order_list.0, &self.host).orders)
    }

    /// The 1st answer to an order sent under the partner number `sent`.
    pub fn read_received(
        &self,
        creds: &StoreCredentials,
        a: &Answer,
        sent: &str,
    ) -> Result<Received, UpstreamError> {
        received_from_wire(self.decode::<Option<OrderAckObj>>(creds, a)?, sent)
    }
}

/// One answer as it came, before it is read.
#[derive(Debug, Clone)]
pub struct Answer {
    pub path: &'static str,
    pub status: u16,
    pub body: Vec<u8>,
}

/// The store-wide inquiry: every order it lists, and each listed table's part of it.
#[derive(Debug, Clone, Default)]
pub struct StoreInquiry {
    pub orders: Vec<StoreOrder>,
    /// By table id (`FLR-TBL`); a table with nothing listed is absent. Each is only as long
    /// as the store-wide list keeps per table, so it may hide older orders (`full`).
    pub tables: std::collections::HashMap<String, TableInquiry>,
}

/// One order of the store-wide inquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOrder {
    /// The table's id (`FLR-TBL`).
    pub table: String,
    pub order: PlacedOrder,
    /// The partner's order number as the host echoes it.
    pub echo: String,
}

/// `menu/state`'s request: the stamp the menu held was changed at.
pub fn menu_state_request(since: &str) -> serde_json::Value {
    serde_json::to_value(MenuStateReq {
        update_check_dtime: since,
    })
    .unwrap_or_default()
}

/// A table's inquiry request.
pub fn table_request(floor: &str, table: &str) -> serde_json::Value {
    serde_json::to_value(TableReq {
        flr_code: floor,
        tbl_code: table,
    })
    .unwrap_or_default()
}

/// No answer of the Order Agent API comes near this; a bigger one is not read.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

async fn read_capped(mut sent: reqwest::Response, path: &str) -> Result<Vec<u8>, UpstreamError> {
    let broken = |e: reqwest::Error| {
        if e.is_timeout() {
            UpstreamError::Timeout
        } else {
            UpstreamError::AnswerBroken(e.to_string())
        }
    };
    let mut body = Vec::new();
    while let Some(chunk) = sent.chunk().await.map_err(broken)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(UpstreamError::Malformed(format!(
                "{path}: answer larger than {MAX_ANSWER_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod liberal_tests;
