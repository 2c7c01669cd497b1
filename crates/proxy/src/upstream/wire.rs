//! Smartro's JSON shapes as the adapter sends and reads them (their translation from and
//! into the restaurant's words is `translate`'s).
//!
//! Sending is conservative: every value a string, the field set the real client sends.
//! Reading is liberal (UPSTREAM.md, "Be liberal"): any amount, count or sequence may be a
//! number or a numeric string, a missing or `null` list is empty, unknown fields are ignored,
//! and one list entry that cannot be read is skipped — counted and logged without its body —
//! instead of failing the whole answer.

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
#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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

pub(super) use super::translate::*;
