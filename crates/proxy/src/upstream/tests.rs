//! The adapter against payloads: first those logged from the real service (UPSTREAM.md,
//! "Observed on the real service"), verbatim; then variants of what the evidence allows.

use super::*;
use order_core::pricing::{PricedLine, PricedOption, PricedOrder};
use order_core::Won;
use serde_json::{json, Value};

/// The one menu item logged from the real service: a number for the price, no option list.
pub(super) const OBSERVED_ITEM: &str = r#"{"ITEM_AMT":4000,"ITEM_CNT":0,"ITEM_ID":"1000","ITEM_NAME":"복숭아 아이스티","ITEM_SET_GBN":"N","ITEM_USE_FLAG":"N"}"#;

/// The one table row logged: no store name anywhere.
pub(super) const OBSERVED_TABLE: &str =
    r#"{"FLR_CODE":"0001","FLR_NAME":"001","TBL_CODE":"0029","TBL_NAME":"27"}"#;

/// The one inquiry entry logged (its item and pay lists were elided by the log; the pay
/// entry below stands in for one of them).
pub(super) const OBSERVED_ENTRY: &str = r#"{"DISC_AMT":"0","FLR_CODE":"0001","ITEM_LIST":[],"MCHT_ORDERNO":"130",
"MEMB_TEL":"01012349876","ORDERNO":"TO202310180006066","ORDER_DATE":"20231018",
"ORDER_MEMO":"태스트 ","ORDER_PAY_AMT":"35000","ORDER_PRT_FLAG":"N",
"ORDER_STATUS":"SMRO000069","ORDER_STATUS_NAME":"완료","ORDER_TIME":"012702",
"ORD_PAY_LIST":[],"ORG_ORDERNO":"TO202310180006066","ORG_ORDER_PAY_AMT":"35000",
"OS_GBN":"","POS_ORDERNO":"","PREPAY_FLAG":"N","REPT_PRT_FLAG":"N","SERVICE_ID":"3010",
"STORE_ID":"3113810001","SUCCESS_FLAG":"","TBL_CODE":"0002"}"#;

/// The one pay entry logged, as the inquiry returns it: amounts and sequences as numbers.
pub(super) const OBSERVED_PAY: &str = r#"{"AUTH_DATE":"","AUTH_NO":"","AUTH_TIME":"","BEE_AUTH_DATE":"","BEE_AUTH_NO":"",
"BEE_AUTH_TIME":"","CAN_FLAG":"","CAN_PAY_SEQ":0,"CARD_ACQHID":"","CARD_ACQ_NAME":"",
"CARD_ACSHID":"","CARD_MCHTNO":"","CARD_NO":"","CARD_PAY_TYPE":"","CASH_AUTH_TYPE":"",
"CRD_HID_NAME":"","DDCEDI":"","ISTM_TERM":"","ORDERNO":"","PAY_SEQ":0,"PAY_TYPE":"",
"SALE_AMT":0,"SALE_VAT_AMT":0,"SVC_AMT":0,"TML_NO":""}"#;

fn parse(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap()
}

fn menu_of(groups: Value) -> StoreMenu {
    let obj: Vec<MenuObj> = serde_json::from_value(json!([{ "ITEM_GROUP_LIST": groups }])).unwrap();
    menu_from_wire(obj).unwrap()
}

fn group(code: &str, items: Vec<Value>) -> Value {
    json!({"ITEM_GROUP_CODE": code, "ITEM_GROUP_NAME": format!("그룹 {code}"), "ITEM_GROUP_CNT": items.len(),
           "ITEM_GROUP_USE_FLAG": "N", "ITEM_LIST": items})
}

fn inquiry_of(entries: Vec<Value>) -> TableInquiry {
    let obj: OrderListObj = serde_json::from_value(json!({ "ORDER_LIST": entries })).unwrap();
    inquiry_from_wire(obj.order_list.0, &HostSettings::default())
}

fn refusal_for(code: &str) -> Refusal {
    RefusalCodes::default().refusal_for(code)
}

