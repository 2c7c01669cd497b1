//! Request and response bodies of the upstream API, in Smartro's field names.
//!
//! Requests are read as loosely as the real service reads them: a number or a numeric string
//! for any amount or count, `null` or a missing list for an empty one, unknown fields ignored,
//! and the real client's misspelt `OEG_ORDER_PAY_AMT` and `ITEM_MEMO` taken too. Answers use
//! the shapes the real service was seen to send (see `InquiryEntry`).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Value};

/// `{ RESULT, ERRCODE, MSG, MSG2, OBJ }` around every answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Envelope {
    pub result: String,
    pub errcode: String,
    pub msg: String,
    pub msg2: String,
    pub obj: Value,
}

impl Envelope {
    pub fn success(obj: Value) -> Envelope {
        Envelope {
            result: "SUCCESS".into(),
            errcode: String::new(),
            msg: "정상 처리되었습니다.".into(),
            msg2: String::new(),
            obj,
        }
    }

    pub fn failure(errcode: &str, msg: &str, msg2: String) -> Envelope {
        Envelope {
            result: "FAIL".into(),
            errcode: errcode.into(),
            msg: msg.into(),
            msg2,
            obj: Value::Null,
        }
    }
}

/// A string, or a number or boolean written as one; `null` is empty.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => if b { "Y" } else { "N" }.to_string(),
        Value::Null => String::new(),
        other => return Err(D::Error::custom(format!("expected text, got {other}"))),
    })
}

/// A whole number, or a string holding one; `null` and `""` are absent.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{s:?} is not a number"))),
        other => Err(D::Error::custom(format!("expected a number, got {other}"))),
    }
}

