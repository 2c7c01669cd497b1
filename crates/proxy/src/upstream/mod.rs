//! The upstream adapter: the one module of the proxy that knows Smartro's paths and field
//! names. Everything it returns is in the restaurant's words (`order_core` types).
//!
//! The real service's spec is agreed per partner; where UPSTREAM.md marks a field as assumed,
//! this module and the simulator are the two places to change. What this adapter still
//! assumes, each named where it is used: the ERRCODE values (`refusal_for`), `OPEN_YN` in
//! `menu/state`, `MIN_CNT`/`MAX_CNT` on option groups, `SOLD_OUT_YN` on items, that a
//! prepaid order does not open a bill (`PREPAID_HOLDS_NO_BILL`), and that a staff call
//! with no reason on the POS may carry its reasons in the memo alone.

mod wire;

pub use wire::skipped_entries;

use order_core::pricing::PricedOrder;
use order_core::{
    Category, Item, OptionChoice, OptionGroup, OrderKind, OrderStatus, PlacedLine, PlacedOption,
};
use order_core::{PlacedOrder, StaffCallReason, Table, TableOrders, Won};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The upstream was done with the call when this happened (its answer came, unreadable or
    /// broken off): a look at the table afterwards shows whether it placed the order.
    pub fn upstream_finished(&self) -> bool {
        matches!(
            self,
            UpstreamError::AnswerBroken(_) | UpstreamError::Malformed(_)
        )
    }

    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            UpstreamError::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }
}

/// (assumed) The ERRCODE values: no real one is public; these are the simulator's.
fn refusal_for(code: &str) -> Refusal {
    match code {
        "E1001" => Refusal::TableOccupied,
        "E1002" => Refusal::StoreClosed,
        "E1003" => Refusal::TableHasOpenOrder,
        "E1004" => Refusal::OpenOrderMismatch,
        "E2001" => Refusal::BadItem,
        "E2002" => Refusal::UnknownTable,
        "E0001" => Refusal::CredentialsRejected,
        _ => Refusal::Other,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInquiry {
    /// Every order the inquiry lists, newest first.
    pub orders: TableOrders,
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

/// (assumed) The per-table inquiry lists a table's newest orders only, this many at most, as
/// the simulator does; nothing in the evidence says how many the real service lists. On a
/// list this full, an order older than the oldest listed may exist unseen.
pub const INQUIRY_LIMIT: usize = 10;

impl TableInquiry {
    /// Would an order be listed, if it were on the table at all? Yes when the list is not
    /// full, or when it still holds `anchor`, the newest order on the POS before that one
    /// was sent (the list is the newest orders, so it holds everything after the anchor).
    /// No clocks are compared: the POS's and ours may disagree.
    pub fn covers(&self, anchor: Option<&str>) -> bool {
        self.listed.len() < INQUIRY_LIMIT
            || anchor.is_some_and(|a| self.listed.iter().any(|no| no == a))
    }

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
        }
    }
}

/// A payment already made for a prepaid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub kind: PaymentKind,
    pub amount: Won,
    pub vat: Won,
    pub terminal_id: String,
    pub approval_no: String,
    /// `yyyyMMdd`
    pub approval_date: String,
    /// `HHmmss`
    pub approval_time: String,
    pub card_no_masked: String,
    pub issuer: String,
    pub acquirer: String,
    pub instalment_months: u8,
    /// Passed through from the terminal's answer, never computed here.
    pub acquirer_code: String,
    pub issuer_code: String,
    pub merchant_no: String,
    /// `M`/`I`/`R`/`X`; empty: `M` for a card.
    pub card_pay_type: String,
    pub ddcedi: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    Card,
    Cash,
    Other,
}

/// An order ready to send: priced from the cached menu, for one table.
#[derive(Debug, Clone)]
pub struct OutgoingOrder<'a> {
    pub client_order_id: &'a str,
    pub floor: &'a str,
    pub table: &'a str,
    pub kind: OrderKind,
    pub open_order_no: Option<&'a str>,
    /// An add: the newest order on the table (ORDERNO), beside the bill (ORG_ORDERNO).
    pub latest_order_no: Option<&'a str>,
    pub priced: &'a PricedOrder,
    pub payments: &'a [PaymentRecord],
    /// A call for staff: nothing printed, memo `직원호출`.
    pub staff_call: bool,
}

