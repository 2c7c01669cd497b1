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

#[tokio::test]
async fn answers_every_path_in_the_envelope_in_the_real_services_shapes() {
    let sim = start(Timing::default()).await;
    let (status, tables) = sim.call("/partner/v1/table", json!({})).await;
    assert_eq!(status, 200);
    for key in ["RESULT", "ERRCODE", "MSG", "MSG2", "OBJ"] {
        assert!(tables.get(key).is_some(), "{key} in {tables}");
    }
    assert_eq!(tables["ERRCODE"], "");
    assert_eq!(tables["OBJ"]["TABLE_LIST"][0]["FLR_CODE"], "0001");
    assert_eq!(tables["OBJ"]["TABLE_LIST"].as_array().unwrap().len(), 16);
    assert!(
        tables["OBJ"].get("STORE_NAME").is_none(),
        "the real list names no store"
    );

    menu_in_the_real_shapes(&sim).await;

    let (_, placed) = sim
        .call("/partner/v1/table/order/new", order("0001-0001", "m-1"))
        .await;
    assert_eq!(placed["RESULT"], "SUCCESS", "{placed}");
    let no = placed["OBJ"]["ORDERNO"].as_str().unwrap().to_string();
    for key in ["ORDERNO", "ORG_ORDERNO", "MCHT_ORDERNO", "POS_ORDERNO"] {
        assert!(placed["OBJ"][key].is_string(), "{key}");
    }
    sim.control("/sim/clock", json!({"advanceMs": 1_500})).await;
    let list = sim.inquiry("0001-0001").await;
    assert_eq!(list[0]["ORDERNO"], no.as_str());
    assert_eq!(
        list[0]["MCHT_ORDERNO"], "m-1",
        "the partner's number is echoed"
    );
    assert_eq!(list[0]["ORDER_STATUS"], "SMRO000068");
    assert_eq!(
        list[0]["SUCCESS_FLAG"], "",
        "delivered, and the flag is empty"
    );
    assert_eq!(list[0]["ORDER_PAY_AMT"], "32000");
    assert_eq!(
        (list[0]["STORE_ID"].as_str(), list[0]["SERVICE_ID"].as_str()),
        (Some(STORE.0), Some(STORE.1))
    );
    assert_eq!(list[0]["ITEM_LIST"][0]["ITEM_ID"], "I0201");
    let (_, store) = sim.call("/partner/v2/table/order", json!({})).await;
    assert_eq!(store["OBJ"]["ORDER_LIST"].as_array().unwrap().len(), 1);
}

