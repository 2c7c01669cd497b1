//! Phones at every table polling: one store-wide inquiry per store per poll interval answers
//! them all, orders and their news included; a table the store-wide list cannot answer for
//! (more orders than it keeps per table) is asked on its own, on every host the evidence
//! allows.

use crate::common::*;
use pos_sim::Dialect;
use serde_json::{json, Value};
use std::time::Duration;

const TABLE_INQUIRY: &str = "/partner/v1/table/order";
const STORE_INQUIRY: &str = "/partner/v2/table/order";
/// The test servers' poll interval.
const INTERVAL: Duration = Duration::from_millis(500);

const TABLES: [&str; 16] = [
    "0001-0001",
    "0001-0002",
    "0001-0003",
    "0001-0004",
    "0001-0005",
    "0001-0006",
    "0001-0007",
    "0001-0008",
    "0001-0009",
    "0001-0010",
    "0002-0001",
    "0002-0002",
    "0002-0003",
    "0002-0004",
    "0002-0005",
    "0002-0006",
];

async fn calls(h: &Harness, path: &str) -> u64 {
    h.get("/sim/calls").await.1[path].as_u64().unwrap_or(0)
}

fn orders_at(table: &str) -> String {
    format!("/api/v1/stores/demo/tables/{table}/orders")
}

