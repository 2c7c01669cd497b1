//! The proxy against the upstream as the evidence shows it (UPSTREAM.md): a menu priced in
//! JSON numbers, completed orders with an empty SUCCESS_FLAG, refusals in codes nobody
//! published, no store name, and a service that never de-duplicates.

use crate::common::{assert_error, start, Harness};
use serde_json::{json, Value};

async fn refresh(h: &Harness) {
    h.refresh().await;
}

async fn upstream_calls(h: &Harness, path: &str) -> u64 {
    h.get("/sim/calls").await.1[path].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn the_observed_menu_item_and_table_load_and_order_end_to_end() {
    let h = start().await;
    // The store exactly as logged from the real service: the item and the table row verbatim.
    let item: Value = serde_json::from_str(
        r#"{"ITEM_AMT":4000,"ITEM_CNT":0,"ITEM_ID":"1000","ITEM_NAME":"복숭아 아이스티","ITEM_SET_GBN":"N","ITEM_USE_FLAG":"N"}"#,
    )
    .unwrap();
    let table: Value = serde_json::from_str(
        r#"{"FLR_CODE":"0001","FLR_NAME":"001","TBL_CODE":"0029","TBL_NAME":"27"}"#,
    )
    .unwrap();
    let fixture = json!({
        "STORE_ID": "S0000001", "SERVICE_ID": "SV-DEMO-0001", "UPDATE_DTIME": "20231018012702123",
        "TABLE_LIST": [table],
        "ITEM_GROUP_LIST": [{"ITEM_GROUP_CODE": "1", "ITEM_GROUP_NAME": "음료", "ITEM_GROUP_CNT": 1,
                             "ITEM_GROUP_USE_FLAG": "N", "ITEM_LIST": [item]}]
    });
    let (status, v) = h.post("/sim/reset", json!({ "fixture": fixture })).await;
    assert_eq!(status, 200, "{v}");
    refresh(&h).await;

    let (status, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200, "{menu}");
    assert_eq!(
        menu["store"]["name"], "스마일 한식당 데모점",
        "from configuration"
    );
    assert_eq!(menu["version"], "20231018012702");
    let item = &menu["categories"][0]["items"][0];
    assert_eq!(
        (item["id"].as_str(), item["price"].as_i64()),
        (Some("1000"), Some(4_000))
    );
    let (status, t) = h.get("/api/v1/stores/demo/tables/0001-0029").await;
    assert_eq!(
        (status, t["name"].as_str(), t["floor"].as_str()),
        (200, Some("27"), Some("001"))
    );

    let path = "/api/v1/stores/demo/tables/0001-0029/orders";
    let body = json!({"clientOrderId": "observed-0001", "kind": "new",
                      "lines": [{"itemId": "1000", "count": 2, "options": []}]});
    let (status, receipt) = h.post(path, body).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["total"], 8_000);
    let v = h
        .wait_for("0001-0029", 3_000, |v| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    assert_eq!(v["openOrderNo"], receipt["orderNo"]);
    let pos = h.pos_orders().await;
    assert_eq!(
        (pos[0]["amount"].as_str(), pos[0]["onPos"].as_bool()),
        (Some("8000"), Some(true))
    );
}

#[tokio::test]
async fn a_completed_order_with_an_empty_flag_holds_the_bill_and_the_next_goes_as_an_add() {
    let h = start().await;
    let (status, first) = h.new_order("0001-0001", "order-done-0001").await;
    assert_eq!(status, 202, "{first}");
    h.wait_for("0001-0001", 3_000, |v| {
        v["orders"][0]["status"] == "accepted"
    })
    .await;
    // 30 s later the POS completes it: SMRO000069 with SUCCESS_FLAG "", as observed.
    h.post("/sim/clock", json!({"advanceMs": 30_000})).await;
    let v = h
        .wait_for("0001-0001", 3_000, |v| v["orders"][0]["status"] == "done")
        .await;
    assert_eq!(
        v["openOrderNo"], first["orderNo"],
        "done is still an open bill"
    );

    // A staff add, then ours: the add names the bill and the newest order on the table.
    let bill = first["orderNo"].as_str().unwrap();
    let (status, second) = h.add_order("0001-0001", "order-done-0002", bill).await;
    assert_eq!(status, 202, "{second}");
    let (status, third) = h.add_order("0001-0001", "order-done-0003", bill).await;
    assert_eq!(status, 202, "{third}");
    let pos = h.pos_orders().await;
    assert_eq!(pos.len(), 3);
    assert!(pos[1..]
        .iter()
        .all(|o| o["kind"] == "add" && o["orgOrderNo"] == first["orderNo"]));
}

#[tokio::test]
async fn a_refusal_in_an_unknown_code_is_final_and_in_the_pos_words() {
    let h = start().await;
    h.post(
        "/sim/refusals",
        json!({"errcode": "E7777", "msg": "포스 점검 중입니다.", "msg2": "10분 후 이용해 주세요", "count": 1}),
    )
    .await;
    let before = upstream_calls(&h, "/partner/v1/table/order/new").await;
    let (status, e) = h.new_order("0001-0001", "order-refused-01").await;
    // never 'unreachable'
    assert_error(status, &e, 422, "pos_refused");
    assert_eq!(
        e["error"]["message"],
        "포스 점검 중입니다. 10분 후 이용해 주세요"
    );
    assert_eq!(
        upstream_calls(&h, "/partner/v1/table/order/new").await,
        before + 1,
        "sent once, not retried"
    );
    assert!(h.pos_orders().await.is_empty());

    // A 200 answer saying E9999 is a refusal too; a 500 is not: that one may have landed.
    h.post(
        "/sim/refusals",
        json!({"errcode": "E9999", "msg": "처리 중 오류", "count": 1}),
    )
    .await;
    let (status, e) = h.new_order("0001-0001", "order-refused-02").await;
    assert_error(status, &e, 422, "pos_refused");
}

#[tokio::test]
async fn the_menu_offers_what_the_pos_shows_and_no_staff_call_as_a_dish() {
    let h = start().await;
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    let items: Vec<&Value> = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .collect();
    let find = |id: &str| items.iter().find(|i| i["id"] == id).copied();
    assert!(find("I0207").is_none(), "ITEM_USE_FLAG Y is hidden");
    assert!(find("S9901").is_none(), "staff-call reasons are not dishes");
    let bulgogi = find("I0107").unwrap();
    assert!(
        bulgogi["optionGroups"].as_array().unwrap().is_empty(),
        "hidden option group"
    );
    let americano = find("I0703").unwrap();
    let options = americano["optionGroups"][0]["options"].as_array().unwrap();
    assert!(options.iter().all(|o| o["id"] != "A0403"), "hidden option");
    let reasons: Vec<&str> = menu["staffCalls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["물", "물티슈", "앞접시", "수저·젓가락", "기타 (직원 방문)"]
    );
    assert!(menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["id"] != "99999"));
}

