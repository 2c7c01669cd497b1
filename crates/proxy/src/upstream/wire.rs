//! Smartro's JSON shapes as the adapter sends and reads them, and their translation from
//! and into the restaurant's words: decoding the answers, encoding the orders.
//!
//! Sending is conservative: every value a string, the field set the real client sends.
//! Reading is liberal (UPSTREAM.md, "Be liberal"): any amount, count or sequence may be a
//! number or a numeric string, a missing or `null` list is empty, unknown fields are ignored,
//! and one list entry that cannot be read is skipped — counted and logged without its body —
//! instead of failing the whole answer.

use super::{
    HostSettings, MenuState, OutgoingOrder, PaymentKind, PaymentRecord, Received, StoreMenu,
    TableInquiry, UpstreamError, PREPAID_HOLDS_NO_BILL, STAFF_CALL_GROUP,
};
use order_core::{
    Category, Item, OptionChoice, OptionGroup, OrderKind, OrderStatus, PlacedLine, PlacedOption,
};
use order_core::{PlacedOrder, StaffCallReason, Table, TableOrders, Won};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

/// List entries skipped because they could not be read, since the process started.
static SKIPPED: AtomicU64 = AtomicU64::new(0);

pub fn skipped_entries() -> u64 {
    SKIPPED.load(Ordering::Relaxed)
}

pub(super) fn count_skipped() {
    SKIPPED.fetch_add(1, Ordering::Relaxed);
}

const YES: &str = "Y";
const NO: &str = "N";

/// A yes/no field as the real client sends it.
pub(super) fn yes_no(yes: bool) -> &'static str {
    if yes {
        YES
    } else {
        NO
    }
}

/// A text field: a string, or a number the service chose to send as one; `null` is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Text(match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => yes_no(b).to_string(),
            Value::Null => String::new(),
            _ => return Err(D::Error::custom("expected text, found a list or an object")),
        }))
    }
}

impl Text {
    /// A `…_YN`/`…_FLAG`/`…_GBN` field saying yes.
    pub fn is_yes(&self) -> bool {
        self.0 == YES
    }

    /// Saying no outright (not merely empty).
    pub fn is_no(&self) -> bool {
        self.0 == NO
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole number, sent as a JSON number or as a string of digits. `None`: absent, `null`
/// or `""`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Num(pub Option<i64>);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let parsed = match Value::deserialize(d)? {
            Value::Null => None,
            Value::Number(n) => Some(
                n.as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                    .ok_or_else(|| D::Error::custom("not a whole number"))?,
            ),
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| D::Error::custom("a string that is not a number"))?,
            ),
            _ => return Err(D::Error::custom("expected a number")),
        };
        Ok(Num(parsed))
    }
}

/// A list whose unreadable entries are skipped (counted and logged), never failing the whole.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entries<T>(pub Vec<T>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = match Value::deserialize(d)? {
            Value::Array(list) => list,
            Value::Null => Vec::new(),
            _ => return Err(D::Error::custom("expected a list")),
        };
        let mut out = Vec::with_capacity(raw.len());
        for entry in raw {
            match T::deserialize(entry) {
                Ok(v) => out.push(v),
                Err(e) => {
                    count_skipped();
                    // The error names the field, never the entry: entries echo credentials.
                    tracing::warn!(entry = std::any::type_name::<T>(), error = %e, "skipped an upstream entry that could not be read");
                }
            }
        }
        Ok(Entries(out))
    }
}

/// A list entry's required id: present and not empty.
pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let Text(s) = Text::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(D::Error::custom("empty id"));
    }
    Ok(s)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct Envelope {
    #[serde(default)]
    pub result: Text,
    #[serde(default)]
    pub errcode: Text,
    #[serde(default)]
    pub msg: Text,
    #[serde(default)]
    pub msg2: Text,
    #[serde(default)]
    pub obj: Value,
}

impl Envelope {
    /// The real client's rule: a call succeeded when ERRCODE is empty.
    pub fn failed(&self) -> bool {
        !self.errcode.0.trim().is_empty()
            || !(self.result.0.is_empty() || self.result.0 == "SUCCESS")
    }
}

