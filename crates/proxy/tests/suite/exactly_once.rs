//! One tap is one order, against an upstream that commits whatever it receives and never
//! de-duplicates: through hang-ups, late answers, concurrent resends, a different order
//! under the same id, and a restart with an order in doubt.

use crate::common::{assert_error, order, start_with, Harness, TempDir};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tableorder_proxy::config::{Config, StoreConfig};
use tableorder_proxy::server;

const ORDERS: &str = "/api/v1/stores/demo/tables/0001-0001/orders";

fn impatient() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_phone_that_hangs_up_does_not_duplicate_its_order() {
    let h = start_with(|_| {}).await;
    // The upstream takes 1.5 s to answer, after it has committed the order.
    h.post("/sim/faults", json!({"lateAnswerMs": 1_500})).await;
    let gave_up = impatient()
        .post(format!("{}{ORDERS}", h.base))
        .header("x-table-token", h.token("demo", "0001-0001").await)
        .json(&order("order-hangup-01", "new", None))
        .send()
        .await;
    assert!(gave_up.is_err(), "the phone gave up before the answer");
    // It sends again at once: the send under way is joined, not repeated.
    let (status, receipt) = h.new_order("0001-0001", "order-hangup-01").await;
    assert_eq!(status, 202, "{receipt}");
    // And once more, later: answered from the record.
    let (status, again) = h.new_order("0001-0001", "order-hangup-01").await;
    assert_eq!((status, &again["orderNo"]), (202, &receipt["orderNo"]));
    assert_eq!(h.pos_orders().await.len(), 1, "one tap, one order");
}

#[tokio::test]
async fn a_request_that_times_out_still_records_what_was_sent() {
    // The proxy's own request timeout (500 ms) cuts the phone off; the send goes on.
    let h = start_with(|c| c.limits.request_timeout_ms = 500).await;
    h.post("/sim/faults", json!({"lateAnswerMs": 1_200})).await;
    let (status, _) = h.new_order("0001-0001", "order-timeout-01").await;
    assert_eq!(status, 504);
    h.post("/sim/faults", json!({})).await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let (status, receipt) = h.new_order("0001-0001", "order-timeout-01").await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(h.pos_orders().await.len(), 1);
}

#[tokio::test]
async fn the_same_id_with_another_order_is_refused_and_never_sent() {
    let h = start_with(|_| {}).await;
    let (status, _) = h.new_order("0001-0001", "order-conflict-1").await;
    assert_eq!(status, 202);
    let mut other = order("order-conflict-1", "new", None);
    other["lines"][0]["count"] = json!(5);
    let (status, e) = h.post(ORDERS, other).await;
    assert_error(status, &e, 409, "idempotency_conflict");
    assert_eq!(h.pos_orders().await.len(), 1);
}

#[tokio::test]
async fn a_replay_is_answered_before_rate_limits_and_repricing() {
    let h = start_with(|c| c.limits.orders_per_minute_per_table = 1).await;
    let (status, first) = h.new_order("0001-0001", "order-limit-0001").await;
    assert_eq!(status, 202, "{first}");
    // The menu changes (the item is sold out) and the table's allowance is used up: the
    // replay is still the first answer.
    h.post("/sim/items/I0201/sold-out", json!({"on": true}))
        .await;
    let (status, again) = h.new_order("0001-0001", "order-limit-0001").await;
    assert_eq!((status, &again["orderNo"]), (202, &first["orderNo"]));
    let (status, e) = h.new_order("0001-0001", "order-limit-0002").await;
    assert_error(status, &e, 429, "rate_limited");
}