/// A list; `null` or absent is empty.
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// The fields every request carries. The real client sends `menu/edit` with `STORE_ID` alone.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Credentials {
    #[serde(default, deserialize_with = "text")]
    pub store_id: String,
    #[serde(default, deserialize_with = "text")]
    pub service_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct MenuStateRequest {
    #[serde(default, deserialize_with = "text")]
    pub update_check_dtime: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct TableInquiryRequest {
    #[serde(deserialize_with = "text")]
    pub flr_code: String,
    #[serde(deserialize_with = "text")]
    pub tbl_code: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct CancelRequest {
    #[serde(deserialize_with = "text")]
    pub org_orderno: String,
    #[serde(default, deserialize_with = "list")]
    pub ord_pay_list: Vec<PayEntry>,
}

/// The body of a new or additional order (신규주문 / 추가주문).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct OrderBody {
    #[serde(deserialize_with = "text")]
    pub mcht_orderno: String,
    #[serde(deserialize_with = "text")]
    pub memb_tel: String,
    #[serde(deserialize_with = "text")]
    pub order_memo: String,
    /// The real client spells it `OEG_ORDER_PAY_AMT`, and the service takes that.
    #[serde(deserialize_with = "number", alias = "OEG_ORDER_PAY_AMT")]
    pub org_order_pay_amt: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub order_pay_amt: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub disc_amt: Option<i64>,
    #[serde(deserialize_with = "text")]
    pub prepay_flag: String,
    #[serde(deserialize_with = "text")]
    pub os_gbn: String,
    #[serde(deserialize_with = "text")]
    pub flr_code: String,
    #[serde(deserialize_with = "text")]
    pub tbl_code: String,
    #[serde(deserialize_with = "text")]
    pub rept_prt_flag: String,
    #[serde(deserialize_with = "text")]
    pub order_prt_flag: String,
    #[serde(deserialize_with = "list")]
    pub item_list: Vec<OrderItem>,
    #[serde(deserialize_with = "list")]
    pub ord_pay_list: Vec<PayEntry>,
    /// An `add`: the newest order on the table.
    #[serde(deserialize_with = "text")]
    pub orderno: String,
    /// An `add`: the open bill's first order.
    #[serde(deserialize_with = "text")]
    pub org_orderno: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct OrderItem {
    #[serde(deserialize_with = "text")]
    pub item_seq: String,
    #[serde(deserialize_with = "text")]
    pub item_name: String,
    #[serde(deserialize_with = "text")]
    pub item_id: String,
    #[serde(deserialize_with = "number")]
    pub sale_price: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub sale_amt: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub item_cnt: Option<i64>,
    /// Spelled `ITEM_MENO` in the vendor's sample, `ITEM_MEMO` by the real client.
    #[serde(deserialize_with = "text", alias = "ITEM_MEMO")]
    pub item_meno: String,
    #[serde(deserialize_with = "text")]
    pub item_set_gbn: String,
    #[serde(deserialize_with = "text")]
    pub mcht_menu_no: String,
    #[serde(deserialize_with = "list")]
    pub additive_item_list: Vec<OrderAdditive>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct OrderAdditive {
    #[serde(deserialize_with = "text")]
    pub additive_id: String,
    #[serde(deserialize_with = "text")]
    pub additive_name: String,
    #[serde(deserialize_with = "text")]
    pub rule_id: String,
    #[serde(deserialize_with = "number")]
    pub additive_price: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub additive_cnt: Option<i64>,
}

/// One payment of a prepaid order (ORD_PAY_LIST); split payments give several.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct PayEntry {
    #[serde(deserialize_with = "text")]
    pub pay_type: String,
    #[serde(deserialize_with = "text")]
    pub can_flag: String,
    #[serde(deserialize_with = "text")]
    pub can_pay_seq: String,
    #[serde(deserialize_with = "text")]
    pub tml_no: String,
    #[serde(deserialize_with = "number")]
    pub sale_amt: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub sale_vat_amt: Option<i64>,
    #[serde(deserialize_with = "number")]
    pub svc_amt: Option<i64>,
    #[serde(deserialize_with = "text")]
    pub istm_term: String,
    #[serde(deserialize_with = "text")]
    pub auth_no: String,
    #[serde(deserialize_with = "text")]
    pub auth_date: String,
    #[serde(deserialize_with = "text")]
    pub auth_time: String,
    #[serde(deserialize_with = "text")]
    pub card_acqhid: String,
    #[serde(deserialize_with = "text")]
    pub card_acq_name: String,
    #[serde(deserialize_with = "text")]
    pub card_acshid: String,
    #[serde(deserialize_with = "text")]
    pub crd_hid_name: String,
    #[serde(deserialize_with = "text")]
    pub card_no: String,
    #[serde(deserialize_with = "text")]
    pub card_mchtno: String,
    #[serde(deserialize_with = "text")]
    pub card_pay_type: String,
    #[serde(deserialize_with = "text")]
    pub cash_auth_type: String,
    #[serde(deserialize_with = "text")]
    pub ddcedi: String,
}

/// The 1st response to a new or additional order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct OrderAck {
    pub orderno: String,
    pub org_orderno: String,
    pub mcht_orderno: String,
    pub pos_orderno: String,
}

/// Where an inquiry entry stands, in the real service's codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryStatus {
    pub order_status: &'static str,
    pub order_status_name: &'static str,
    pub success_flag: &'static str,
}