#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct WithCredentials<'a, R: Serialize> {
    pub store_id: &'a str,
    pub service_id: &'a str,
    #[serde(flatten)]
    pub request: &'a R,
}

#[derive(Serialize)]
pub(super) struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct MenuStateReq<'a> {
    pub update_check_dtime: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct TableReq<'a> {
    pub flr_code: &'a str,
    pub tbl_code: &'a str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub(super) struct TableListObj {
    pub table_list: Entries<TableRow>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct TableRow {
    #[serde(deserialize_with = "id")]
    pub flr_code: String,
    #[serde(deserialize_with = "id")]
    pub tbl_code: String,
    #[serde(default)]
    pub flr_name: Text,
    #[serde(default)]
    pub tbl_name: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub(super) struct MenuStateObj {
    pub update_yn: Text,
    pub update_dtime: Text,
    /// (assumed) Whether business is open and the Agent running: no evidence shows it.
    pub open_yn: Option<Text>,
}

/// `menu/edit`'s OBJ is an array of one of these.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub(super) struct MenuObj {
    pub item_group_list: Entries<ItemGroupObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct ItemGroupObj {
    #[serde(deserialize_with = "id")]
    pub item_group_code: String,
    #[serde(default)]
    pub item_group_name: Text,
    #[serde(default)]
    pub item_group_use_flag: Text,
    #[serde(default)]
    pub item_list: Entries<ItemObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct ItemObj {
    #[serde(deserialize_with = "id")]
    pub item_id: String,
    #[serde(default)]
    pub item_name: Text,
    /// The price. `SALE_PRICE` is what an order line calls it; taken when ITEM_AMT is not
    /// there. Two fields, not an alias: an entry carrying both must not be lost.
    #[serde(default)]
    pub item_amt: Num,
    #[serde(default)]
    pub sale_price: Num,
    #[serde(default)]
    pub item_use_flag: Text,
    #[serde(default)]
    pub item_set_gbn: Text,
    /// (assumed) Not in Smartro's menu; our simulator's extra.
    #[serde(default, rename = "SOLD_OUT_YN")]
    pub sold_out_yn: Text,
    #[serde(default)]
    pub additive_group_list: Entries<AdditiveGroupObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct AdditiveGroupObj {
    #[serde(deserialize_with = "id")]
    pub additive_group_code: String,
    #[serde(default)]
    pub additive_group_name: Text,
    #[serde(default)]
    pub additive_group_use_flag: Text,
    /// (assumed) Absent: none required.
    #[serde(default)]
    pub min_cnt: Num,
    /// (assumed) Absent: at most one, as the real client lets guests pick.
    #[serde(default)]
    pub max_cnt: Num,
    #[serde(default)]
    pub additive_item_list: Entries<AdditiveObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct AdditiveObj {
    #[serde(deserialize_with = "id")]
    pub additive_id: String,
    #[serde(default)]
    pub additive_name: Text,
    pub additive_sale_price: Num,
    #[serde(default)]
    pub additive_use_flag: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub(super) struct OrderListObj {
    pub order_list: Entries<InquiryEntryObj>,
}

/// One inquiry entry. Only its order number is required: an entry of ours that reads badly
/// elsewhere must still be seen, or the flow would take it for vanished and order again.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryEntryObj {
    #[serde(deserialize_with = "id")]
    pub orderno: String,
    #[serde(default)]
    pub flr_code: Text,
    #[serde(default)]
    pub tbl_code: Text,
    #[serde(default)]
    pub org_orderno: Text,
    #[serde(default)]
    pub mcht_orderno: Text,
    #[serde(default)]
    pub order_date: Text,
    #[serde(default)]
    pub order_time: Text,
    #[serde(default)]
    pub order_status: Text,
    #[serde(default)]
    pub success_flag: Text,
    #[serde(default, deserialize_with = "loose_num")]
    pub order_pay_amt: Num,
    #[serde(default)]
    pub prepay_flag: Text,
    #[serde(default)]
    pub item_list: Entries<InquiryItemObj>,
}

/// A number that may be unreadable without costing the entry around it: `None` then.
fn loose_num<'de, D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(Num::deserialize(v).unwrap_or_default())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryItemObj {
    #[serde(deserialize_with = "id")]
    pub item_id: String,
    #[serde(default)]
    pub item_name: Text,
    #[serde(default)]
    pub sale_price: Num,
    #[serde(default)]
    pub item_cnt: Num,
    #[serde(default)]
    pub item_set_gbn: Text,
    #[serde(default)]
    pub additive_item_list: Entries<InquiryAdditiveObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryAdditiveObj {
    #[serde(deserialize_with = "id")]
    pub additive_id: String,
    #[serde(default)]
    pub additive_name: Text,
    #[serde(default)]
    pub additive_price: Num,
    #[serde(default)]
    pub additive_cnt: Num,
}

/// The 1st response. The real client reads it only when OBJ is there at all.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub(super) struct OrderAckObj {
    pub orderno: Text,
    pub org_orderno: Text,
    pub mcht_orderno: Text,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct OrderBodyReq<'a> {
    pub mcht_orderno: &'a str,
    pub memb_tel: &'a str,
    pub order_memo: &'a str,
    pub org_order_pay_amt: String,
    pub order_pay_amt: String,
    pub disc_amt: String,
    pub prepay_flag: &'a str,
    pub os_gbn: &'a str,
    pub flr_code: &'a str,
    pub tbl_code: &'a str,
    pub rept_prt_flag: &'a str,
    pub order_prt_flag: &'a str,
    pub item_list: Vec<OrderItemReq<'a>>,
    pub ord_pay_list: Vec<PayEntryReq>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orderno: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_orderno: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct OrderItemReq<'a> {
    pub item_seq: String,
    pub item_name: &'a str,
    pub item_id: &'a str,
    pub sale_price: String,
    pub sale_amt: String,
    pub item_cnt: String,
    pub item_meno: &'a str,
    pub item_set_gbn: &'a str,
    pub mcht_menu_no: String,
    pub additive_item_list: Vec<OrderAdditiveReq<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct OrderAdditiveReq<'a> {
    pub additive_id: &'a str,
    pub additive_name: &'a str,
    pub rule_id: &'a str,
    pub additive_price: String,
    pub additive_cnt: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct PayEntryReq {
    pub pay_type: &'static str,
    pub can_flag: &'static str,
    pub can_pay_seq: String,
    pub tml_no: String,
    pub sale_amt: String,
    pub sale_vat_amt: String,
    pub svc_amt: String,
    pub istm_term: String,
    pub auth_no: String,
    pub auth_date: String,
    pub auth_time: String,
    pub card_acqhid: String,
    pub card_acq_name: String,
    pub card_acshid: String,
    pub crd_hid_name: String,
    pub card_no: String,
    pub card_mchtno: String,
    pub card_pay_type: String,
    pub cash_auth_type: &'static str,
    pub ddcedi: String,
}

// ---- Decoding answers and encoding orders ----

/// The 1st answer. Without OBJ (the real client reads it only when present) the order is
/// received but its number must be looked up. The echo of our number may be whole, cut
/// short, empty or the same for every order; only a whole-length echo of another number
/// shows an answer about another order, which leaves this one in doubt.
pub(super) fn received_from_wire(
    obj: Option<OrderAckObj>,
    sent: &str,
) -> Result<Received, UpstreamError> {
    let Some(ack) = obj else {
        return Ok(Received { order_no: None });
    };
    let echoed = ack.mcht_orderno.as_str().trim();
    if echoed.len() == sent.len() && echoed != sent {
        return Err(UpstreamError::Malformed(format!(
            "answer for another order: {echoed} (sent {sent})"
        )));
    }
    Ok(Received {
        order_no: Some(ack.orderno.0).filter(|n| !n.trim().is_empty()),
    })
}

pub(super) fn tables_from_wire(obj: TableListObj) -> Vec<Table> {
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

pub(super) fn menu_state_from_wire(obj: MenuStateObj) -> MenuState {
    // The real client keeps the first 14 characters (yyyyMMddHHmmss) as its next check.
    let stamp: String = obj.update_dtime.0.trim().chars().take(14).collect();
    MenuState {
        changed: obj.update_yn.is_yes(),
        stamp,
        open: obj.open_yn.map(|o| o.is_yes()),
    }
}

/// The upstream shows what is flagged "N" and hides anything else, for groups, items,
/// option groups and options alike (the real client shows exactly those).
fn shown(flag: &Text) -> bool {
    flag.is_no()
}

/// A price the guest will be charged: a readable, non-negative number of won.
fn price(n: Num) -> Option<Won> {
    n.0.filter(|p| (0..=100_000_000).contains(p)).map(Won)
}

fn skip(what: &str, id: &str, why: &str) {
    count_skipped();
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
    let Some(p) = price(i.item_amt).or_else(|| price(i.sale_price)) else {
        skip("item", &i.item_id, "no readable ITEM_AMT");
        return None;
    };
    Some(Item {
        price: p,
        sold_out: i.sold_out_yn.is_yes(),
        set_menu: i.item_set_gbn.is_yes(),
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

pub(super) fn menu_from_wire(obj: Vec<MenuObj>) -> Result<StoreMenu, UpstreamError> {
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
        "" if e.success_flag.is_no() => OrderStatus::Failed,
        _ => OrderStatus::Waiting,
    }
}

/// RFC 3339 in Korean time, read in the host's zone; empty when the entry's date or time
/// cannot be read.
fn received_at(date: &str, time: &str, zone: chrono::FixedOffset) -> String {
    crate::kst::from_pos_in(zone, date, time)
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
    let unit_price = if i.item_set_gbn.is_yes() {
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
pub(super) fn inquiry_from_wire(list: Vec<InquiryEntryObj>, host: &HostSettings) -> TableInquiry {
    let latest_order_no = list.first().map(|e| e.orderno.clone());
    let full = list.len() >= host.table_inquiry_limit;
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
            let prepaid = e.prepay_flag.is_yes() && PREPAID_HOLDS_NO_BILL;
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
    let mut echoes = Vec::with_capacity(list.len());
    for e in list {
        let status = status_of(&e);
        let prepaid = e.prepay_flag.is_yes();
        if open_order_no.is_none() && status.is_open() && !(prepaid && PREPAID_HOLDS_NO_BILL) {
            let bill = e.org_orderno.as_str().trim();
            open_order_no = Some(if bill.is_empty() { &e.orderno } else { bill }.to_string());
        }
        echoes.push(e.mcht_orderno.0.trim().to_string());
        orders.push(PlacedOrder {
            client_order_id: None,
            received_at: received_at(e.order_date.as_str(), e.order_time.as_str(), host.time_zone),
            total: Won(e.order_pay_amt.0.unwrap_or(0)),
            // A fact of our own record (told when the order is matched), never of the memo:
            // a guest may write anything there.
            staff_call: false,
            from_this_phone: false,
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
        echoes,
        full,
        latest_order_no,
        party_len,
        listed,
        latest_on_pos,
    }
}

pub(super) fn order_body<'a>(
    order: &'a OutgoingOrder<'a>,
) -> Result<OrderBodyReq<'a>, UpstreamError> {
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
            item_set_gbn: yes_no(line.set_menu),
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
        mcht_orderno: order.partner_order_no,
        memb_tel: "",
        order_memo: &priced.memo,
        org_order_pay_amt: gross.0.to_string(),
        order_pay_amt: gross.0.to_string(),
        disc_amt: "0".into(),
        prepay_flag: yes_no(prepaid),
        os_gbn: "WEB",
        flr_code: order.floor,
        tbl_code: order.table,
        rept_prt_flag: yes_no(false),
        // A staff call prints nothing; an order prints its kitchen ticket.
        order_prt_flag: yes_no(!order.staff_call),
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
        can_flag: yes_no(false),
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