/// The memo that marks an order as a call for staff, as the real client sends it.
pub const STAFF_CALL_MEMO: &str = "직원호출";

/// A staff call as the real client sends it: the reasons from group 99999 as lines at no
/// cost, memo `직원호출`. (assumed) Reasons the POS does not list travel in the memo alone.
pub fn staff_call_order(reasons: &[&StaffCallReason], on_pos: bool) -> PricedOrder {
    use order_core::pricing::PricedLine;
    if !on_pos {
        let names: Vec<&str> = reasons.iter().map(|r| r.name.as_str()).collect();
        return PricedOrder {
            lines: Vec::new(),
            memo: format!("{STAFF_CALL_MEMO}: {}", names.join(", ")),
            total: Won::ZERO,
        };
    }
    PricedOrder {
        lines: reasons
            .iter()
            .map(|r| PricedLine {
                item_id: r.id.clone(),
                name: r.name.clone(),
                set_menu: false,
                item_price: Won::ZERO,
                options: Vec::new(),
                count: 1,
                memo: String::new(),
            })
            .collect(),
        memo: STAFF_CALL_MEMO.to_string(),
        total: Won::ZERO,
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
}

impl Upstream {
    pub fn new(
        base: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
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
        })
    }

    async fn call<Req: Serialize, Obj: DeserializeOwned>(
        &self,
        path: &str,
        creds: &StoreCredentials,
        request: &Req,
    ) -> Result<Obj, UpstreamError> {
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
        let status = sent.status();
        let bytes = read_capped(sent, path).await?;
        // Never the body itself in an error: inquiry entries echo SERVICE_ID.
        let envelope: Envelope = match serde_json::from_slice(&bytes) {
            Ok(env) => env,
            Err(_) if !status.is_success() => return Err(UpstreamError::Status(status.as_u16())),
            Err(e) => return Err(UpstreamError::Malformed(format!("{path}: {e}"))),
        };
        if status.is_server_error() {
            return Err(UpstreamError::Status(status.as_u16()));
        }
        if envelope.failed() {
            let code = envelope.errcode.0.trim().to_string();
            let refusal = refusal_for(&code);
            if refusal == Refusal::CredentialsRejected {
                tracing::error!(path, code, "the upstream refused this store's credentials");
            }
            return Err(UpstreamError::Refused {
                refusal,
                message: format!("{} {}", envelope.msg.0.trim(), envelope.msg2.0.trim())
                    .trim()
                    .to_string(),
                code,
            });
        }
        if !status.is_success() {
            return Err(UpstreamError::Status(status.as_u16()));
        }
        Obj::deserialize(envelope.obj).map_err(|e| UpstreamError::Malformed(format!("{path}: {e}")))
    }

    pub async fn tables(&self, creds: &StoreCredentials) -> Result<Vec<Table>, UpstreamError> {
        let obj: TableListObj = self.call("/partner/v1/table", creds, &Empty {}).await?;
        Ok(tables_from_wire(obj))
    }

    pub async fn menu(&self, creds: &StoreCredentials) -> Result<StoreMenu, UpstreamError> {
        let obj: Vec<MenuObj> = self.call("/partner/v1/menu/edit", creds, &Empty {}).await?;
        menu_from_wire(obj)
    }

    /// Has the menu changed since `since` (a stamp from here, or `NEVER_SEEN`)?
    pub async fn menu_state(
        &self,
        creds: &StoreCredentials,
        since: &str,
    ) -> Result<MenuState, UpstreamError> {
        let req = MenuStateReq {
            update_check_dtime: since,
        };
        let obj: MenuStateObj = self.call("/partner/v1/menu/state", creds, &req).await?;
        Ok(menu_state_from_wire(obj))
    }

    pub async fn table_orders(
        &self,
        creds: &StoreCredentials,
        floor: &str,
        table: &str,
    ) -> Result<TableInquiry, UpstreamError> {
        let req = TableReq {
            flr_code: floor,
            tbl_code: table,
        };
        let obj: OrderListObj = self.call("/partner/v1/table/order", creds, &req).await?;
        Ok(inquiry_from_wire(obj.order_list.0))
    }

    /// Today's orders at every table of the store (the v2 inquiry), newest first, each with
    /// its table's id.
    pub async fn store_orders(
        &self,
        creds: &StoreCredentials,
    ) -> Result<Vec<(String, PlacedOrder)>, UpstreamError> {
        let obj: OrderListObj = self
            .call("/partner/v2/table/order", creds, &serde_json::json!({}))
            .await?;
        let tables: Vec<String> = obj
            .order_list
            .0
            .iter()
            .map(|e| format!("{}-{}", e.flr_code.as_str(), e.tbl_code.as_str()))
            .collect();
        let orders = inquiry_from_wire(obj.order_list.0).orders.orders;
        Ok(tables.into_iter().zip(orders).collect())
    }

    pub async fn place(
        &self,
        creds: &StoreCredentials,
        order: &OutgoingOrder<'_>,
    ) -> Result<Received, UpstreamError> {
        let body = order_body(order)?;
        let path = match order.kind {
            OrderKind::New => "/partner/v1/table/order/new",
            OrderKind::Add => "/partner/v1/table/order/add",
        };
        let obj: Option<OrderAckObj> = self.call(path, creds, &body).await?;
        received_from_wire(obj, order.client_order_id)
    }
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

