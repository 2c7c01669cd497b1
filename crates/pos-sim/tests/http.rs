//! The simulator over HTTP, as a partner server (and the proxy's adapter) sees it.

use pos_sim::{Fixture, Timing};
use serde_json::{json, Value};
use std::time::Duration;

struct Sim {
    base: String,
    http: reqwest::Client,
}

const STORE: (&str, &str) = ("S0000001", "SV-DEMO-0001");

async fn start(timing: Timing) -> Sim {
    let (addr, _sim) = pos_sim::spawn(Fixture::demo(), timing).await.unwrap();
    Sim {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
    }
}

impl Sim {
    /// An upstream call with the demo store's credentials added.
    async fn call(&self, path: &str, mut body: Value) -> (u16, Value) {
        body["STORE_ID"] = json!(STORE.0);
        body["SERVICE_ID"] = json!(STORE.1);
        self.raw(path, body.to_string()).await
    }

    async fn raw(&self, path: &str, body: String) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn inquiry(&self, table: &str) -> Vec<Value> {
        let (floor, tbl) = table.split_once('-').unwrap();
        let (_, v) = self
            .call(
                "/partner/v1/table/order",
                json!({"FLR_CODE": floor, "TBL_CODE": tbl}),
            )
            .await;
        assert_eq!(v["RESULT"], "SUCCESS", "{v}");
        v["OBJ"]["ORDER_LIST"].as_array().unwrap().clone()
    }
}

/// Two 삼겹살 (16,000원 each) for a table, correctly priced.
fn order(table: &str, mcht: &str) -> Value {
    let (floor, tbl) = table.split_once('-').unwrap();
    json!({
        "MCHT_ORDERNO": mcht, "MEMB_TEL": "", "ORDER_MEMO": "",
        "ORG_ORDER_PAY_AMT": "32000", "ORDER_PAY_AMT": "32000", "DISC_AMT": "0", "PREPAY_FLAG": "N",
        "OS_GBN": "WEB", "FLR_CODE": floor, "TBL_CODE": tbl, "REPT_PRT_FLAG": "N", "ORDER_PRT_FLAG": "Y",
        "ITEM_LIST": [{"ITEM_SEQ": "1", "ITEM_NAME": "삼겹살 (200g)", "ITEM_ID": "I0201", "SALE_PRICE": "16000",
                       "SALE_AMT": "32000", "ITEM_CNT": "2", "ITEM_MENO": "", "ITEM_SET_GBN": "N",
                       "MCHT_MENU_NO": "", "ADDITIVE_ITEM_LIST": []}],
        "ORD_PAY_LIST": []
    })
}

fn all_strings(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().all(all_strings),
        Value::Array(a) => a.iter().all(all_strings),
        Value::String(_) | Value::Null => true,
        _ => false,
    }
}