/// The menu with its prices as numbers and the staff-call reasons, asked with STORE_ID
/// alone as the real client does, and its change stamp longer than a client keeps.
async fn menu_in_the_real_shapes(sim: &Sim) {
    let (_, menu) = sim.call("/partner/v1/menu/edit", json!({})).await;
    assert!(menu["OBJ"].is_array(), "an array of one");
    let first = &menu["OBJ"][0]["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0];
    assert_eq!(first["ITEM_AMT"], 9000, "the price is a JSON number");
    assert!(
        first["ADDITIVE_GROUP_LIST"][0]["ADDITIVE_ITEM_LIST"][0]["ADDITIVE_SALE_PRICE"].is_number()
    );
    let groups = menu["OBJ"][0]["ITEM_GROUP_LIST"].as_array().unwrap();
    assert!(
        groups.iter().any(|g| g["ITEM_GROUP_CODE"] == "99999"),
        "staff-call reasons"
    );
    // The real client asks for the menu with STORE_ID alone.
    let (_, alone) = sim
        .raw(
            "/partner/v1/menu/edit",
            json!({"STORE_ID": STORE.0}).to_string(),
        )
        .await;
    assert_eq!(alone["RESULT"], "SUCCESS", "{alone}");

    let (_, state) = sim
        .call(
            "/partner/v1/menu/state",
            json!({"UPDATE_CHECK_DTIME": "20200101000000"}),
        )
        .await;
    assert_eq!(state["OBJ"]["UPDATE_YN"], "Y");
    let stamp = state["OBJ"]["UPDATE_DTIME"].as_str().unwrap().to_string();
    assert!(
        stamp.len() > 14,
        "longer than the 14 characters a client keeps"
    );
    let (_, state) = sim
        .call(
            "/partner/v1/menu/state",
            json!({"UPDATE_CHECK_DTIME": &stamp[..14]}),
        )
        .await;
    assert_eq!(state["OBJ"]["UPDATE_YN"], "N");
}

#[tokio::test]
async fn the_real_clients_requests_are_taken_and_a_strict_pos_checks_their_sums() {
    let sim = start(Timing::default()).await;
    // As the real client sends it: numbers, the misspelt total, ITEM_MEMO, SALE_AMT equal to
    // the unit price whatever the count, the whole menu item inside the line, "130" always.
    let real = |table: &str| {
        let (floor, tbl) = table.split_once('-').unwrap();
        json!({
            "MCHT_ORDERNO": "130", "MEMB_TEL": "01012349876", "ORDER_MEMO": "태스트 ",
            "OEG_ORDER_PAY_AMT": 32000, "ORDER_PAY_AMT": 32000, "DISC_AMT": 0, "PREPAY_FLAG": "N",
            "OS_GBN": "", "FLR_CODE": floor, "TBL_CODE": tbl, "REPT_PRT_FLAG": "N", "ORDER_PRT_FLAG": "N",
            "ITEM_LIST": [{"ITEM_SEQ": "0", "ITEM_NAME": "삼겹살 (200g)", "ITEM_ID": "I0201", "SALE_PRICE": 16000,
                           "SALE_AMT": 16000, "ITEM_CNT": 2, "ITEM_MEMO": "", "ITEM_AMT": 16000,
                           "ITEM_USE_FLAG": "N", "ADDITIVE_GROUP_LIST": null}],
            "ORD_PAY_LIST": []
        })
    };
    let (_, v) = sim
        .call("/partner/v1/table/order/new", real("0001-0001"))
        .await;
    assert_eq!(v["RESULT"], "SUCCESS", "{v}");
    // No de-duplication: the same MCHT_ORDERNO at another table is another order.
    let (_, v) = sim
        .call("/partner/v1/table/order/new", real("0001-0002"))
        .await;
    assert_eq!(v["RESULT"], "SUCCESS", "{v}");
    assert_eq!(
        sim.get("/sim/orders").await["orders"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    sim.control("/sim/strict", json!({"on": true})).await;
    let (_, v) = sim
        .call("/partner/v1/table/order/new", real("0001-0003"))
        .await;
    assert_eq!(
        v["ERRCODE"], "E2001",
        "strict: SALE_AMT must be price × count"
    );
    let (_, v) = sim
        .call("/partner/v1/table/order/new", order("0001-0003", "m-3"))
        .await;
    assert_eq!(v["RESULT"], "SUCCESS", "{v}");
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
        .raw("/partner/v1/table", json!({"STORE_ID": ["x"]}).to_string())
        .await;
    assert_eq!(v["ERRCODE"], "E0002");
    let (_, v) = sim
        .call("/partner/v1/table/order", json!({"FLR_CODE": "0001"}))
        .await;
    assert_eq!(v["ERRCODE"], "E0002", "missing TBL_CODE");
    let mut no_items = order("0001-0001", "m-x");
    no_items.as_object_mut().unwrap().remove("ITEM_LIST");
    let (_, v) = sim.call("/partner/v1/table/order/new", no_items).await;
    assert_eq!(v["ERRCODE"], "E2001", "nothing to order");
    let mut junk = order("0001-0001", "m-y");
    junk["ORDER_PAY_AMT"] = json!("삼만이천");
    let (_, v) = sim.call("/partner/v1/table/order/new", junk).await;
    assert_eq!(v["ERRCODE"], "E0002", "an amount that is not a number");
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
    sim.control("/sim/clock", json!({"advanceMs": 30_000}))
        .await;
    let done = &sim.inquiry("0001-0002").await[0];
    assert_eq!(
        (done["ORDER_STATUS"].as_str(), done["SUCCESS_FLAG"].as_str()),
        (Some("SMRO000069"), Some(""))
    );
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

    // Resending the same MCHT_ORDERNO: one order, when dedupe is switched on.
    sim.control("/sim/faults", json!({"dedupeMchtOrderNo": true}))
        .await;
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
async fn an_order_is_committed_even_when_the_caller_hangs_up_before_the_answer() {
    let sim = start(Timing::default()).await;
    sim.control("/sim/faults", json!({"lateAnswerMs": 1_500}))
        .await;
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let mut body = order("0001-0006", "hung-up-1");
    body["STORE_ID"] = json!(STORE.0);
    body["SERVICE_ID"] = json!(STORE.1);
    let sent = impatient
        .post(format!("{}/partner/v1/table/order/new", sim.base))
        .json(&body)
        .send()
        .await;
    assert!(sent.is_err(), "the caller gave up before the answer");
    sim.control("/sim/faults", json!({})).await;
    let orders = sim.get("/sim/orders").await["orders"].clone();
    assert_eq!(
        orders[0]["mchtOrderNo"], "hung-up-1",
        "the order exists: {orders}"
    );

    // Hanging up while the call waits to be handled does not lose it either.
    sim.control("/sim/faults", json!({"latencyMs": 800})).await;
    let mut body = order("0001-0007", "hung-up-2");
    body["STORE_ID"] = json!(STORE.0);
    body["SERVICE_ID"] = json!(STORE.1);
    let _ = impatient
        .post(format!("{}/partner/v1/table/order/new", sim.base))
        .json(&body)
        .send()
        .await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    let orders = sim.get("/sim/orders").await["orders"].clone();
    assert!(
        orders
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["mchtOrderNo"] == "hung-up-2"),
        "{orders}"
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
    other["TABLE_LIST"] =
        json!([{"FLR_CODE": "0001", "TBL_CODE": "0099", "FLR_NAME": "1층", "TBL_NAME": "창가"}]);
    let (status, _) = sim.control("/sim/reset", json!({"fixture": other})).await;
    assert_eq!(status, 200);
    let (_, tables) = sim.call("/partner/v1/table", json!({})).await;
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