/// The 1st answer. Without OBJ (the real client reads it only when present) the order is
/// received but its number must be looked up; an answer about another order is in doubt.
fn received_from_wire(
    obj: Option<OrderAckObj>,
    client_order_id: &str,
) -> Result<Received, UpstreamError> {
    let Some(ack) = obj else {
        return Ok(Received { order_no: None });
    };
    let echoed = ack.mcht_orderno.as_str();
    if !echoed.is_empty() && echoed != client_order_id {
        return Err(UpstreamError::Malformed(format!(
            "answer for another order: {echoed} (sent {client_order_id})"
        )));
    }
    Ok(Received {
        order_no: Some(ack.orderno.0).filter(|n| !n.trim().is_empty()),
    })
}

fn tables_from_wire(obj: TableListObj) -> Vec<Table> {
    obj.table_list
        .0
        .into_iter()
        .map(|t| Table {
            id: format!("{}-{}", t.flr_code, t.tbl_code),
            name: if t.tbl_name.0.is_empty() {
                t.tbl_code.clone()
            } else {
                t.tbl_name.0
            },
            floor: if t.flr_name.0.is_empty() {
                t.flr_code
            } else {
                t.flr_name.0
            },
        })
        .collect()
}

fn menu_state_from_wire(obj: MenuStateObj) -> MenuState {
    // The real client keeps the first 14 characters (yyyyMMddHHmmss) as its next check.
    let stamp: String = obj.update_dtime.0.trim().chars().take(14).collect();
    MenuState {
        changed: obj.update_yn.as_str() == "Y",
        stamp,
        open: obj.open_yn.map(|o| o.as_str() == "Y"),
    }
}

/// The upstream shows what is flagged "N" and hides anything else, for groups, items,
/// option groups and options alike (the real client shows exactly those).
fn shown(flag: &Text) -> bool {
    flag.as_str() == "N"
}

/// A price the guest will be charged: a readable, non-negative number of won.
fn price(n: Num) -> Option<Won> {
    n.0.filter(|p| (0..=100_000_000).contains(p)).map(Won)
}

fn skip(what: &str, id: &str, why: &str) {
    wire::count_skipped();
    tracing::warn!(what, id, why, "skipped a menu entry");
}

