//! Smartro's JSON shapes as the adapter sends and reads them. Values are strings throughout.

use order_core::Table;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct Envelope {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub errcode: String,
    #[serde(default)]
    pub msg: String,
    #[serde(default)]
    pub msg2: String,
    #[serde(default)]
    pub obj: Value,
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct TableListObj {
    #[serde(default)]
    pub store_name: String,
    pub table_list: Vec<TableRow>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct TableRow {
    pub flr_code: String,
    pub tbl_code: String,
    #[serde(default)]
    pub flr_name: String,
    #[serde(default)]
    pub tbl_name: String,
}

impl TableListObj {
    pub fn into_tables(self) -> super::StoreTables {
        let tables = self
            .table_list
            .into_iter()
            .map(|t| Table {
                id: format!("{}-{}", t.flr_code, t.tbl_code),
                name: if t.tbl_name.is_empty() {
                    t.tbl_code.clone()
                } else {
                    t.tbl_name
                },
                floor: if t.flr_name.is_empty() {
                    t.flr_code
                } else {
                    t.flr_name
                },
            })
            .collect();
        super::StoreTables {
            name: self.store_name,
            tables,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct MenuStateObj {
    pub update_yn: String,
    #[serde(default)]
    pub update_dtime: String,
    #[serde(default)]
    pub open_yn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct MenuObj {
    pub item_group_list: Vec<ItemGroupObj>,
    #[serde(default)]
    pub update_dtime: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct ItemGroupObj {
    pub item_group_code: String,
    pub item_group_name: String,
    #[serde(default)]
    pub item_group_use_flag: String,
    #[serde(default)]
    pub item_list: Vec<ItemObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct ItemObj {
    pub item_id: String,
    pub item_name: String,
    pub sale_price: String,
    #[serde(default)]
    pub item_use_flag: String,
    #[serde(default)]
    pub item_set_gbn: String,
    #[serde(default, rename = "SOLD_OUT_YN")]
    pub sold_out_yn: String,
    #[serde(default)]
    pub additive_group_list: Vec<AdditiveGroupObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct AdditiveGroupObj {
    pub additive_group_code: String,
    pub additive_group_name: String,
    #[serde(default)]
    pub min_cnt: String,
    #[serde(default)]
    pub max_cnt: String,
    #[serde(default)]
    pub additive_item_list: Vec<AdditiveObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct AdditiveObj {
    pub additive_id: String,
    pub additive_name: String,
    pub additive_sale_price: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct OrderListObj {
    #[serde(default)]
    pub order_list: Vec<InquiryEntryObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryEntryObj {
    pub orderno: String,
    #[serde(default)]
    pub org_orderno: String,
    #[serde(default)]
    pub mcht_orderno: String,
    pub order_date: String,
    pub order_time: String,
    #[serde(default)]
    pub order_status: String,
    #[serde(default)]
    pub success_flag: String,
    #[serde(default)]
    pub order_pay_amt: String,
    #[serde(default)]
    pub prepay_flag: String,
    #[serde(default)]
    pub item_list: Vec<InquiryItemObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryItemObj {
    pub item_id: String,
    #[serde(default)]
    pub item_name: String,
    pub sale_price: String,
    pub item_cnt: String,
    #[serde(default)]
    pub item_set_gbn: String,
    #[serde(default)]
    pub additive_item_list: Vec<InquiryAdditiveObj>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct InquiryAdditiveObj {
    pub additive_id: String,
    #[serde(default)]
    pub additive_name: String,
    pub additive_price: String,
    pub additive_cnt: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(super) struct OrderAckObj {
    pub orderno: String,
    pub org_orderno: String,
    #[serde(default)]
    pub mcht_orderno: String,
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
    pub card_pay_type: &'static str,
    pub cash_auth_type: &'static str,
    pub ddcedi: String,
}