#[test]
fn the_observed_menu_item_loads_with_its_number_price() {
    let menu = menu_of(json!([group("G1", vec![parse(OBSERVED_ITEM)])]));
    let item = &menu.categories[0].items[0];
    assert_eq!(
        (item.id.as_str(), item.name.as_str(), item.price),
        ("1000", "복숭아 아이스티", Won(4_000))
    );
    assert!(item.option_groups.is_empty() && !item.set_menu && !item.sold_out);
}

#[test]
fn the_observed_table_row_loads_without_a_store_name() {
    let obj: TableListObj =
        serde_json::from_value(json!({ "TABLE_LIST": [parse(OBSERVED_TABLE)] })).unwrap();
    let tables = tables_from_wire(obj);
    assert_eq!(
        tables,
        [Table {
            id: "0001-0029".into(),
            floor: "001".into(),
            name: "27".into()
        }]
    );
}

#[test]
fn the_observed_inquiry_entry_is_on_the_pos_and_opens_the_bill() {
    let mut entry = parse(OBSERVED_ENTRY);
    entry["ORD_PAY_LIST"] = json!([parse(OBSERVED_PAY), parse(OBSERVED_PAY)]);
    let inquiry = inquiry_of(vec![entry]);
    let o = &inquiry.orders.orders[0];
    // SMRO000069 with SUCCESS_FLAG "": done, on the POS — not waiting.
    assert_eq!(o.status, OrderStatus::Done);
    assert_eq!(o.total, Won(35_000));
    // The echo is kept apart: the order desk tells whose order it is.
    assert_eq!(o.client_order_id, None);
    assert_eq!(inquiry.echoes, ["130"]);
    assert_eq!(o.received_at, "2023-10-18T01:27:02+09:00");
    assert_eq!(
        inquiry.orders.open_order_no.as_deref(),
        Some("TO202310180006066")
    );
    assert_eq!(
        inquiry.latest_order_no.as_deref(),
        Some("TO202310180006066")
    );
    // What reaches a browser never carries the credentials the entry echoes.
    let public = serde_json::to_string(&inquiry.orders).unwrap();
    assert!(!public.contains("3010") && !public.contains("3113810001"));
}

#[test]
fn statuses_come_from_order_status_first() {
    let entry = |no: &str, status: &str, flag: &str| {
        let mut e = parse(OBSERVED_ENTRY);
        e["ORDERNO"] = json!(no);
        e["ORG_ORDERNO"] = json!(no);
        e["ORDER_STATUS"] = json!(status);
        e["SUCCESS_FLAG"] = json!(flag);
        e
    };
    let inquiry = inquiry_of(vec![
        entry("T1", "", ""),
        entry("T2", "", "N"),
        entry("T3", "SMRO000068", ""),
        entry("T4", "SMRO000069", "N"),
        entry("T5", "SMRO000070", ""),
        entry("T6", "SMRO000071", "Y"),
        entry("T7", "SMRO000088", ""),
        entry("T8", "SMRO000099", "N"),
        entry("T9", "", "Y"),
    ]);
    use OrderStatus::*;
    let statuses: Vec<_> = inquiry.orders.orders.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        [Waiting, Failed, Accepted, Done, Cancelled, Returned, Paid, Waiting, Waiting],
        "a known code wins over the flag; an unknown code is never a failure"
    );
}

#[test]
fn the_open_bill_and_the_newest_order_follow_the_real_clients_rule() {
    let entry = |no: &str, org: &str, status: &str, prepay: &str| {
        let mut e = parse(OBSERVED_ENTRY);
        e["ORDERNO"] = json!(no);
        e["ORG_ORDERNO"] = json!(org);
        e["ORDER_STATUS"] = json!(status);
        e["PREPAY_FLAG"] = json!(prepay);
        e
    };
    // Newest first: an add onto the bill TO1 that is newer than the bill's first order.
    let inquiry = inquiry_of(vec![
        entry("TO3", "TO3", "", "N"),
        entry("TO2", "TO1", "SMRO000068", "N"),
        entry("TO1", "TO1", "SMRO000069", "N"),
    ]);
    assert_eq!(inquiry.orders.open_order_no.as_deref(), Some("TO1"));
    assert_eq!(inquiry.latest_order_no.as_deref(), Some("TO3"));
    // A prepaid order stands alone (assumed); a paid bill frees the table.
    let inquiry = inquiry_of(vec![
        entry("TOP", "TOP", "SMRO000068", "Y"),
        entry("TOX", "TOX", "SMRO000088", "N"),
    ]);
    assert_eq!(inquiry.orders.open_order_no, None);
    assert_eq!(inquiry_of(vec![]).latest_order_no, None);
}