fn option_group_from_wire(a: AdditiveGroupObj) -> Option<OptionGroup> {
    if !shown(&a.additive_group_use_flag) {
        return None;
    }
    let mut options = Vec::new();
    for o in a.additive_item_list.0 {
        if !shown(&o.additive_use_flag) {
            continue;
        }
        match price(o.additive_sale_price) {
            Some(p) => options.push(OptionChoice {
                id: o.additive_id,
                name: o.additive_name.0,
                price: p,
            }),
            None => skip("option", &o.additive_id, "no readable price"),
        }
    }
    if options.is_empty() {
        return None;
    }
    let bound = |n: Num| n.0.and_then(|v| u32::try_from(v).ok());
    // (assumed) MIN_CNT/MAX_CNT; without them: none required, at most one.
    let max = bound(a.max_cnt).unwrap_or(1).clamp(1, options.len() as u32);
    let min = bound(a.min_cnt).unwrap_or(0).min(max);
    Some(OptionGroup {
        id: a.additive_group_code,
        name: a.additive_group_name.0,
        min,
        max,
        options,
    })
}

fn item_from_wire(i: ItemObj) -> Option<Item> {
    if !shown(&i.item_use_flag) {
        return None;
    }
    let Some(p) = price(i.item_amt) else {
        skip("item", &i.item_id, "no readable ITEM_AMT");
        return None;
    };
    Some(Item {
        price: p,
        sold_out: i.sold_out_yn.as_str() == "Y",
        set_menu: i.item_set_gbn.as_str() == "Y",
        option_groups: i
            .additive_group_list
            .0
            .into_iter()
            .filter_map(option_group_from_wire)
            .collect(),
        id: i.item_id,
        name: i.item_name.0,
        ..Item::default()
    })
}

fn menu_from_wire(obj: Vec<MenuObj>) -> Result<StoreMenu, UpstreamError> {
    let first = obj
        .into_iter()
        .next()
        .ok_or_else(|| UpstreamError::Malformed("menu/edit: no menu in the answer".into()))?;
    let mut categories = Vec::new();
    let mut staff_calls = Vec::new();
    for g in first.item_group_list.0 {
        if !shown(&g.item_group_use_flag) {
            continue;
        }
        if g.item_group_code == STAFF_CALL_GROUP {
            staff_calls.extend(
                g.item_list
                    .0
                    .into_iter()
                    .filter(|i| shown(&i.item_use_flag))
                    .map(|i| StaffCallReason {
                        id: i.item_id,
                        name: i.item_name.0,
                    }),
            );
            continue;
        }
        let items: Vec<Item> = g
            .item_list
            .0
            .into_iter()
            .filter_map(item_from_wire)
            .collect();
        if !items.is_empty() {
            categories.push(Category {
                id: g.item_group_code,
                name: g.item_group_name.0,
                items,
            });
        }
    }
    Ok(StoreMenu {
        categories,
        staff_calls,
    })
}

const STATUS_RECEIVED: &str = "SMRO000068";
const STATUS_DONE: &str = "SMRO000069";
const STATUS_CANCELLED: &str = "SMRO000070";
const STATUS_RETURNED: &str = "SMRO000071";
const STATUS_PAID: &str = "SMRO000088";

/// `ORDER_STATUS` first: any of the five codes means the order is on the POS, whatever
/// SUCCESS_FLAG says (the real service leaves it empty). No code: waiting, or failed when
/// SUCCESS_FLAG is "N". A code we do not know is never a failure: keep watching.
fn status_of(e: &InquiryEntryObj) -> OrderStatus {
    match e.order_status.as_str().trim() {
        STATUS_RECEIVED => OrderStatus::Accepted,
        STATUS_DONE => OrderStatus::Done,
        STATUS_CANCELLED => OrderStatus::Cancelled,
        STATUS_RETURNED => OrderStatus::Returned,
        STATUS_PAID => OrderStatus::Paid,
        "" if e.success_flag.as_str() == "N" => OrderStatus::Failed,
        _ => OrderStatus::Waiting,
    }
}

/// RFC 3339 in Korean time; empty when the entry's date or time cannot be read.
fn received_at(date: &str, time: &str) -> String {
    crate::kst::from_pos(date, time)
        .map(|at| at.to_rfc3339())
        .unwrap_or_default()
}