#[tokio::test]
async fn a_staff_call_reaches_the_pos_at_no_cost_once_per_half_minute() {
    let h = start().await;
    let calls = "/api/v1/stores/demo/tables/0001-0003/staff-calls";
    let (status, receipt) = h
        .post(
            calls,
            json!({"clientCallId": "call-aaaa-0001", "reasons": ["S9901", "S9903"]}),
        )
        .await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["total"], 0);
    // The same call sent again is the same call.
    let (status, again) = h
        .post(
            calls,
            json!({"clientCallId": "call-aaaa-0001", "reasons": ["S9901", "S9903"]}),
        )
        .await;
    assert_eq!((status, &again["orderNo"]), (202, &receipt["orderNo"]));
    let pos = h.pos_orders().await;
    assert_eq!(pos.len(), 1);
    assert_eq!(
        (
            pos[0]["staffCall"].as_bool(),
            pos[0]["amount"].as_str(),
            pos[0]["kind"].as_str()
        ),
        (Some(true), Some("0"), Some("new"))
    );

    let (status, e) = h
        .post(
            calls,
            json!({"clientCallId": "call-aaaa-0002", "reasons": ["S9902"]}),
        )
        .await;
    assert_error(status, &e, 429, "rate_limited");
    assert!(e["error"]["retryAfterMs"].as_u64().unwrap() > 25_000);

    let v = h
        .wait_for("0001-0003", 3_000, |v| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    assert_eq!(
        v["orders"][0]["staffCall"], true,
        "history shows a call, not an order"
    );

    // Unknown reasons and empty calls are refused before anything is sent.
    for bad in [
        json!({"clientCallId": "call-bbbb-0001", "reasons": []}),
        json!({"clientCallId": "call-bbbb-0002", "reasons": ["I0201"]}),
    ] {
        let (status, e) = h
            .post("/api/v1/stores/demo/tables/0001-0004/staff-calls", bad)
            .await;
        assert_error(status, &e, 422, "invalid_request");
    }
    assert_eq!(h.pos_orders().await.len(), 1);
}