#[test]
fn guests_see_the_party_since_the_last_closed_bill_and_their_own_orders() {
    let entry = |no: &str, org: &str, status: &str, prepay: &str, id: &str| {
        let mut e = parse(OBSERVED_ENTRY);
        e["ORDERNO"] = json!(no);
        e["ORG_ORDERNO"] = json!(org);
        e["ORDER_STATUS"] = json!(status);
        e["PREPAY_FLAG"] = json!(prepay);
        e["MCHT_ORDERNO"] = json!(id);
        e
    };
    // Newest first. Dinner: D2 (waiting), D1 (its own bill, open), a cancelled add C9 on
    // the dinner bill, a refunded prepaid P1. Lunch: L2 and L1, paid. Older still: W0, a
    // lunch order still waiting for the POS.
    let mut inquiry = inquiry_of(vec![
        entry("D2", "", "", "N", "dinner-2"),
        entry("C9", "D1", "SMRO000070", "N", "dinner-x"),
        entry("P1", "P1", "SMRO000071", "Y", "kiosk-1"),
        entry("D1", "D1", "SMRO000068", "N", "dinner-1"),
        entry("L2", "L1", "SMRO000088", "N", "lunch-2"),
        entry("L1", "L1", "SMRO000088", "N", "lunch-1"),
        entry("W0", "", "", "N", "lunch-w"),
    ]);
    // As the order desk marks the orders it tells as its own.
    for (o, echo) in inquiry.orders.orders.iter_mut().zip(&inquiry.echoes) {
        o.client_order_id = Some(echo.clone());
    }
    let seen = |mine: &[&str]| -> Vec<String> {
        inquiry
            .for_party(mine)
            .orders
            .into_iter()
            .map(|o| o.order_no)
            .collect()
    };
    assert_eq!(seen(&[]), ["D2", "C9", "P1", "D1", "W0"]);
    assert_eq!(seen(&["lunch-2"]), ["D2", "C9", "P1", "D1", "L2", "W0"]);
    assert_eq!(inquiry.for_party(&[]).open_order_no.as_deref(), Some("D1"));
    // The whole list still holds every order, for the server's own look-ups.
    assert_eq!(inquiry.orders.orders.len(), 7);
    // A table whose only bill was just cancelled shows nothing of it.
    let inquiry = inquiry_of(vec![
        entry("X2", "X1", "SMRO000070", "N", "x-2"),
        entry("X1", "X1", "SMRO000070", "N", "x-1"),
    ]);
    assert!(inquiry.for_party(&[]).orders.is_empty());
}

