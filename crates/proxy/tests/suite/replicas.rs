//! Two servers sharing one database (PostgreSQL when `TEST_POSTGRES_URL` names one, as
//! `./run test` does; else one SQLite file) and one upstream: what one knows, the other
//! knows, and one clientOrderId is one order whichever of them it reaches, however often.

use crate::common::{assert_error, cash_order, order, Harness};
use serde_json::{json, Value};
use std::time::Duration;

/// Server A with its simulator, and server B on the same database and upstream.
async fn two_replicas() -> (Harness, Harness) {
    two_replicas_with(None).await
}

/// The same, with a staff PIN configured on both.
async fn two_replicas_with(staff_pin: Option<&'static str>) -> (Harness, Harness) {
    crate::common::two_servers(move |c| c.staff_pin = staff_pin.map(String::from)).await
}

async fn pos_orders(h: &Harness) -> Vec<Value> {
    let (_, v) = h.get("/sim/orders").await;
    v["orders"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn one_order_id_is_one_order_whichever_server_it_reaches() {
    let (a, b) = two_replicas().await;
    let path = "/api/v1/stores/demo/tables/0001-0003/orders";
    // The guest's phone retries over a flaky network; the load balancer spreads the tries.
    let body = order("replica-0001", "new", None);
    let tries = (0..12).map(|n| {
        let (server, body) = (if n % 2 == 0 { &a } else { &b }, body.clone());
        async move { server.post(path, body).await }
    });
    let answers = futures_util::future::join_all(tries).await;
    let mut numbers = Vec::new();
    for (status, v) in &answers {
        assert!(
            *status == 202 || v["error"]["code"] == "upstream_unavailable",
            "{status} {v}"
        );
        if *status == 202 {
            numbers.push(v["orderNo"].clone());
        }
    }
    assert!(!numbers.is_empty());
    assert!(numbers.windows(2).all(|w| w[0] == w[1]), "{numbers:?}");
    // Once it has landed, every server gives the same answer.
    tokio::time::sleep(Duration::from_millis(400)).await;
    for server in [&a, &b] {
        let (status, v) = server.post(path, body.clone()).await;
        assert_eq!(status, 202, "{v}");
        assert_eq!(v["orderNo"], numbers[0]);
    }
    assert_eq!(
        pos_orders(&a).await.len(),
        1,
        "exactly one order on the POS"
    );
}

#[tokio::test]
async fn links_sessions_content_and_the_pin_are_shared() {
    let (a, b) = two_replicas().await;
    // A table's link made by one works on the other.
    let token = a.token("demo", "0001-0001").await;
    let (status, _) = b
        .get_with(
            "/api/v1/stores/demo/tables/0001-0001",
            &[("x-table-token", token)],
        )
        .await;
    assert_eq!(status, 200);
    // Signed in on one, signed in on both.
    let cookie = a.session_cookie().await;
    let r = b
        .http
        .put(format!("{}/api/v1/admin/stores/demo/items/I0101", b.base))
        .header("cookie", &cookie)
        .json(&json!({"description": "written on B", "soldOutToday": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // What B saved reaches A's guests within moments.
    let mut seen = false;
    for _ in 0..40 {
        let (_, menu) = a.get("/api/v1/stores/demo/menu").await;
        let item = &menu["categories"][0]["items"][0];
        if item["description"] == "written on B" && item["soldOut"] == true {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "A serves what B saved");
    // A PIN set on A is the PIN on B.
    let r = a
        .http
        .put(format!("{}/api/v1/admin/stores/demo/staff-pin", a.base))
        .header("cookie", &cookie)
        .json(&json!({"pin": "97531024"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let tablet = b.enrol_tablet("counter").await;
    let cash = cash_order("replica-cash-0001", "97531024");
    // Until B has read it, B has no PIN at all (cash is refused as not set up).
    let mut answer = (0, Value::Null);
    for _ in 0..40 {
        answer = b
            .post_with(
                "/api/v1/stores/demo/tables/0001-0002/orders",
                cash.clone(),
                &tablet,
            )
            .await;
        if answer.0 == 202 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, v) = answer;
    assert_eq!(status, 202, "{v}");
}

#[tokio::test]
async fn wrong_pins_on_any_server_lock_the_store_on_all() {
    let (a, b) = two_replicas_with(Some("246813")).await;
    let tablet = a.enrol_tablet("counter").await;
    let pin = a.running.state.config.staff_pin.clone().unwrap();
    // The free tries, spread over both servers: together they are the store's, and the
    // last of them locks it.
    for n in 1..=tableorder_proxy::trust::pin::FREE_TRIES {
        let server = if n % 2 == 0 { &a } else { &b };
        let (status, e) = server
            .post_with(
                &format!("/api/v1/stores/demo/tables/0001-{n:04}/orders"),
                cash_order(&format!("wrong-pin-{n:04}"), "000000"),
                &tablet,
            )
            .await;
        assert_eq!(status, 401, "{e}");
    }
    // Locked on both, even for the right PIN.
    for server in [&a, &b] {
        let (status, e) = server
            .post_with(
                "/api/v1/stores/demo/tables/0001-0007/orders",
                cash_order("right-pin-0001", &pin),
                &tablet,
            )
            .await;
        assert_error(status, &e, 429, "rate_limited");
    }
}