fn count(n: Num) -> u32 {
    n.0.and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

fn placed_line(i: InquiryItemObj) -> PlacedLine {
    let options: Vec<PlacedOption> = i
        .additive_item_list
        .0
        .into_iter()
        .map(|a| PlacedOption {
            option_id: a.additive_id,
            name: a.additive_name.0,
            count: count(a.additive_cnt),
            price: Won(a.additive_price.0.unwrap_or(0)),
        })
        .collect();
    let sale_price = Won(i.sale_price.0.unwrap_or(0));
    // A set menu's SALE_PRICE is the parent alone; its options come beside it.
    let unit_price = if i.item_set_gbn.as_str() == "Y" {
        sale_price + options.iter().map(|o| o.price * o.count).sum()
    } else {
        sale_price
    };
    PlacedLine {
        item_id: i.item_id,
        name: i.item_name.0,
        count: count(i.item_cnt),
        unit_price,
        options,
    }
}

/// The real client's rule: the table has an open bill when an entry is received (068) or
/// done (069); the bill is that entry's ORG_ORDERNO; an add names the newest entry's ORDERNO.
fn inquiry_from_wire(list: Vec<InquiryEntryObj>) -> TableInquiry {
    let latest_order_no = list.first().map(|e| e.orderno.clone());
    let listed = list.iter().map(|e| e.orderno.clone()).collect();
    let latest_on_pos = list
        .iter()
        .find(|e| !matches!(status_of(e), OrderStatus::Waiting | OrderStatus::Failed))
        .map(|e| e.orderno.clone());
    let bill_of = |e: &InquiryEntryObj| {
        let bill = e.org_orderno.as_str().trim();
        if bill.is_empty() {
            e.orderno.clone()
        } else {
            bill.to_string()
        }
    };
    // A bill is closed once none of its orders is open and one was paid, cancelled or
    // returned. The newest order of a closed bill marks where the current party began (a
    // prepaid order stands alone: its refund ends nobody's visit).
    let closed = |bill: &str| {
        let mine = || list.iter().filter(|e| bill_of(e) == bill).map(status_of);
        !mine().any(OrderStatus::is_open)
            && mine().any(|s| {
                matches!(
                    s,
                    OrderStatus::Paid | OrderStatus::Cancelled | OrderStatus::Returned
                )
            })
    };
    let party_len = list
        .iter()
        .position(|e| {
            let prepaid = e.prepay_flag.as_str() == "Y" && PREPAID_HOLDS_NO_BILL;
            !prepaid
                && matches!(
                    status_of(e),
                    OrderStatus::Paid | OrderStatus::Cancelled | OrderStatus::Returned
                )
                && closed(&bill_of(e))
        })
        .unwrap_or(list.len());
    let mut open_order_no = None;
    let mut orders = Vec::with_capacity(list.len());
    for e in list {
        let status = status_of(&e);
        let prepaid = e.prepay_flag.as_str() == "Y";
        if open_order_no.is_none() && status.is_open() && !(prepaid && PREPAID_HOLDS_NO_BILL) {
            let bill = e.org_orderno.as_str().trim();
            open_order_no = Some(if bill.is_empty() { &e.orderno } else { bill }.to_string());
        }
        orders.push(PlacedOrder {
            client_order_id: Some(e.mcht_orderno.0).filter(|s| !s.is_empty()),
            received_at: received_at(e.order_date.as_str(), e.order_time.as_str()),
            total: Won(e.order_pay_amt.0.unwrap_or(0)),
            staff_call: e.order_memo.as_str().starts_with(STAFF_CALL_MEMO),
            order_no: e.orderno,
            status,
            lines: e.item_list.0.into_iter().map(placed_line).collect(),
        });
    }
    TableInquiry {
        orders: TableOrders {
            open_order_no,
            orders,
            unseen: Vec::new(),
        },
        latest_order_no,
        party_len,
        listed,
        latest_on_pos,
    }
}

fn order_body<'a>(order: &'a OutgoingOrder<'a>) -> Result<OrderBodyReq<'a>, UpstreamError> {
    let priced = order.priced;
    let mut items = Vec::with_capacity(priced.lines.len());
    let mut gross = Won::ZERO;
    for (seq, line) in priced.lines.iter().enumerate() {
        let sale_price = if line.set_menu {
            line.item_price
        } else {
            line.unit_price()
        };
        gross += line.amount();
        items.push(OrderItemReq {
            item_seq: (seq + 1).to_string(),
            item_name: &line.name,
            item_id: &line.item_id,
            sale_price: sale_price.0.to_string(),
            sale_amt: (sale_price * line.count).0.to_string(),
            item_cnt: line.count.to_string(),
            item_meno: &line.memo,
            item_set_gbn: if line.set_menu { "Y" } else { "N" },
            mcht_menu_no: String::new(),
            additive_item_list: line
                .options
                .iter()
                .map(|o| OrderAdditiveReq {
                    additive_id: &o.option_id,
                    additive_name: &o.name,
                    rule_id: &o.group_id,
                    additive_price: o.price.0.to_string(),
                    additive_cnt: o.count.to_string(),
                })
                .collect(),
        });
    }
    if gross != priced.total {
        return Err(UpstreamError::Unsendable(format!(
            "total {} does not add up to {}",
            priced.total.0, gross.0
        )));
    }
    let prepaid = !order.payments.is_empty();
    let (orderno, org_orderno) = match (order.kind, order.open_order_no) {
        (OrderKind::Add, Some(open)) => (Some(order.latest_order_no.unwrap_or(open)), Some(open)),
        (OrderKind::Add, None) => {
            return Err(UpstreamError::Unsendable(
                "an add order needs the open order".into(),
            ))
        }
        (OrderKind::New, _) => (None, None),
    };
    Ok(OrderBodyReq {
        mcht_orderno: order.client_order_id,
        memb_tel: "",
        order_memo: &priced.memo,
        org_order_pay_amt: gross.0.to_string(),
        order_pay_amt: gross.0.to_string(),
        disc_amt: "0".into(),
        prepay_flag: if prepaid { "Y" } else { "N" },
        os_gbn: "WEB",
        flr_code: order.floor,
        tbl_code: order.table,
        rept_prt_flag: "N",
        // A staff call prints nothing; an order prints its kitchen ticket.
        order_prt_flag: if order.staff_call { "N" } else { "Y" },
        item_list: items,
        ord_pay_list: order.payments.iter().map(pay_entry).collect(),
        orderno,
        org_orderno,
    })
}

fn pay_entry(p: &PaymentRecord) -> PayEntryReq {
    PayEntryReq {
        pay_type: match p.kind {
            PaymentKind::Card => "card",
            PaymentKind::Cash => "cash",
            PaymentKind::Other => "etc",
        },
        can_flag: "N",
        // A normal payment cancels nothing: empty, as the real client sends it.
        can_pay_seq: String::new(),
        tml_no: p.terminal_id.clone(),
        sale_amt: p.amount.0.to_string(),
        sale_vat_amt: p.vat.0.to_string(),
        svc_amt: "0".into(),
        istm_term: format!("{:02}", p.instalment_months),
        auth_no: p.approval_no.clone(),
        auth_date: p.approval_date.clone(),
        auth_time: p.approval_time.clone(),
        card_acqhid: p.acquirer_code.clone(),
        card_acq_name: p.acquirer.clone(),
        card_acshid: p.issuer_code.clone(),
        crd_hid_name: p.issuer.clone(),
        card_no: p.card_no_masked.clone(),
        card_mchtno: p.merchant_no.clone(),
        card_pay_type: match (p.kind, p.card_pay_type.as_str()) {
            (PaymentKind::Card, "") => "M".into(),
            (PaymentKind::Card, given) => given.to_string(),
            _ => String::new(),
        },
        cash_auth_type: if p.kind == PaymentKind::Cash { "P" } else { "" },
        ddcedi: p.ddcedi.clone(),
    }
}

#[cfg(test)]
mod tests;
