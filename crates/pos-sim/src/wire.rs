//! Request and response bodies of the upstream API, in Smartro's field names.
//!
//! Every value is a JSON string, amounts included, as the real service sends them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// The fields every request carries.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Credentials {
    pub store_id: String,
    pub service_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct MenuStateRequest {
    pub update_check_dtime: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct TableInquiryRequest {
    pub flr_code: String,
    pub tbl_code: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct CancelRequest {
    pub org_orderno: String,
    #[serde(default)]
    pub ord_pay_list: Vec<PayEntry>,
}

/// The body of a new or additional order (신규주문 / 추가주문), echoed back by the inquiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct OrderBody {
    pub mcht_orderno: String,
    #[serde(default)]
    pub memb_tel: String,
    #[serde(default)]
    pub order_memo: String,
    pub org_order_pay_amt: String,
    pub order_pay_amt: String,
    #[serde(default)]
    pub disc_amt: String,
    pub prepay_flag: String,
    #[serde(default)]
    pub os_gbn: String,
    pub flr_code: String,
    pub tbl_code: String,
    #[serde(default)]
    pub rept_prt_flag: String,
    #[serde(default)]
    pub order_prt_flag: String,
    pub item_list: Vec<OrderItem>,
    #[serde(default)]
    pub ord_pay_list: Vec<PayEntry>,
    /// The open order an `add` goes onto; absent for `new`.
    #[serde(default, skip_serializing)]
    pub orderno: Option<String>,
    #[serde(default, skip_serializing)]
    pub org_orderno: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct OrderItem {
    #[serde(default)]
    pub item_seq: String,
    #[serde(default)]
    pub item_name: String,
    pub item_id: String,
    pub sale_price: String,
    pub sale_amt: String,
    pub item_cnt: String,
    /// Spelled so by the upstream.
    #[serde(default)]
    pub item_meno: String,
    #[serde(default)]
    pub item_set_gbn: String,
    #[serde(default)]
    pub mcht_menu_no: String,
    #[serde(default)]
    pub additive_item_list: Vec<OrderAdditive>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct OrderAdditive {
    pub additive_id: String,
    #[serde(default)]
    pub additive_name: String,
    pub rule_id: String,
    pub additive_price: String,
    pub additive_cnt: String,
}

/// One payment of a prepaid order (ORD_PAY_LIST); split payments give several.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
pub struct PayEntry {
    pub pay_type: String,
    pub can_flag: String,
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
    pub cash_auth_type: String,
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

/// One entry of ORDER_LIST in the real-time inquiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct InquiryEntry {
    pub orderno: String,
    pub org_orderno: String,
    pub pos_orderno: String,
    pub order_date: String,
    pub order_time: String,
    pub order_status: String,
    pub order_status_name: String,
    pub success_flag: String,
    #[serde(flatten)]
    pub body: OrderBody,
}