#[tokio::test]
async fn a_staff_call_at_a_table_with_a_bill_is_added_onto_it() {
    let h = start().await;
    let (_, first) = h.new_order("0001-0001", "order-call-0001").await;
    h.wait_for("0001-0001", 3_000, |v| {
        v["orders"][0]["status"] == "accepted"
    })
    .await;
    let (status, call) = h
        .call_staff("0001-0001", "call-cccc-0001", &["S9902"])
        .await;
    assert_eq!(status, 202, "{call}");
    let pos = h.pos_orders().await;
    let call = pos.iter().find(|o| o["staffCall"] == true).unwrap();
    assert_eq!(
        (call["kind"].as_str(), &call["orgOrderNo"]),
        (Some("add"), &first["orderNo"])
    );
}

#[tokio::test]
async fn a_store_without_staff_call_reasons_offers_the_configured_ones() {
    let h =
        crate::common::start_with(|c| c.staff_call_reasons = vec!["물".into(), "계산서".into()])
            .await;
    let mut fixture: Value = serde_json::from_str(pos_sim::fixture::DEMO_FIXTURE).unwrap();
    fixture["ITEM_GROUP_LIST"]
        .as_array_mut()
        .unwrap()
        .retain(|g| g["ITEM_GROUP_CODE"] != "99999");
    h.post("/sim/reset", json!({ "fixture": fixture })).await;
    refresh(&h).await;
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(
        menu["staffCalls"],
        json!([{"id": "call-1", "name": "물"}, {"id": "call-2", "name": "계산서"}])
    );
    let (status, receipt) = h
        .call_staff("0001-0005", "call-dddd-0001", &["call-2"])
        .await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(h.pos_orders().await[0]["staffCall"], true);
}

#[tokio::test]
async fn a_terminals_approval_is_read_leniently_and_its_figures_reach_the_pos() {
    let h = start().await;
    let tablet = h.enrol_tablet("counter").await;
    let now = crate::common::approval_stamp_now();
    let body = json!({
        "clientOrderId": "prepaid-lenient-1", "kind": "new",
        "lines": [{"itemId": "I0201", "count": 2, "options": []}],
        "payment": {"method": "card", "approvals": [{
            "amount": "32,000", "approvalNo": 30001234, "approvedAt": now,
            "terminalId": "VCAT0001", "instalmentMonths": "00", "vat": 2_900,
            "acquirerCode": "04", "issuerCode": "11", "merchantNo": "701234567", "ddcedi": "D",
            "tranSerial": 77, "signature": null
        }]}
    });
    let (status, receipt) = h
        .post_with("/api/v1/stores/demo/tables/0001-0007/orders", body, &tablet)
        .await;
    assert_eq!(status, 202, "{receipt}");
    let sim = h.running.sim.as_ref().unwrap();
    let now = sim.clock.now();
    let entries = sim.pos().table_orders("0001", "0007", now).unwrap();
    let pay = &entries[0]["ORD_PAY_LIST"][0];
    assert_eq!(pay["SALE_AMT"], 32_000);
    assert_eq!(
        pay["SALE_VAT_AMT"], 2_900,
        "the terminal's VAT, not one worked out here"
    );
    assert_eq!(
        (pay["CARD_ACQHID"].as_str(), pay["CARD_ACSHID"].as_str()),
        (Some("04"), Some("11"))
    );
    assert_eq!(
        (pay["CARD_MCHTNO"].as_str(), pay["DDCEDI"].as_str()),
        (Some("701234567"), Some("D"))
    );
    assert_eq!(pay["AUTH_NO"], "30001234");

    let bad = json!({
        "clientOrderId": "prepaid-lenient-2", "kind": "new",
        "lines": [{"itemId": "I0201", "count": 1, "options": []}],
        "payment": {"method": "card", "approvals": [{"amount": 16_000, "approvalNo": "1",
            "approvedAt": now, "ddcedi": "Q"}]}
    });
    let (status, e) = h
        .post_with("/api/v1/stores/demo/tables/0001-0008/orders", bad, &tablet)
        .await;
    assert_error(status, &e, 422, "invalid_request");
}

#[tokio::test]
async fn a_call_for_staff_right_after_the_first_order_waits_for_it_to_land() {
    let h = start().await;
    // The first order is on its way to the POS (delivery takes 150 ms here, 800 ms now).
    h.post("/sim/delivery", json!({"mode": "delay", "delayMs": 800}))
        .await;
    let (status, _) = h.new_order("0001-0003", "order-first-0003").await;
    assert_eq!(status, 202);
    let (status, call) = h
        .call_staff("0001-0003", "call-right-after", &["S9901"])
        .await;
    assert_eq!(status, 202, "{call}");
    let orders = h.pos_orders().await;
    assert_eq!(orders.len(), 2);
    let call = orders.iter().find(|o| o["staffCall"] == true).unwrap();
    assert_eq!(
        call["kind"], "add",
        "added onto the bill the first order opened"
    );
}
