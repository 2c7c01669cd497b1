//! Sample payloads in the shapes UPSTREAM.md documents, replayed through the adapter.

use super::*;
use order_core::pricing::{PricedLine, PricedOption};
use serde_json::json;

fn sample_menu() -> Vec<MenuObj> {
    serde_json::from_value(json!([{
        "UPDATE_DTIME": "20261101090000",
        "ITEM_GROUP_LIST": [
            {"ITEM_GROUP_CODE": "G01", "ITEM_GROUP_NAME": "식사", "ITEM_GROUP_CNT": "2", "ITEM_GROUP_USE_FLAG": "N",
             "ITEM_LIST": [
                {"ITEM_ID": "I1", "ITEM_NAME": "김치찌개", "SALE_PRICE": "9000", "ITEM_USE_FLAG": "N", "ITEM_SET_GBN": "N",
                 "SOLD_OUT_YN": "N",
                 "ADDITIVE_GROUP_LIST": [{"ADDITIVE_GROUP_CODE": "R01", "ADDITIVE_GROUP_NAME": "맵기", "MIN_CNT": "1", "MAX_CNT": "1",
                    "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "매운맛", "ADDITIVE_SALE_PRICE": "500"}]}]},
                {"ITEM_ID": "I2", "ITEM_NAME": "숨김", "SALE_PRICE": "1", "ITEM_USE_FLAG": "Y", "ITEM_SET_GBN": "N",
                 "ADDITIVE_GROUP_LIST": []},
                {"ITEM_ID": "I3", "ITEM_NAME": "세트", "SALE_PRICE": "30000", "ITEM_USE_FLAG": "N", "ITEM_SET_GBN": "Y",
                 "SOLD_OUT_YN": "Y", "ADDITIVE_GROUP_LIST": []}
             ]},
            {"ITEM_GROUP_CODE": "G09", "ITEM_GROUP_NAME": "숨김 그룹", "ITEM_GROUP_CNT": "1", "ITEM_GROUP_USE_FLAG": "Y",
             "ITEM_LIST": [{"ITEM_ID": "I9", "ITEM_NAME": "x", "SALE_PRICE": "1", "ITEM_USE_FLAG": "N", "ITEM_SET_GBN": "N",
                            "ADDITIVE_GROUP_LIST": []}]}
        ]
    }]))
    .unwrap()
}

#[test]
fn menu_keeps_what_guests_may_see() {
    let menu = menu_from_wire(sample_menu()).unwrap();
    assert_eq!(menu.stamp, "20261101090000");
    assert_eq!(menu.categories.len(), 1, "hidden groups dropped");
    let items = &menu.categories[0].items;
    assert_eq!(
        items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["I1", "I3"]
    );
    assert_eq!(items[0].price, Won(9_000));
    let g = &items[0].option_groups[0];
    assert_eq!((g.min, g.max, g.options[0].price), (1, 1, Won(500)));
    assert!(items[1].sold_out && items[1].set_menu);
}

#[test]
fn amounts_that_are_not_numbers_are_errors_not_panics() {
    let mut raw = serde_json::to_value(json!([{"ITEM_GROUP_LIST": [{"ITEM_GROUP_CODE": "G", "ITEM_GROUP_NAME": "g",
        "ITEM_GROUP_USE_FLAG": "N", "ITEM_LIST": [{"ITEM_ID": "I", "ITEM_NAME": "i", "SALE_PRICE": "구천원",
        "ITEM_USE_FLAG": "N"}]}]}]))
    .unwrap();
    let menu: Vec<MenuObj> = serde_json::from_value(raw.clone()).unwrap();
    assert!(matches!(
        menu_from_wire(menu),
        Err(UpstreamError::Malformed(_))
    ));
    raw[0]["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0]["SALE_PRICE"] = json!("99999999999999999999999");
    let menu: Vec<MenuObj> = serde_json::from_value(raw).unwrap();
    assert!(menu_from_wire(menu).is_err());
    assert!(menu_from_wire(vec![]).is_err());
}

fn entry(orderno: &str, org: &str, status: &str, flag: &str, prepay: &str) -> serde_json::Value {
    json!({
        "ORDERNO": orderno, "ORG_ORDERNO": org, "MCHT_ORDERNO": format!("c-{orderno}"), "POS_ORDERNO": "0001",
        "ORDER_DATE": "20231018", "ORDER_TIME": "190211", "ORDER_STATUS": status, "ORDER_STATUS_NAME": "",
        "SUCCESS_FLAG": flag, "ORDER_PAY_AMT": "18000", "ORG_ORDER_PAY_AMT": "18000", "DISC_AMT": "0",
        "PREPAY_FLAG": prepay, "FLR_CODE": "0001", "TBL_CODE": "0001",
        "ITEM_LIST": [{"ITEM_SEQ": "1", "ITEM_ID": "I1", "ITEM_NAME": "김치찌개", "SALE_PRICE": "9500", "SALE_AMT": "19000",
                       "ITEM_CNT": "2", "ITEM_SET_GBN": "N",
                       "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "매운맛", "RULE_ID": "R01",
                                               "ADDITIVE_PRICE": "500", "ADDITIVE_CNT": "1"}]}],
        "ORD_PAY_LIST": []
    })
}

#[test]
fn inquiry_maps_statuses_and_finds_the_open_order() {
    let list: OrderListObj = serde_json::from_value(json!({"ORDER_LIST": [
        entry("TO3", "TO3", "", "", "N"),
        entry("TO2", "TO1", "SMRO000068", "Y", "N"),
        entry("TO1", "TO1", "SMRO000069", "Y", "N"),
        entry("TO0", "TO0", "", "N", "N"),
        entry("TOP", "TOP", "SMRO000069", "Y", "Y"),
        entry("TOC", "TOC", "SMRO000070", "Y", "N"),
        entry("TOR", "TOR", "SMRO000071", "Y", "N"),
        entry("TOX", "TOX", "SMRO000088", "Y", "N"),
    ]}))
    .unwrap();
    let orders = inquiry_from_wire(list.order_list).unwrap();
    assert_eq!(orders.open_order_no.as_deref(), Some("TO1"));
    let statuses: Vec<OrderStatus> = orders.orders.iter().map(|o| o.status).collect();
    use OrderStatus::*;
    assert_eq!(
        statuses,
        [Waiting, Accepted, Done, Failed, Done, Cancelled, Returned, Paid]
    );
    let first = &orders.orders[0];
    assert_eq!(first.client_order_id.as_deref(), Some("c-TO3"));
    assert_eq!(first.received_at, "2023-10-18T19:02:11+09:00");
    assert_eq!(first.total, Won(18_000));
    assert_eq!(first.lines[0].unit_price, Won(9_500));
    assert_eq!(first.lines[0].options[0].name, "매운맛");
}

#[test]
fn a_prepaid_order_does_not_hold_the_table() {
    let list: OrderListObj = serde_json::from_value(
        json!({"ORDER_LIST": [entry("TOP", "TOP", "SMRO000068", "Y", "Y")]}),
    )
    .unwrap();
    assert_eq!(
        inquiry_from_wire(list.order_list).unwrap().open_order_no,
        None
    );
}

fn priced() -> PricedOrder {
    let line = |id: &str, set_menu, price, opts: Vec<PricedOption>, count| PricedLine {
        item_id: id.into(),
        name: format!("n{id}"),
        set_menu,
        item_price: Won(price),
        options: opts,
        count,
        memo: String::new(),
    };
    let opt = |price| PricedOption {
        group_id: "R".into(),
        option_id: "A".into(),
        name: "o".into(),
        price: Won(price),
        count: 1,
    };
    PricedOrder {
        lines: vec![
            line("I1", false, 9_000, vec![opt(500)], 2),
            line("S1", true, 30_000, vec![opt(3_000)], 1),
        ],
        memo: "빨리요".into(),
        total: Won(19_000 + 33_000),
    }
}

#[test]
fn order_body_is_priced_from_the_menu_in_strings() {
    let p = priced();
    let order = OutgoingOrder {
        client_order_id: "client-0001",
        floor: "0001",
        table: "0002",
        kind: OrderKind::Add,
        open_order_no: Some("TO1"),
        priced: &p,
        payments: &[],
    };
    let v = serde_json::to_value(order_body(&order).unwrap()).unwrap();
    assert_eq!(v["MCHT_ORDERNO"], "client-0001");
    assert_eq!(v["ORDERNO"], "TO1");
    assert_eq!(v["ORG_ORDERNO"], "TO1");
    assert_eq!(v["PREPAY_FLAG"], "N");
    assert_eq!(v["ORDER_PAY_AMT"], "52000");
    assert_eq!(v["ORG_ORDER_PAY_AMT"], "52000");
    assert_eq!(v["ITEM_LIST"][0]["SALE_PRICE"], "9500");
    assert_eq!(v["ITEM_LIST"][0]["SALE_AMT"], "19000");
    assert_eq!(v["ITEM_LIST"][0]["ADDITIVE_ITEM_LIST"][0]["RULE_ID"], "R");
    // A set menu: the parent's price alone, options beside it.
    assert_eq!(v["ITEM_LIST"][1]["SALE_PRICE"], "30000");
    assert_eq!(v["ITEM_LIST"][1]["ITEM_SET_GBN"], "Y");
    assert_eq!(v["ORDER_MEMO"], "빨리요");

    let new = OutgoingOrder {
        kind: OrderKind::New,
        open_order_no: None,
        ..order.clone()
    };
    let v = serde_json::to_value(order_body(&new).unwrap()).unwrap();
    assert!(v.get("ORDERNO").is_none());
    let add_without_open = OutgoingOrder {
        open_order_no: None,
        ..order
    };
    assert!(order_body(&add_without_open).is_err());
}

#[test]
fn payments_become_ord_pay_list_and_flag_prepaid() {
    let p = priced();
    let card = PaymentRecord {
        kind: PaymentKind::Card,
        amount: Won(52_000),
        vat: Won(4_727),
        terminal_id: "CAT01".into(),
        approval_no: "30001234".into(),
        approval_date: "20261128".into(),
        approval_time: "191500".into(),
        card_no_masked: "5365-10**-****-1234".into(),
        issuer: "신한카드".into(),
        acquirer: "신한카드".into(),
        instalment_months: 0,
    };
    let order = OutgoingOrder {
        client_order_id: "client-0002",
        floor: "0001",
        table: "0002",
        kind: OrderKind::New,
        open_order_no: None,
        priced: &p,
        payments: std::slice::from_ref(&card),
    };
    let v = serde_json::to_value(order_body(&order).unwrap()).unwrap();
    assert_eq!(v["PREPAY_FLAG"], "Y");
    let pay = &v["ORD_PAY_LIST"][0];
    assert_eq!(pay["PAY_TYPE"], "card");
    assert_eq!(pay["AUTH_NO"], "30001234");
    assert_eq!(pay["ISTM_TERM"], "00");
    assert_eq!(pay["SALE_AMT"], "52000");
    assert_eq!(pay["TML_NO"], "CAT01");
}

#[test]
fn errcodes_map_to_refusals() {
    assert_eq!(refusal_for("E1001"), Refusal::TableOccupied);
    assert_eq!(refusal_for("E1002"), Refusal::StoreClosed);
    assert_eq!(refusal_for("E1003"), Refusal::TableHasOpenOrder);
    assert_eq!(refusal_for("E1004"), Refusal::OpenOrderMismatch);
    assert_eq!(refusal_for("E2001"), Refusal::BadItem);
    assert_eq!(refusal_for("E0001"), Refusal::CredentialsRejected);
    assert_eq!(refusal_for("E9999"), Refusal::Other);
}