#[tokio::test]
async fn answers_every_path_in_the_envelope_with_string_values() {
    let sim = start(Timing::default()).await;
    let (status, tables) = sim.call("/partner/v1/table", json!({})).await;
    assert_eq!(status, 200);
    for key in ["RESULT", "ERRCODE", "MSG", "MSG2", "OBJ"] {
        assert!(tables.get(key).is_some(), "{key} in {tables}");
    }
    assert_eq!(tables["ERRCODE"], "");
    assert_eq!(tables["OBJ"]["TABLE_LIST"][0]["FLR_CODE"], "0001");
    assert_eq!(tables["OBJ"]["TABLE_LIST"].as_array().unwrap().len(), 16);

    let (_, menu) = sim.call("/partner/v1/menu/edit", json!({})).await;
    assert!(menu["OBJ"].is_array(), "an array of one");
    assert_eq!(
        menu["OBJ"][0]["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0]["SALE_PRICE"],
        "9000"
    );

    let (_, state) = sim
        .call(
            "/partner/v1/menu/state",
            json!({"UPDATE_CHECK_DTIME": "20260101000000"}),
        )
        .await;
    assert_eq!(state["OBJ"]["UPDATE_YN"], "Y");
    let (_, state) = sim
        .call(
            "/partner/v1/menu/state",
            json!({"UPDATE_CHECK_DTIME": "20261101090000"}),
        )
        .await;
    assert_eq!(state["OBJ"]["UPDATE_YN"], "N");

    let (_, placed) = sim
        .call("/partner/v1/table/order/new", order("0001-0001", "m-1"))
        .await;
    assert_eq!(placed["RESULT"], "SUCCESS", "{placed}");
    let no = placed["OBJ"]["ORDERNO"].as_str().unwrap().to_string();
    for key in ["ORDERNO", "ORG_ORDERNO", "MCHT_ORDERNO", "POS_ORDERNO"] {
        assert!(placed["OBJ"][key].is_string(), "{key}");
    }
    let list = sim.inquiry("0001-0001").await;
    assert_eq!(list[0]["ORDERNO"], no.as_str());
    assert_eq!(
        list[0]["MCHT_ORDERNO"], "m-1",
        "the partner's number is echoed"
    );
    assert_eq!(list[0]["ITEM_LIST"][0]["ITEM_ID"], "I0201");
    let (_, store) = sim.call("/partner/v2/table/order", json!({})).await;
    assert_eq!(store["OBJ"]["ORDER_LIST"].as_array().unwrap().len(), 1);
    for v in [&tables, &menu, &state, &placed, &store] {
        assert!(all_strings(&v["OBJ"]), "every value a string: {v}");
    }
}

#[tokio::test]
async fn bad_requests_get_error_envelopes_never_a_crash() {
    let sim = start(Timing::default()).await;
    let wrong = json!({"STORE_ID": "S0000001", "SERVICE_ID": "guess"}).to_string();
    let (status, v) = sim.raw("/partner/v1/table", wrong).await;
    assert_eq!(
        (status, v["RESULT"].as_str(), v["ERRCODE"].as_str()),
        (200, Some("FAIL"), Some("E0001"))
    );
    assert!(
        !v["MSG"].as_str().unwrap().is_empty(),
        "a Korean message for people"
    );
    let (_, v) = sim.raw("/partner/v1/table", "{not json".into()).await;
    assert_eq!(v["ERRCODE"], "E0002");
    let (_, v) = sim
        .raw("/partner/v1/table", json!({"STORE_ID": 5}).to_string())
        .await;
    assert_eq!(v["ERRCODE"], "E0002");
    let (_, v) = sim
        .call("/partner/v1/table/order", json!({"FLR_CODE": "0001"}))
        .await;
    assert_eq!(v["ERRCODE"], "E0002", "missing TBL_CODE");
    let mut no_items = order("0001-0001", "m-x");
    no_items.as_object_mut().unwrap().remove("ITEM_LIST");
    let (_, v) = sim.call("/partner/v1/table/order/new", no_items).await;
    assert_eq!(v["ERRCODE"], "E0002");
    let (_, v) = sim
        .call(
            "/partner/v1/table/order",
            json!({"FLR_CODE": "0009", "TBL_CODE": "0009"}),
        )
        .await;
    assert_eq!(v["ERRCODE"], "E2002");
    // Still serving.
    let (_, v) = sim.call("/partner/v1/table", json!({})).await;
    assert_eq!(v["RESULT"], "SUCCESS");
}

/// The session the README shows with curl: occupancy, a dropped delivery vanishing after the
/// window, and a paid order freeing the table.
#[tokio::test]
async fn scripted_session_occupancy_dropped_delivery_and_payment() {
    let sim = start(Timing::default()).await;

    // The POS screen holds table 0001-0002: orders are refused as occupied until released.
    sim.control("/sim/tables/0001-0002/occupy", json!({"on": true}))
        .await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0002", "s-1"))
        .await;
    assert_eq!(v["ERRCODE"], "E1001");
    sim.control("/sim/tables/0001-0002/occupy", json!({"on": false}))
        .await;

    // Delivery to the POS is down: the order is received, fails, and vanishes after 60 s.
    sim.control("/sim/delivery", json!({"mode": "drop"})).await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0002", "s-2"))
        .await;
    assert_eq!(v["RESULT"], "SUCCESS");
    sim.control("/sim/clock", json!({"advanceMs": 2_000})).await;
    assert_eq!(sim.inquiry("0001-0002").await[0]["SUCCESS_FLAG"], "N");
    sim.control("/sim/clock", json!({"advanceMs": 58_000}))
        .await;
    assert!(
        sim.inquiry("0001-0002").await.is_empty(),
        "gone after the window"
    );
    let pos = sim.get("/sim/orders").await;
    assert_eq!(pos["orders"][0]["onPos"], false);

    // Delivery works again: a new order reaches the POS, is paid, and the table is free.
    sim.control("/sim/delivery", json!({"mode": "normal"}))
        .await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0002", "s-3"))
        .await;
    let no = v["OBJ"]["ORDERNO"].as_str().unwrap().to_string();
    sim.control("/sim/clock", json!({"advanceMs": 1_500})).await;
    assert_eq!(
        sim.inquiry("0001-0002").await[0]["ORDER_STATUS"],
        "SMRO000068"
    );
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0002", "s-4"))
        .await;
    assert_eq!(v["ERRCODE"], "E1003", "the table has an open order");
    let (status, _) = sim
        .control(&format!("/sim/orders/{no}/pay"), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        sim.inquiry("0001-0002").await[0]["ORDER_STATUS"],
        "SMRO000088"
    );
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0002", "s-4"))
        .await;
    assert_eq!(
        v["RESULT"], "SUCCESS",
        "the paid table takes a new order: {v}"
    );
}

#[tokio::test]
async fn business_and_agent_switches_refuse_orders_with_e1002() {
    let sim = start(Timing::default()).await;
    sim.control("/sim/business", json!({"open": false})).await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0001", "b-1"))
        .await;
    assert_eq!(v["ERRCODE"], "E1002");
    let (_, state) = sim
        .call("/partner/v1/menu/state", json!({"UPDATE_CHECK_DTIME": ""}))
        .await;
    assert_eq!(state["OBJ"]["OPEN_YN"], "N");
    sim.control("/sim/business", json!({"open": true})).await;
    sim.control("/sim/agent", json!({"running": false})).await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0001", "b-1"))
        .await;
    assert_eq!(v["ERRCODE"], "E1002");
    sim.control("/sim/agent", json!({"running": true})).await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0001", "b-1"))
        .await;
    assert_eq!(v["RESULT"], "SUCCESS");
}

#[tokio::test]
async fn faults_latency_errors_and_lost_answers() {
    let sim = start(Timing::default()).await;
    let (status, _) = sim.control("/sim/faults", json!({"errorRate": 2.0})).await;
    assert_eq!(status, 422, "rates are checked");

    sim.control("/sim/faults", json!({"errorRate": 1.0})).await;
    let (status, v) = sim.call("/partner/v1/table", json!({})).await;
    assert_eq!((status, v["ERRCODE"].as_str()), (500, Some("E9999")));

    sim.control("/sim/faults", json!({"latencyMs": 300})).await;
    let started = std::time::Instant::now();
    sim.call("/partner/v1/table", json!({})).await;
    assert!(started.elapsed() >= Duration::from_millis(300));

    // Committed, but the answer breaks on the wire: the order exists all the same.
    sim.control("/sim/faults", json!({"dropAfterCommitRate": 1.0}))
        .await;
    let sent = sim
        .http
        .post(format!("{}/partner/v1/table/order/new", sim.base))
        .json(&{
            let mut b = order("0001-0004", "lost-1");
            b["STORE_ID"] = json!(STORE.0);
            b["SERVICE_ID"] = json!(STORE.1);
            b
        })
        .send()
        .await;
    let read = match sent {
        Ok(r) => r.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(read.is_err(), "the answer is lost");
    sim.control("/sim/faults", json!({})).await;
    assert_eq!(sim.inquiry("0001-0004").await[0]["MCHT_ORDERNO"], "lost-1");

    // Resending the same MCHT_ORDERNO: one order, unless dedupe is off.
    let (_, again) = sim
        .call("/partner/v1/table/order/new", order("0001-0004", "lost-1"))
        .await;
    assert_eq!(again["RESULT"], "SUCCESS");
    assert_eq!(
        sim.get("/sim/orders").await["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    sim.control("/sim/faults", json!({"dedupeMchtOrderNo": false}))
        .await;
    sim.control("/sim/delivery", json!({"mode": "drop"})).await;
    sim.call("/partner/v1/table/order/new", order("0001-0005", "twice"))
        .await;
    sim.control("/sim/clock", json!({"advanceMs": 2_000})).await;
    sim.call("/partner/v1/table/order/new", order("0001-0005", "twice"))
        .await;
    assert_eq!(
        sim.get("/sim/orders").await["orders"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn calls_are_counted_and_reset_loads_another_store() {
    let sim = start(Timing::default()).await;
    sim.call("/partner/v1/table", json!({})).await;
    sim.inquiry("0001-0001").await;
    sim.inquiry("0001-0001").await;
    let calls = sim.get("/sim/calls").await;
    assert_eq!(calls["/partner/v1/table/order"], 2);
    assert_eq!(calls["/partner/v1/table"], 1);

    let mut other: Value = serde_json::from_str(pos_sim::fixture::DEMO_FIXTURE).unwrap();
    other["STORE_NAME"] = json!("다른 가게");
    other["TABLE_LIST"] =
        json!([{"FLR_CODE": "0001", "TBL_CODE": "0099", "FLR_NAME": "1층", "TBL_NAME": "창가"}]);
    let (status, _) = sim.control("/sim/reset", json!({"fixture": other})).await;
    assert_eq!(status, 200);
    let (_, tables) = sim.call("/partner/v1/table", json!({})).await;
    assert_eq!(tables["OBJ"]["STORE_NAME"], "다른 가게");
    assert_eq!(tables["OBJ"]["TABLE_LIST"].as_array().unwrap().len(), 1);
    assert_eq!(
        sim.get("/sim/calls").await["/partner/v1/table"],
        1,
        "counts start again"
    );
    let (status, v) = sim
        .control("/sim/reset", json!({"fixture": {"STORE_ID": ""}}))
        .await;
    assert_eq!(status, 422, "{v}");
}

#[tokio::test]
async fn control_api_reports_unknown_things_plainly() {
    let sim = start(Timing::default()).await;
    let (status, v) = sim
        .control("/sim/tables/9999-9999/occupy", json!({"on": true}))
        .await;
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = sim.control("/sim/orders/TO-nope/pay", json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = sim
        .control("/sim/delivery", json!({"mode": "sideways"}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = sim
        .control("/sim/items/NOPE/sold-out", json!({"on": true}))
        .await;
    assert_eq!(status, 404);
}