#[test]
fn numbers_and_strings_are_read_alike_and_missing_lists_are_empty() {
    let as_strings = json!({"ITEM_ID": "I1", "ITEM_NAME": "김치찌개", "ITEM_AMT": "9000", "ITEM_USE_FLAG": "N",
        "ITEM_SET_GBN": "N", "ADDITIVE_GROUP_LIST": [{"ADDITIVE_GROUP_CODE": "R1", "ADDITIVE_GROUP_NAME": "맵기",
        "ADDITIVE_GROUP_USE_FLAG": "N", "MIN_CNT": "1", "MAX_CNT": 1,
        "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "매운맛", "ADDITIVE_SALE_PRICE": "500", "ADDITIVE_USE_FLAG": "N"},
                               {"ADDITIVE_ID": "A2", "ADDITIVE_NAME": "순한맛", "ADDITIVE_SALE_PRICE": 0, "ADDITIVE_USE_FLAG": "N"}]}]});
    let null_list = json!({"ITEM_ID": 2, "ITEM_NAME": "공기밥", "ITEM_AMT": 1000, "ITEM_USE_FLAG": "N",
        "ADDITIVE_GROUP_LIST": null, "SOMETHING_NEW": {"x": 1}});
    let menu = menu_of(json!([group("G1", vec![as_strings, null_list])]));
    let items = &menu.categories[0].items;
    assert_eq!(items[0].price, Won(9_000));
    let g = &items[0].option_groups[0];
    assert_eq!(
        (g.min, g.max, g.options[0].price, g.options[1].price),
        (1, 1, Won(500), Won(0))
    );
    assert_eq!((items[1].id.as_str(), items[1].price), ("2", Won(1_000)));
    assert!(items[1].option_groups.is_empty());

    let obj: OrderListObj = serde_json::from_value(json!({ "ORDER_LIST": null })).unwrap();
    assert!(obj.order_list.0.is_empty());
    let obj: OrderListObj = serde_json::from_value(json!({})).unwrap();
    assert!(obj.order_list.0.is_empty());
}

#[test]
fn hidden_groups_items_option_groups_and_options_are_not_offered() {
    let item = |id: &str, flag: &str, groups: Value| json!({"ITEM_ID": id, "ITEM_NAME": id, "ITEM_AMT": 1000, "ITEM_USE_FLAG": flag, "ADDITIVE_GROUP_LIST": groups});
    let options = json!([
        {"ADDITIVE_GROUP_CODE": "R1", "ADDITIVE_GROUP_NAME": "사이즈", "ADDITIVE_GROUP_USE_FLAG": "N",
         "ADDITIVE_ITEM_LIST": [
            {"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "보통", "ADDITIVE_SALE_PRICE": 0, "ADDITIVE_USE_FLAG": "N"},
            {"ADDITIVE_ID": "A2", "ADDITIVE_NAME": "곱빼기", "ADDITIVE_SALE_PRICE": 2000, "ADDITIVE_USE_FLAG": "Y"}]},
        {"ADDITIVE_GROUP_CODE": "R2", "ADDITIVE_GROUP_NAME": "숨김", "ADDITIVE_GROUP_USE_FLAG": "Y",
         "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A3", "ADDITIVE_NAME": "x", "ADDITIVE_SALE_PRICE": 0, "ADDITIVE_USE_FLAG": "N"}]},
        {"ADDITIVE_GROUP_CODE": "R3", "ADDITIVE_GROUP_NAME": "모두 숨김", "ADDITIVE_GROUP_USE_FLAG": "N",
         "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A4", "ADDITIVE_NAME": "y", "ADDITIVE_SALE_PRICE": 0, "ADDITIVE_USE_FLAG": "Y"}]}
    ]);
    let mut hidden_group = group("G2", vec![item("I9", "N", Value::Null)]);
    hidden_group["ITEM_GROUP_USE_FLAG"] = json!("Y");
    let menu = menu_of(json!([
        group(
            "G1",
            vec![
                item("I1", "N", options),
                item("I2", "Y", Value::Null),
                item("I3", "", Value::Null)
            ]
        ),
        hidden_group,
    ]));
    assert_eq!(menu.categories.len(), 1);
    let items = &menu.categories[0].items;
    assert_eq!(items.len(), 1, "ITEM_USE_FLAG other than N is hidden");
    let groups = &items[0].option_groups;
    assert_eq!(
        groups.len(),
        1,
        "hidden and emptied option groups are dropped"
    );
    assert_eq!(groups[0].options.len(), 1);
    // None required, at most one, unless the POS says otherwise.
    assert_eq!((groups[0].min, groups[0].max), (0, 1));
}