/// One entry of ORDER_LIST, shaped as the real service sent it: header amounts as strings,
/// pay-entry amounts and sequences as numbers, the partner's credentials echoed.
pub fn inquiry_entry(
    ack: &OrderAck,
    body: &OrderBody,
    date: &str,
    time: &str,
    status: &EntryStatus,
    credentials: (&str, &str),
) -> Value {
    let amount = |a: Option<i64>| a.unwrap_or(0).to_string();
    let items: Vec<Value> = body
        .item_list
        .iter()
        .map(|i| {
            json!({
                "ITEM_SEQ": i.item_seq, "ITEM_ID": i.item_id, "ITEM_NAME": i.item_name,
                "SALE_PRICE": amount(i.sale_price), "SALE_AMT": amount(i.sale_amt),
                "ITEM_CNT": amount(i.item_cnt), "ITEM_MENO": i.item_meno,
                "ITEM_SET_GBN": i.item_set_gbn, "MCHT_MENU_NO": i.mcht_menu_no,
                "ADDITIVE_ITEM_LIST": i.additive_item_list.iter().map(|a| json!({
                    "ADDITIVE_ID": a.additive_id, "ADDITIVE_NAME": a.additive_name,
                    "RULE_ID": a.rule_id, "ADDITIVE_PRICE": amount(a.additive_price),
                    "ADDITIVE_CNT": amount(a.additive_cnt),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let pays: Vec<Value> = body
        .ord_pay_list
        .iter()
        .enumerate()
        .map(|(n, p)| {
            json!({
                "PAY_SEQ": n + 1, "ORDERNO": ack.orderno, "PAY_TYPE": p.pay_type,
                "CAN_FLAG": p.can_flag, "CAN_PAY_SEQ": p.can_pay_seq.parse::<i64>().unwrap_or(0),
                "TML_NO": p.tml_no, "SALE_AMT": p.sale_amt.unwrap_or(0),
                "SALE_VAT_AMT": p.sale_vat_amt.unwrap_or(0), "SVC_AMT": p.svc_amt.unwrap_or(0),
                "ISTM_TERM": p.istm_term, "AUTH_NO": p.auth_no, "AUTH_DATE": p.auth_date,
                "AUTH_TIME": p.auth_time, "BEE_AUTH_NO": "", "BEE_AUTH_DATE": "", "BEE_AUTH_TIME": "",
                "CARD_ACQHID": p.card_acqhid, "CARD_ACQ_NAME": p.card_acq_name,
                "CARD_ACSHID": p.card_acshid, "CRD_HID_NAME": p.crd_hid_name, "CARD_NO": p.card_no,
                "CARD_MCHTNO": p.card_mchtno, "CARD_PAY_TYPE": p.card_pay_type,
                "CASH_AUTH_TYPE": p.cash_auth_type, "DDCEDI": p.ddcedi,
            })
        })
        .collect();
    json!({
        "ORDERNO": ack.orderno, "ORG_ORDERNO": ack.org_orderno, "MCHT_ORDERNO": ack.mcht_orderno,
        "POS_ORDERNO": ack.pos_orderno, "ORDER_DATE": date, "ORDER_TIME": time,
        "ORDER_STATUS": status.order_status, "ORDER_STATUS_NAME": status.order_status_name,
        "SUCCESS_FLAG": status.success_flag,
        "ORDER_PAY_AMT": amount(body.order_pay_amt),
        "ORG_ORDER_PAY_AMT": amount(body.org_order_pay_amt),
        "DISC_AMT": amount(body.disc_amt), "PREPAY_FLAG": body.prepay_flag, "OS_GBN": body.os_gbn,
        "MEMB_TEL": body.memb_tel, "ORDER_MEMO": body.order_memo,
        "REPT_PRT_FLAG": body.rept_prt_flag, "ORDER_PRT_FLAG": body.order_prt_flag,
        "FLR_CODE": body.flr_code, "TBL_CODE": body.tbl_code,
        "STORE_ID": credentials.0, "SERVICE_ID": credentials.1,
        "ITEM_LIST": items, "ORD_PAY_LIST": pays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_clients_order_body_is_read() {
        // Numbers, the misspelt total, ITEM_MEMO, the menu item pasted into the line.
        let body: OrderBody = serde_json::from_value(json!({
            "STORE_ID": "3113810001", "SERVICE_ID": "3010", "MCHT_ORDERNO": "130",
            "OEG_ORDER_PAY_AMT": 4000, "ORDER_PAY_AMT": "4000", "DISC_AMT": 0, "PREPAY_FLAG": "N",
            "FLR_CODE": "0001", "TBL_CODE": "0002", "ORD_PAY_LIST": null,
            "ITEM_LIST": [{"ITEM_SEQ": "0", "ITEM_ID": "1000", "ITEM_NAME": "복숭아 아이스티",
                "SALE_PRICE": 4000, "SALE_AMT": 4000, "ITEM_CNT": 1, "ITEM_MEMO": "얼음 적게",
                "ITEM_AMT": 4000, "ADDITIVE_GROUP_LIST": null}]
        }))
        .unwrap();
        assert_eq!(body.org_order_pay_amt, Some(4000));
        assert_eq!(body.order_pay_amt, Some(4000));
        assert!(body.ord_pay_list.is_empty());
        assert_eq!(body.item_list[0].item_cnt, Some(1));
        assert_eq!(body.item_list[0].item_meno, "얼음 적게");
        assert!(serde_json::from_value::<OrderBody>(json!({"ORDER_PAY_AMT": "구천원"})).is_err());
    }
}