/// Every phone at every table polls once, all at the same moment.
async fn poll_everywhere(h: &Harness, phones: usize) {
    let mut polls = Vec::new();
    for table in TABLES {
        let token = h.token("demo", table).await;
        for _ in 0..phones {
            let path = orders_at(table);
            let headers = [("x-table-token", token.clone())];
            polls.push(async move { h.get_with(&path, &headers).await });
        }
    }
    for (status, body) in futures_util::future::join_all(polls).await {
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn four_phones_at_sixteen_tables_cost_one_store_inquiry_per_interval() {
    let h = start().await;
    h.post("/sim/reset", json!({})).await;
    for _ in 0..3 {
        poll_everywhere(&h, 4).await;
        tokio::time::sleep(INTERVAL).await;
    }
    assert_eq!(
        calls(&h, TABLE_INQUIRY).await,
        0,
        "no table asked on its own"
    );
    let store = calls(&h, STORE_INQUIRY).await;
    assert!(
        (3..=4).contains(&store),
        "{store} store-wide inquiries for 3 intervals"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_and_its_news_reach_the_phones_through_the_store_wide_inquiry() {
    let h = start().await;
    h.post("/sim/reset", json!({})).await;
    let at = orders_at("0001-0003");
    let (status, receipt) = h.post(&at, order("store-view-0001", "new", None)).await;
    assert_eq!(status, 202, "{receipt}");
    // Shown at once (a send makes what was seen before it stale), then accepted on the POS.
    let (_, seen) = h.get(&format!("{at}?mine=store-view-0001")).await;
    assert_eq!(
        seen["orders"][0]["clientOrderId"], "store-view-0001",
        "{seen}"
    );
    let accepted = h
        .wait_for("0001-0003", 3_000, |v: &Value| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    assert_eq!(accepted["orders"][0]["orderNo"], receipt["orderNo"]);
    let open = accepted["openOrderNo"].as_str().unwrap().to_string();
    // An add names the bill as the store-wide list shows it now.
    let (status, added) = h
        .post(&at, order("store-view-0002", "add", Some(&open)))
        .await;
    assert_eq!(status, 202, "{added}");
    let (_, both) = h.get(&at).await;
    assert_eq!(both["orders"].as_array().unwrap().len(), 2, "{both}");
    // A staff call adds onto the bill as the same view shows it.
    let (status, call) = h
        .call_staff("0001-0003", "store-view-call-01", &["S9901"])
        .await;
    assert_eq!(status, 202, "{call}");
    let calls_on_pos = h.pos_orders().await;
    let call_on_pos = calls_on_pos
        .iter()
        .find(|o| o["staffCall"] == true)
        .unwrap();
    assert_eq!(call_on_pos["kind"], "add", "{calls_on_pos:?}");
    // Staff settle the first order on the POS: the phones see it within an interval.
    h.post(&format!("/sim/orders/{open}/pay"), json!({})).await;
    tokio::time::sleep(INTERVAL).await;
    let (_, after) = h.get(&at).await;
    let first = after["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["orderNo"] == open.as_str());
    assert_eq!(
        first.map(|o| o["status"].clone()),
        Some(json!("paid")),
        "{after}"
    );
    assert_eq!(
        calls(&h, TABLE_INQUIRY).await,
        1,
        "asked on its own once, when its first order came and no table had been listed with \
         more; the store-wide list answered from then on"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_past_what_the_store_wide_list_keeps_is_asked_on_its_own_on_every_host() {
    let h = start().await;
    let tablet = h.enrol_tablet("counter").await;
    for (n, (name, dialect)) in Dialect::variants().into_iter().enumerate() {
        h.post("/sim/reset", json!({})).await;
        h.post("/sim/dialect", serde_json::to_value(&dialect).unwrap())
            .await;
        // A busy table: six prepaid orders, more than any store-wide list keeps per table.
        let busy = TABLES[n];
        let quiet = TABLES[15 - n];
        let ids: Vec<String> = (1..=6).map(|k| format!("busy-{n}-{k:04}")).collect();
        for (k, id) in ids.iter().enumerate() {
            let (status, e) = h
                .post_with(&orders_at(busy), prepaid(id, n * 10 + k), &tablet)
                .await;
            assert_eq!(status, 202, "{name}: {e}");
        }
        // Listed by now on every host (the slowest lists after 0.8 s).
        tokio::time::sleep(Duration::from_millis(900)).await;
        let asked_before = calls(&h, TABLE_INQUIRY).await;
        let (status, quiet_view) = h.get(&orders_at(quiet)).await;
        assert_eq!(status, 200, "{name}: {quiet_view}");
        assert_eq!(quiet_view["orders"], json!([]), "{name}");
        assert_eq!(
            calls(&h, TABLE_INQUIRY).await,
            asked_before,
            "{name}: a quiet table is answered by the store-wide list"
        );
        let path = format!("{}?mine={}", orders_at(busy), ids.join(","));
        let (status, busy_view) = h.get(&path).await;
        assert_eq!(status, 200, "{name}: {busy_view}");
        let listed = busy_view["orders"].as_array().unwrap().len();
        let table_lists = dialect.table_inquiry_limit.min(6);
        assert_eq!(
            listed, table_lists,
            "{name}: every order the table's own inquiry lists, not the store-wide {}: {busy_view}",
            dialect.store_inquiry_per_table
        );
        assert!(
            calls(&h, TABLE_INQUIRY).await > asked_before,
            "{name}: the busy table was asked on its own"
        );
    }
}

/// A prepaid order from the counter's tablet: it stands alone, so many can follow at once.
fn prepaid(id: &str, n: usize) -> Value {
    card_order(id, &format!("7000{n:04}"))
}

/// Store-wide and table inquiries the simulator has answered.
async fn looks(h: &Harness) -> u64 {
    calls(h, STORE_INQUIRY).await + calls(h, TABLE_INQUIRY).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_add_goes_on_the_view_the_phones_share_and_a_bill_closed_since_is_looked_at_again() {
    // A long interval, so that what the phones saw is still current when the guest adds.
    let h = start_with(|c| c.timing.poll_interval_ms = 4_000).await;
    h.post("/sim/reset", json!({})).await;
    let at = orders_at("0001-0005");
    let (status, first) = h.post(&at, order("shared-add-0001", "new", None)).await;
    assert_eq!(status, 202, "{first}");
    let accepted = h
        .wait_for("0001-0005", 10_000, |v: &Value| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    let open = accepted["openOrderNo"].as_str().unwrap().to_string();
    // The add is sent on the view the phones were just shown: no look of its own.
    let before = looks(&h).await;
    let (status, added) = h
        .post(&at, order("shared-add-0002", "add", Some(&open)))
        .await;
    assert_eq!(status, 202, "{added}");
    assert_eq!(
        looks(&h).await,
        before,
        "the add asked the POS nothing first"
    );
    // Its send made that view stale: the phones' next poll looks again and shows it.
    let (_, both) = h.get(&at).await;
    assert_eq!(both["orders"].as_array().unwrap().len(), 2, "{both}");
    assert_eq!(looks(&h).await, before + 1);

    // Staff close the bill on the POS while the phones still see it open. The next add names
    // it, and the POS refuses it: nothing is placed, and the view is asked afresh.
    h.post(&format!("/sim/orders/{open}/pay"), json!({})).await;
    let on_pos = h.pos_orders().await.len();
    let (status, refused) = h
        .post(&at, order("shared-add-0003", "add", Some(&open)))
        .await;
    assert_error(status, &refused, 409, "open_order_mismatch");
    assert_eq!(h.pos_orders().await.len(), on_pos, "nothing placed");
    let (_, after) = h.get(&at).await;
    assert!(after["openOrderNo"].is_null(), "{after}");
}