#[test]
fn staff_call_reasons_are_not_a_category() {
    let reason = |id: &str, name: &str, flag: &str| json!({"ITEM_ID": id, "ITEM_NAME": name, "ITEM_AMT": 0, "ITEM_USE_FLAG": flag, "ITEM_SET_GBN": "N"});
    let menu = menu_of(json!([
        group("G1", vec![parse(OBSERVED_ITEM)]),
        group(
            "99999",
            vec![
                reason("S1", "물", "N"),
                reason("S2", "숨김", "Y"),
                reason("S3", "물티슈", "N")
            ]
        ),
    ]));
    assert_eq!(menu.categories.len(), 1);
    let names: Vec<_> = menu.staff_calls.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["물", "물티슈"]);

    // A store whose staff-call items are all hidden has none: the configured list is used.
    let menu = menu_of(json!([
        group("G1", vec![parse(OBSERVED_ITEM)]),
        group("99999", vec![reason("S1", "물", "Y")]),
    ]));
    assert!(menu.staff_calls.is_empty());
}

#[test]
fn one_unreadable_entry_is_skipped_and_counted_never_failing_the_answer() {
    let before = skipped_entries();
    let menu = menu_of(json!([group(
        "G1",
        vec![
            json!({"ITEM_ID": "I1", "ITEM_NAME": "가격 없음", "ITEM_AMT": "구천원", "ITEM_USE_FLAG": "N"}),
            json!({"ITEM_NAME": "id 없음", "ITEM_AMT": 1000, "ITEM_USE_FLAG": "N"}),
            json!("not an item"),
            parse(OBSERVED_ITEM),
        ]
    )]));
    assert_eq!(menu.categories[0].items.len(), 1);
    let inquiry = inquiry_of(vec![
        json!(42),
        json!({"ORDER_STATUS": "SMRO000068"}),
        parse(OBSERVED_ENTRY),
    ]);
    assert_eq!(inquiry.orders.orders.len(), 1);
    assert!(skipped_entries() >= before + 5);
    // An entry of ours that reads badly elsewhere is kept: taking it for vanished would
    // make the flow order again.
    let mut ours = parse(OBSERVED_ENTRY);
    ours["ORDER_PAY_AMT"] = json!("삼만오천");
    ours["ORDER_DATE"] = json!(null);
    let kept = inquiry_of(vec![ours]);
    assert_eq!(kept.echoes, ["130"]);
    assert_eq!(kept.orders.orders[0].status, OrderStatus::Done);
}

#[test]
fn the_change_stamp_is_kept_as_the_real_client_keeps_it() {
    let obj: MenuStateObj =
        serde_json::from_value(json!({"UPDATE_YN": "Y", "UPDATE_DTIME": "20231018012702123"}))
            .unwrap();
    let state = menu_state_from_wire(obj);
    assert_eq!(state.stamp, "20231018012702");
    assert!(state.changed);
    assert_eq!(state.open, None);
    let obj: MenuStateObj = serde_json::from_value(json!({"UPDATE_YN": "N"})).unwrap();
    assert!(!menu_state_from_wire(obj).changed);
}

#[test]
fn the_first_answer_may_come_without_obj() {
    assert_eq!(received_from_wire(None, "c-1").unwrap().order_no, None);
    let ack: OrderAckObj = serde_json::from_value(
        json!({"ORDERNO": "TO1", "ORG_ORDERNO": "TO1", "MCHT_ORDERNO": "c-1", "POS_ORDERNO": ""}),
    )
    .unwrap();
    assert_eq!(
        received_from_wire(Some(ack), "c-1")
            .unwrap()
            .order_no
            .as_deref(),
        Some("TO1")
    );
    let other: OrderAckObj =
        serde_json::from_value(json!({"ORDERNO": "TO1", "MCHT_ORDERNO": "c-2"})).unwrap();
    let e = received_from_wire(Some(other), "c-1").unwrap_err();
    assert!(
        e.is_ambiguous(),
        "an answer about another order leaves ours in doubt"
    );
    // Cut short, empty, or the same for every order: still the answer to ours.
    for echo in ["1234567890", "", "130"] {
        let ack: OrderAckObj =
            serde_json::from_value(json!({"ORDERNO": "TO9", "MCHT_ORDERNO": echo})).unwrap();
        let got = received_from_wire(Some(ack), "12345678901234567890").unwrap();
        assert_eq!(got.order_no.as_deref(), Some("TO9"), "{echo:?}");
    }
}