/// A proxy on a simulator that outlives it, so the proxy can be stopped and started again.
async fn proxy_on(sim: &str, data: &std::path::Path, dist: &std::path::Path) -> Harness {
    let mut config = Config::load(None, std::iter::empty()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.dist = Some(dist.to_path_buf());
    config.data_dir = data.to_path_buf();
    config.upstream.url = Some(sim.to_string());
    config.stores.clear();
    config.stores.insert(
        "demo".into(),
        StoreConfig {
            store_id: "S0000001".into(),
            service_id: "SV-DEMO-0001".into(),
            name: "데모".into(),
            ..StoreConfig::default()
        },
    );
    config.timing.poll_interval_ms = 500;
    config.limits.upstream_timeout_ms = 500;
    config.admin_token = Some("admin-secret-of-this-test-server".into());
    let running = server::start(config, std::future::pending()).await.unwrap();
    let dist_copy = std::env::temp_dir().join(format!(
        "tableorder-exactly-once-unused-{}-{}",
        std::process::id(),
        running.addr.port()
    ));
    Harness {
        base: format!("http://{}", running.addr),
        http: reqwest::Client::new(),
        running,
        _dist: TempDir(dist_copy),
    }
}

/// A simulator that outlives the proxies started on it, and a data directory for them.
struct World {
    dir: TempDir,
    sim: Arc<pos_sim::Sim>,
    sim_url: String,
}

impl World {
    async fn new(name: &str) -> World {
        let dir =
            TempDir(std::env::temp_dir().join(format!("tableorder-{name}-{}", std::process::id())));
        std::fs::create_dir_all(dir.0.join("dist")).unwrap();
        let (addr, sim) = pos_sim::spawn(pos_sim::Fixture::demo(), pos_sim::Timing::default())
            .await
            .unwrap();
        World {
            dir,
            sim,
            sim_url: format!("http://{addr}"),
        }
    }

    /// A proxy on this world, its menu loaded.
    async fn proxy(&self) -> Harness {
        let h = proxy_on(
            &self.sim_url,
            &self.dir.0.join("data"),
            &self.dir.0.join("dist"),
        )
        .await;
        assert_eq!(h.get("/api/v1/stores/demo/menu").await.0, 200);
        h
    }

    fn faults(&self, faults: pos_sim::Faults) {
        self.sim.set_faults(faults);
    }
}

fn on_pos(sim: &Arc<pos_sim::Sim>) -> usize {
    let now = sim.clock.now();
    sim.pos().all_orders(now).len()
}

#[tokio::test]
async fn a_restarted_server_looks_for_an_order_in_doubt_and_never_sends_it_again() {
    let w = World::new("restart").await;
    let first = w.proxy().await;
    // The upstream takes 1.5 s to even look at the order; the proxy waits 0.5 s for it.
    w.faults(pos_sim::Faults {
        latency_ms: 1_500,
        ..Default::default()
    });
    let (status, e) = first.new_order("0001-0001", "order-restart-1").await;
    assert_error(status, &e, 504, "upstream_unavailable");
    // Calls from now on are answered at once; the order already on its way lands at 1.5 s.
    w.faults(pos_sim::Faults::default());
    // The server stops, with the order in doubt.
    first.running.task.abort();
    drop(first);
    let second = w.proxy().await;
    // Before the upstream has it: still in doubt, so nothing is sent.
    let (status, e) = second.new_order("0001-0001", "order-restart-1").await;
    assert_error(status, &e, 502, "upstream_unavailable");
    assert_eq!(on_pos(&w.sim), 0);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    // Now it has landed: the restarted server finds it on the table.
    let (status, receipt) = second.new_order("0001-0001", "order-restart-1").await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(on_pos(&w.sim), 1, "found, not sent again");
    let found: Value = receipt;
    assert!(found["orderNo"].as_str().unwrap().starts_with("TO"));
}

#[tokio::test]
async fn an_order_in_doubt_that_never_arrived_is_sent_once_it_is_certain() {
    let w = World::new("never-arrived").await;
    let first = w.proxy().await;
    // Server errors for every call: the order's fate is unknown to the proxy.
    w.faults(pos_sim::Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    let (status, _) = first.new_order("0001-0001", "order-never-01").await;
    assert_eq!(status, 502);
    assert_eq!(
        w.sim.calls()["/partner/v1/table/order/new"],
        1,
        "it was sent"
    );
    first.running.task.abort();
    drop(first);
    w.faults(pos_sim::Faults::default());
    let second = w.proxy().await;
    let (status, _) = second.new_order("0001-0001", "order-never-01").await;
    assert_eq!(status, 502, "too soon to be sure");
    assert_eq!(on_pos(&w.sim), 0);
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let (status, receipt) = second.new_order("0001-0001", "order-never-01").await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(on_pos(&w.sim), 1);
}

/// A prepaid order from the counter's tablet, with an approval of its own.
fn paid(n: u32) -> Value {
    crate::common::card_order(&format!("order-other-{n:04}"), &format!("8000{n:04}"))
}

#[tokio::test]
async fn an_order_in_doubt_at_a_busy_table_is_settled_against_the_order_before_it() {
    let w = World::new("busy-doubt").await;
    let first = w.proxy().await;
    let tablet = first.enrol_tablet("counter").await;
    // Eleven orders in a row fill the table's list past what it shows.
    for n in 1..=11 {
        let (status, e) = first.post_with(ORDERS, paid(n), &tablet).await;
        assert_eq!(status, 202, "{e}");
    }
    let calls = w.sim.calls();
    let inquiries = |path: &str| calls.get(path).copied().unwrap_or(0);
    assert_eq!(
        inquiries("/partner/v1/table/order") + inquiries("/partner/v2/table/order"),
        1,
        "the table is looked at before its first order only: each receipt is the next anchor"
    );
    // The twelfth is sent into server errors: its fate is unknown, and the server stops.
    w.faults(pos_sim::Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    let twelfth = paid(12);
    let (status, _) = first.post_with(ORDERS, twelfth.clone(), &tablet).await;
    assert_eq!(status, 502);
    first.running.task.abort();
    drop(first);
    w.faults(pos_sim::Faults::default());
    let second = w.proxy().await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    // The list still holds the eleventh, so the twelfth's absence is proof: sent once.
    let (status, receipt) = second.post_with(ORDERS, twelfth, &tablet).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(on_pos(&w.sim), 12);
}

#[tokio::test]
async fn an_order_pushed_off_a_busy_tables_list_is_reported_unseen_not_absent() {
    let h = start_with(|_| {}).await;
    let (status, ours) = h.new_order("0001-0001", "order-busy-0001").await;
    assert_eq!(status, 202, "{ours}");
    let mine = format!("{ORDERS}?mine=order-busy-0001");
    let listed = |v: &Value| {
        v["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["clientOrderId"] == "order-busy-0001")
    };
    // Others at the table order from the counter's tablet, one after another.
    let tablet = h.enrol_tablet("counter").await;
    for n in 1..=9 {
        let (status, e) = h.post_with(ORDERS, paid(n), &tablet).await;
        assert_eq!(status, 202, "{e}");
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (_, seen) = h.get(&mine).await;
    assert!(listed(&seen), "ten on the list: ours is the oldest");
    assert!(seen.get("unseen").is_none(), "{seen}");
    let (status, e) = h.post_with(ORDERS, paid(10), &tablet).await;
    assert_eq!(status, 202, "{e}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (_, seen) = h.get(&mine).await;
    assert!(!listed(&seen), "pushed off the end of the list");
    assert_eq!(seen["unseen"], json!(["order-busy-0001"]), "{seen}");
    // Someone else's order is never reported as unseen, and an id never sent is absent.
    let (_, seen) = h.get(&format!("{ORDERS}?mine=order-never-0001")).await;
    assert!(seen.get("unseen").is_none(), "{seen}");
    // The same order sent again is still the one order.
    let (status, again) = h.new_order("0001-0001", "order-busy-0001").await;
    assert_eq!((status, &again["orderNo"]), (202, &ours["orderNo"]));
    assert_eq!(h.pos_orders().await.len(), 11);
}
