//! The public API over real HTTP, against the simulated upstream.

use crate::common::{assert_error, header, order, start};
use serde_json::{json, Value};

#[tokio::test]
async fn config_tells_the_widget_the_upstream_timing() {
    let h = start().await;
    let (status, v) = h.get("/api/v1/config").await;
    assert_eq!(status, 200);
    assert_eq!(v["pollIntervalMs"], 500);
    assert_eq!(
        v["acceptWindowMs"], 1_500,
        "the embedded simulator's window"
    );
    assert!(v["occupiedRetryMs"].as_u64().unwrap() > 0);
    assert!(v["maxOccupiedRetries"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn start_up_fetches_the_stores_base_information_once() {
    let h = start().await;
    // The first call (as the command line's own, for the link it prints) races the warm-up:
    // one of them fetches, the other waits for it.
    h.running.state.catalog.get("demo").await.unwrap();
    let (status, _) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (_, calls) = h.get("/sim/calls").await;
    assert_eq!(calls["/partner/v1/table"], 1, "{calls}");
    assert_eq!(calls["/partner/v1/menu/edit"], 1, "{calls}");
}

#[tokio::test]
async fn menu_comes_from_the_upstream_in_the_public_shape() {
    let h = start().await;
    let (status, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200, "{menu}");
    assert_eq!(menu["store"]["name"], "스마일 한식당 데모점");
    assert_eq!(menu["store"]["open"], true);
    assert_eq!(menu["version"], "20261101090000");
    let cats = menu["categories"].as_array().unwrap();
    assert!(cats.len() >= 5);
    assert_eq!(cats[0]["name"], "식사");
    let kimchi = &cats[0]["items"][0];
    assert_eq!(kimchi["name"], "김치찌개");
    assert_eq!(kimchi["price"], 9000);
    assert_eq!(kimchi["optionGroups"][0]["min"], 1);
    assert_eq!(kimchi["optionGroups"][0]["max"], 1);
    assert!(
        !menu.to_string().contains("비공개"),
        "hidden groups stay hidden"
    );
    assert!(
        !menu.to_string().contains("SV-DEMO"),
        "credentials never reach a browser"
    );
}

#[tokio::test]
async fn tables_are_found_by_floor_and_table_code() {
    let h = start().await;
    let (status, t) = h.get("/api/v1/stores/demo/tables/0002-0003").await;
    assert_eq!(status, 200);
    assert_eq!(
        t,
        json!({"id": "0002-0003", "floor": "2층", "name": "룸 3"})
    );
    for path in [
        "/api/v1/stores/demo/tables/0009-0001",
        "/api/v1/stores/demo/tables/..%2F..%2Fetc",
        "/api/v1/stores/nope/tables/0001-0001",
        "/api/v1/stores/..%2Fdemo/menu",
    ] {
        let (status, v) = h.get(path).await;
        assert_eq!(status, 404, "{path}: {v}");
        assert_eq!(v["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn an_order_is_received_then_accepted_then_added_onto() {
    let h = start().await;
    let path = "/api/v1/stores/demo/tables/0001-0001/orders";
    let (status, empty) = h.get(path).await;
    assert_eq!((status, empty["openOrderNo"].clone()), (200, Value::Null));

    let (status, receipt) = h.post(path, order("order-aaaa-0001", "new", None)).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["clientOrderId"], "order-aaaa-0001");
    assert_eq!(receipt["total"], 32_000);
    let order_no = receipt["orderNo"].as_str().unwrap().to_string();
    assert!(order_no.starts_with("TO"));

    let v = h
        .wait_for("0001-0001", 3_000, |v| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    assert_eq!(v["openOrderNo"], order_no.as_str());
    assert_eq!(v["orders"][0]["clientOrderId"], "order-aaaa-0001");
    assert_eq!(v["orders"][0]["lines"][0]["name"], "삼겹살 (200g)");

    // Another phone was slower: a `new` now is refused, an `add` goes onto the open order.
    let (status, e) = h.post(path, order("order-bbbb-0002", "new", None)).await;
    assert_error(status, &e, 409, "table_has_open_order");
    let (status, added) = h
        .post(path, order("order-bbbb-0002", "add", Some(&order_no)))
        .await;
    assert_eq!(status, 202, "{added}");
    let (status, e) = h
        .post(path, order("order-cccc-0003", "add", Some("TO000")))
        .await;
    assert_error(status, &e, 409, "open_order_mismatch");
}

#[tokio::test]
async fn the_widget_is_served_and_never_cached_stale() {
    let h = start().await;
    let r = h.fetch("/?store=demo&table=0001-0001").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(header(&r, "content-security-policy").contains("wasm-unsafe-eval"));
    assert!(r.text().await.unwrap().contains("widget"));
    let (status, _) = h.get("/healthz").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn admin_refresh_needs_the_token_and_picks_up_menu_changes() {
    let h = start().await;
    let path = "/api/v1/admin/stores/demo/refresh";
    let (status, v) = h.post(path, json!({})).await;
    assert_error(status, &v, 401, "unauthorized");
    let wrong = h.post_bearing(path, "nope").await;
    assert_eq!(wrong.status(), 401);

    h.post("/sim/items/I0101/sold-out", json!({"on": true}))
        .await;
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(
        menu["categories"][0]["items"][0]["soldOut"], false,
        "cached until refreshed"
    );
    let ok = h
        .post_bearing(path, "admin-secret-of-this-test-server")
        .await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert!(body["items"].as_u64().unwrap() >= 30);
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(menu["categories"][0]["items"][0]["soldOut"], true);
}