#[test]
fn a_well_formed_failure_is_a_refusal_in_the_pos_words() {
    let env: Envelope = serde_json::from_value(
        json!({"RESULT": "FAIL", "ERRCODE": "E7777", "MSG": "포스 점검 중입니다.", "MSG2": "잠시 후 이용해 주세요", "OBJ": null}),
    )
    .unwrap();
    assert!(env.failed());
    let ok: Envelope =
        serde_json::from_value(json!({"RESULT": "SUCCESS", "ERRCODE": "", "OBJ": {}})).unwrap();
    assert!(!ok.failed());
    let no_result: Envelope = serde_json::from_value(json!({"ERRCODE": ""})).unwrap();
    assert!(
        !no_result.failed(),
        "the real client's rule: ERRCODE empty is success"
    );
    assert_eq!(refusal_for("E7777"), Refusal::Other);
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

fn outgoing<'a>(p: &'a PricedOrder, payments: &'a [PaymentRecord]) -> OutgoingOrder<'a> {
    OutgoingOrder {
        partner_order_no: "client-0001",
        floor: "0001",
        table: "0002",
        kind: OrderKind::Add,
        open_order_no: Some("TO1"),
        latest_order_no: Some("TO3"),
        priced: p,
        payments,
        staff_call: false,
    }
}

#[test]
fn order_body_is_priced_from_the_menu_in_strings() {
    let p = priced();
    let order = outgoing(&p, &[]);
    let v = serde_json::to_value(order_body(&order).unwrap()).unwrap();
    assert_eq!(v["MCHT_ORDERNO"], "client-0001");
    assert_eq!(v["ORG_ORDERNO"], "TO1", "the bill's first order");
    assert_eq!(v["ORDERNO"], "TO3", "the newest order on the table");
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
    assert_eq!(v["ORDER_PRT_FLAG"], "Y");

    let new = OutgoingOrder {
        kind: OrderKind::New,
        open_order_no: None,
        latest_order_no: None,
        ..order.clone()
    };
    let v = serde_json::to_value(order_body(&new).unwrap()).unwrap();
    assert!(v.get("ORDERNO").is_none());
    let add_without_open = OutgoingOrder {
        open_order_no: None,
        ..order
    };
    assert!(matches!(
        order_body(&add_without_open),
        Err(UpstreamError::Unsendable(_))
    ));
}

#[test]
fn a_staff_call_goes_as_the_real_client_sends_it() {
    let water = StaffCallReason {
        id: "S1".into(),
        name: "물".into(),
    };
    let p = staff_call_order(&[&water], true);
    let order = OutgoingOrder {
        staff_call: true,
        ..outgoing(&p, &[])
    };
    let v = serde_json::to_value(order_body(&order).unwrap()).unwrap();
    assert_eq!(v["ORDER_MEMO"], "직원호출");
    assert_eq!(
        (v["ORDER_PAY_AMT"].as_str(), v["ORG_ORDER_PAY_AMT"].as_str()),
        (Some("0"), Some("0"))
    );
    assert_eq!(
        (v["ORDER_PRT_FLAG"].as_str(), v["REPT_PRT_FLAG"].as_str()),
        (Some("N"), Some("N"))
    );
    assert_eq!(v["ITEM_LIST"][0]["ITEM_ID"], "S1");
    assert_eq!(v["ITEM_LIST"][0]["SALE_PRICE"], "0");
    let p = staff_call_order(&[&water], false);
    assert!(p.lines.is_empty());
    assert_eq!(p.memo, "직원호출: 물");
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
        acquirer_code: "04".into(),
        issuer_code: "04".into(),
        merchant_no: "701234567".into(),
        card_pay_type: String::new(),
        ddcedi: "D".into(),
    };
    let order = OutgoingOrder {
        kind: OrderKind::New,
        open_order_no: None,
        latest_order_no: None,
        ..outgoing(&p, std::slice::from_ref(&card))
    };
    let v = serde_json::to_value(order_body(&order).unwrap()).unwrap();
    assert_eq!(v["PREPAY_FLAG"], "Y");
    let pay = &v["ORD_PAY_LIST"][0];
    assert_eq!(pay["PAY_TYPE"], "card");
    assert_eq!(pay["AUTH_NO"], "30001234");
    assert_eq!(pay["ISTM_TERM"], "00");
    assert_eq!(pay["SALE_AMT"], "52000");
    assert_eq!(pay["TML_NO"], "CAT01");
    assert_eq!(pay["CAN_PAY_SEQ"], "", "a normal payment cancels nothing");
    // The terminal's own figures and codes, passed through.
    assert_eq!(pay["SALE_VAT_AMT"], "4727");
    assert_eq!(
        (pay["CARD_ACQHID"].as_str(), pay["CARD_ACSHID"].as_str()),
        (Some("04"), Some("04"))
    );
    assert_eq!(pay["CARD_MCHTNO"], "701234567");
    assert_eq!(
        (pay["CARD_PAY_TYPE"].as_str(), pay["DDCEDI"].as_str()),
        (Some("M"), Some("D"))
    );
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

#[test]
fn a_full_list_covers_an_order_only_while_it_still_holds_the_one_before_it() {
    let entry = |no: &str| {
        let mut e = parse(OBSERVED_ENTRY);
        e["ORDERNO"] = json!(no);
        e["ORG_ORDERNO"] = json!(no);
        e["ORDER_STATUS"] = json!("SMRO000068");
        e
    };
    let list = |range: std::ops::RangeInclusive<u32>| {
        inquiry_of(range.rev().map(|n| entry(&format!("TO{n:03}"))).collect())
    };
    // Read as the order desk reads it: an order of ours sent after `anchor`, not listed, is
    // absent (the list reaches back to it) or unseen.
    let covers = |inquiry: &TableInquiry, anchor: Option<&str>| {
        use crate::orders::settle::{sight, Listed, Listing, Ours, Sighting};
        let listing = Listing {
            entries: inquiry
                .orders
                .orders
                .iter()
                .map(|o| Listed {
                    order_no: &o.order_no,
                    echo: "",
                    shape: Default::default(),
                })
                .collect(),
            full: inquiry.full,
        };
        let ours = Ours {
            client_order_id: "never-sent",
            partner_order_no: "00000000000000000000",
            shape: None,
            anchor,
            order_no: None,
        };
        sight(&ours, &listing, &[]) == Sighting::Absent
    };
    // Nine orders: nothing can be beyond the list.
    assert!(covers(&list(1..=9), None));
    // Ten: an order sent after TO005 is listed if it is there at all; after TO010 too.
    let full = list(5..=14);
    assert!(covers(&full, Some("TO005")));
    assert!(covers(&full, Some("TO010")));
    // Sent after TO004, which is no longer listed: it may be there unseen.
    assert!(!covers(&full, Some("TO004")));
    assert!(!covers(&full, None));
    assert_eq!(full.latest_on_pos.as_deref(), Some("TO014"));
    let mut waiting = entry("TO015");
    waiting["ORDER_STATUS"] = json!("");
    let mut entries = vec![waiting];
    entries.extend((5..=13).rev().map(|n| entry(&format!("TO{n:03}"))));
    assert_eq!(
        inquiry_of(entries).latest_on_pos.as_deref(),
        Some("TO013"),
        "an order not yet on the POS may vanish: it marks nothing"
    );
}

#[test]
fn order_times_are_read_in_the_zone_the_host_writes_them_in() {
    let obj: OrderListObj =
        serde_json::from_value(json!({ "ORDER_LIST": [parse(OBSERVED_ENTRY)] })).unwrap();
    let utc = HostSettings {
        time_zone: parse_time_zone("UTC").unwrap(),
        ..HostSettings::default()
    };
    let read = inquiry_from_wire(obj.order_list.0, &utc);
    // 01:27:02 written in UTC is 10:27:02 in Korea, where guests and staff read it.
    assert_eq!(
        read.orders.orders[0].received_at,
        "2023-10-18T10:27:02+09:00"
    );
}
