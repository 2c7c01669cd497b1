//! What only the server can promise: repricing, one order per clientOrderId, one upstream
//! inquiry per table per interval, the last good menu when the upstream is down, limits,
//! and plain errors for hostile input.

use crate::common::{assert_error, header, order, start, start_with};
use serde_json::{json, Value};

const ORDERS: &str = "/api/v1/stores/demo/tables/0001-0001/orders";

#[tokio::test]
async fn prices_come_from_the_menu_never_from_the_request() {
    let h = start().await;
    let mut tampered = order("order-tamper-01", "new", None);
    tampered["lines"][0]["price"] = json!(1);
    let (status, e) = h.post(ORDERS, tampered).await;
    assert_error(status, &e, 422, "invalid_request");
    let mut tampered = order("order-tamper-02", "new", None);
    tampered["total"] = json!(100);
    assert_eq!(h.post(ORDERS, tampered).await.0, 422);

    let with_options = json!({
        "clientOrderId": "order-options-01", "kind": "new",
        "lines": [{"itemId": "I0101", "count": 2, "options": [
            {"groupId": "R01", "optionId": "A0104", "count": 1},
            {"groupId": "R02", "optionId": "A0201", "count": 1}]}]
    });
    let (status, receipt) = h.post(ORDERS, with_options).await;
    assert_eq!(status, 202, "{receipt}");
    assert_eq!(receipt["total"], 2 * (9_000 + 500 + 2_000));
    let pos = h.pos_orders().await;
    assert_eq!(
        pos[0]["amount"], "23000",
        "what reaches the POS is the menu's price"
    );
}

#[tokio::test]
async fn the_same_client_order_id_is_one_order_sequentially_and_concurrently() {
    let h = start().await;
    // An upstream that does not dedupe: only the proxy stands between a resend and a double order.
    h.post(
        "/sim/faults",
        json!({"dedupeMchtOrderNo": false, "latencyMs": 200}),
    )
    .await;
    let first = h.new_order("0001-0001", "order-same-0001").await;
    let again = h.new_order("0001-0001", "order-same-0001").await;
    assert_eq!((first.0, again.0), (202, 202));
    assert_eq!(first.1["orderNo"], again.1["orderNo"]);

    let sends = (0..10).map(|_| h.new_order("0001-0002", "order-race-0001"));
    let answers = futures_join_all(sends).await;
    let numbers: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, 202, "{v}");
            v["orderNo"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(numbers.len(), 1, "ten concurrent sends, one order");
    assert_eq!(h.pos_orders().await.len(), 2);

    let (status, e) = h.new_order("0001-0003", "order-same-0001").await;
    // one id, one table
    assert_error(status, &e, 422, "invalid_request");
    let metrics = h.metrics().await;
    assert!(
        metrics.contains("tableorder_idempotent_replays_total 10"),
        "{metrics}"
    );
    // Every claim's wait for the disk is timed: at least the two orders placed here.
    let claims: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("tableorder_order_claim_seconds_count "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(claims >= 2, "{metrics}");
}

async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.collect();
    let mut out = Vec::new();
    // Start them all before awaiting any.
    let pinned: Vec<_> = handles.into_iter().map(Box::pin).collect();
    let mut set = pinned;
    while !set.is_empty() {
        let (result, _, rest) = select_all(set).await;
        out.push(result);
        set = rest;
    }
    out
}

use futures_util::future::select_all;

#[tokio::test]
async fn a_lost_answer_is_found_in_the_inquiry_not_ordered_again() {
    let h = start().await;
    h.post(
        "/sim/faults",
        json!({"dedupeMchtOrderNo": false, "dropAfterCommitRate": 1.0}),
    )
    .await;
    let (status, e) = h.new_order("0001-0001", "order-lost-0001").await;
    assert!(
        status == 202 || status == 502 || status == 504,
        "{status} {e}"
    );
    h.post("/sim/faults", json!({"dedupeMchtOrderNo": false}))
        .await;
    let (status, receipt) = h.new_order("0001-0001", "order-lost-0001").await;
    assert_eq!(status, 202, "{receipt}");
    let pos = h.pos_orders().await;
    assert_eq!(
        pos.len(),
        1,
        "the committed order was found, not sent twice: {pos:?}"
    );
    assert_eq!(receipt["orderNo"], pos[0]["orderNo"]);
}

#[tokio::test]
async fn twenty_phones_polling_one_table_cost_one_upstream_inquiry() {
    let h = start().await;
    h.post("/sim/reset", json!({})).await;
    let polls = (0..20).map(|_| h.get("/api/v1/stores/demo/tables/0001-0004/orders"));
    for (status, _) in futures_join_all(polls).await {
        assert_eq!(status, 200);
    }
    let inquiries = |calls: &Value| {
        calls["/partner/v1/table/order"].as_u64().unwrap_or(0)
            + calls["/partner/v2/table/order"].as_u64().unwrap_or(0)
    };
    let calls = h.get("/sim/calls").await.1;
    assert_eq!(inquiries(&calls), 1, "{calls}");
    // After the interval, the next poll asks again.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    h.get("/api/v1/stores/demo/tables/0001-0004/orders").await;
    assert_eq!(inquiries(&h.get("/sim/calls").await.1), 2);
}

#[tokio::test]
async fn when_the_upstream_is_down_the_last_good_menu_is_served_and_orders_fail_retryably() {
    // A 1 s upstream timeout: an order in doubt is settled 2 s after it was sent.
    let h = start_with(|c| c.limits.upstream_timeout_ms = 1_000).await;
    assert_eq!(h.get("/api/v1/stores/demo/menu").await.0, 200);
    h.post("/sim/faults", json!({"errorRate": 1.0})).await;
    let refresh = h
        .post_bearing(
            "/api/v1/admin/stores/demo/refresh",
            "admin-secret-of-this-test-server",
        )
        .await;
    assert_eq!(refresh.status(), 200);
    assert_eq!(refresh.json::<Value>().await.unwrap()["stale"], true);
    let (status, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!((status, menu["stale"].as_bool()), (200, Some(true)));
    assert!(menu["categories"].as_array().unwrap().len() >= 5);

    let (status, e) = h.new_order("0001-0001", "order-down-0001").await;
    assert_error(status, &e, 502, "upstream_unavailable");
    let (status, _) = h.get(ORDERS).await;
    assert_eq!(status, 502);

    h.post("/sim/faults", json!({})).await;
    // A server error may hide a send still under way behind a gateway: not resent yet.
    let (status, e) = h.new_order("0001-0001", "order-down-0001").await;
    assert_error(status, &e, 502, "upstream_unavailable");
    assert!(h.pos_orders().await.is_empty());
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let (status, _) = h.new_order("0001-0001", "order-down-0001").await;
    assert_eq!(
        status, 202,
        "the same order goes through once the earlier attempt is settled as never arrived"
    );
    assert_eq!(h.pos_orders().await.len(), 1);
}

#[tokio::test]
async fn a_slow_upstream_is_a_gateway_timeout() {
    let h = start_with(|c| c.limits.upstream_timeout_ms = 300).await;
    h.get("/api/v1/stores/demo/menu").await;
    h.post("/sim/faults", json!({"latencyMs": 1_000})).await;
    let (status, e) = h.get(ORDERS).await;
    assert_error(status, &e, 504, "upstream_unavailable");
}

#[tokio::test]
async fn every_order_error_code_the_guest_can_meet() {
    let h = start().await;
    let post = |table: &'static str, body: Value| {
        let path = format!("/api/v1/stores/demo/tables/{table}/orders");
        let h = &h;
        async move { h.post(&path, body).await }
    };
    let code = |r: &(u16, Value)| {
        (
            r.0,
            r.1["error"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };

    let missing_option = json!({"clientOrderId": "order-err-0001", "kind": "new", "lines": [{"itemId": "I0102", "count": 1}]});
    assert_eq!(
        code(&post("0001-0001", missing_option).await),
        (422, "bad_options".into())
    );
    let unknown = json!({"clientOrderId": "order-err-0002", "kind": "new", "lines": [{"itemId": "I9999", "count": 1}]});
    assert_eq!(
        code(&post("0001-0001", unknown).await),
        (422, "unknown_item".into())
    );
    let sold_out = json!({"clientOrderId": "order-err-0003", "kind": "new", "lines": [{"itemId": "I0108", "count": 1}]});
    assert_eq!(
        code(&post("0001-0001", sold_out).await),
        (422, "sold_out".into())
    );

    h.post("/sim/tables/0001-0005/occupy", json!({"on": true}))
        .await;
    let occupied = post("0001-0005", order("order-err-0004", "new", None)).await;
    assert_eq!(code(&occupied), (409, "table_occupied".into()));
    assert!(occupied.1["error"]["retryAfterMs"].as_u64().unwrap() > 0);

    h.post("/sim/business", json!({"open": false})).await;
    assert_eq!(
        code(&post("0001-0006", order("order-err-0005", "new", None)).await),
        (503, "store_closed".into())
    );
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(menu["store"]["open"], false, "the menu says so too");
}

#[tokio::test]
async fn hostile_input_gets_a_4xx_and_the_service_keeps_serving() {
    let h = start().await;
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("malformed", b"{\"clientOrderId\": ".to_vec(), 422),
        ("wrong types", br#"{"clientOrderId": 5, "kind": "new", "lines": []}"#.to_vec(), 422),
        ("unknown kind", br#"{"clientOrderId": "order-h-0001", "kind": "both", "lines": []}"#.to_vec(), 422),
        ("huge count", br#"{"clientOrderId": "order-h-0002", "kind": "new", "lines": [{"itemId": "I0201", "count": 100000000000000000000}]}"#.to_vec(), 422),
        ("negative count", br#"{"clientOrderId": "order-h-0003", "kind": "new", "lines": [{"itemId": "I0201", "count": -1}]}"#.to_vec(), 422),
        ("count 100", br#"{"clientOrderId": "order-h-0004", "kind": "new", "lines": [{"itemId": "I0201", "count": 100}]}"#.to_vec(), 422),
        ("no lines", br#"{"clientOrderId": "order-h-0005", "kind": "new", "lines": []}"#.to_vec(), 422),
        ("control characters", "{\"clientOrderId\": \"order-h-0006\", \"kind\": \"new\", \"memo\": \"a\\u0000b\", \"lines\": [{\"itemId\": \"I0201\", \"count\": 1}]}".as_bytes().to_vec(), 422),
        ("odd id", "{\"clientOrderId\": \"주문\\u202e0007\", \"kind\": \"new\", \"lines\": [{\"itemId\": \"I0201\", \"count\": 1}]}".as_bytes().to_vec(), 422),
        ("1 MiB", {
            let mut b = br#"{"clientOrderId": "order-h-0008", "kind": "new", "memo": ""#.to_vec();
            b.extend(std::iter::repeat_n(b'x', 1 << 20));
            b.extend(br#"", "lines": []}"#);
            b
        }, 413),
    ];
    for (what, body, expected) in cases {
        let (status, v) = h.post_raw(ORDERS, body).await;
        assert_eq!(status, expected, "{what}: {v}");
        assert!(
            v["error"]["code"].is_string(),
            "{what}: the documented error shape: {v}"
        );
    }
    // Emoji and Hangul in a memo are just text.
    let mut friendly = order("order-h-0009", "new", None);
    friendly["memo"] = json!("생일이에요 🎂 초 하나 주세요");
    assert_eq!(h.post(ORDERS, friendly).await.0, 202);

    for path in [
        "/api/v1/stores/demo/tables/..%2F..%2F..%2Fetc%2Fpasswd/orders",
        "/api/v1/stores/%2E%2E/menu",
        "/api/v1/stores/demo/tables/0001-0001%00/orders",
        "/api/v1/stores/DEMO/menu",
        "/../../etc/passwd",
    ] {
        let (status, _) = h.get(path).await;
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(
        h.get("/api/v1/stores/demo/menu").await.0,
        200,
        "still serving"
    );
}

#[tokio::test]
async fn a_client_sending_too_fast_is_told_when_to_come_back() {
    let h = start_with(|c| c.limits.requests_per_minute_per_client = 5).await;
    for _ in 0..5 {
        assert_eq!(h.get("/api/v1/config").await.0, 200);
    }
    let (status, e) = h.get("/api/v1/config").await;
    assert_error(status, &e, 429, "rate_limited");
    assert!(e["error"]["retryAfterMs"].as_u64().unwrap() > 0);
    assert_eq!(
        h.get("/healthz").await.0,
        200,
        "health checks are not limited"
    );
}

#[tokio::test]
async fn a_table_is_limited_in_how_many_orders_it_sends() {
    let h = start_with(|c| c.limits.orders_per_minute_per_table = 2).await;
    for i in 0..2 {
        h.new_order("0001-0001", &format!("order-rate-{i:04}"))
            .await;
    }
    let (status, _) = h.new_order("0001-0001", "order-rate-0009").await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn the_api_is_described_as_openapi_generated_from_the_code() {
    let h = start().await;
    let (status, doc) = h.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/config",
        "/api/v1/stores/{store}/menu",
        "/api/v1/stores/{store}/tables/{table}",
        "/api/v1/stores/{store}/tables/{table}/orders",
        "/api/v1/admin/stores/{store}/refresh",
        "/api/v1/admin/session",
        "/api/v1/admin/stores/{store}/items/{item}/photo",
        "/api/v1/admin/stores/{store}/orders",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(
        doc["paths"]["/api/v1/stores/{store}/tables/{table}/orders"]["post"]["responses"]["202"]
            .is_object()
    );
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas["OrderRequest"]["properties"]["clientOrderId"].is_object(),
        "camelCase as on the wire"
    );
    assert!(schemas["ErrorCode"].to_string().contains("table_occupied"));
    assert!(
        schemas["Item"]["properties"]["texts"].is_object(),
        "the store's own texts"
    );
    assert!(!doc.to_string().contains("SV-DEMO"));
}

#[tokio::test]
async fn metrics_count_requests_upstream_calls_and_coalescing() {
    let h = start().await;
    h.get(ORDERS).await;
    h.get(ORDERS).await;
    let text = h.metrics().await;
    assert!(text.contains("# TYPE tableorder_http_requests counter"));
    assert!(text.contains("tableorder_http_requests_total "));
    assert!(text.ends_with("# EOF\n"), "OpenMetrics text: {text}");
    assert!(
        text.contains("tableorder_upstream_calls_total{op=\"store_orders\",outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("tableorder_inquiries_coalesced_total 1"),
        "{text}"
    );
    assert!(
        text.contains("\ntableorder_upstream_entries_skipped_total "),
        "{text}"
    );
}

#[tokio::test]
async fn responses_are_compressed_and_carry_security_headers() {
    let h = start().await;
    let r = h
        .http
        .get(format!("{}/api/v1/stores/demo/menu", h.base))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn only_listed_partner_origins_may_call_from_a_browser() {
    let h = start_with(|c| c.allowed_origins = vec!["https://partner.example".into()]).await;
    let ask = |origin: &'static str| {
        h.http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/stores/demo/menu", h.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
    };
    let allowed = ask("https://partner.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://partner.example"
    );
    let other = ask("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_cheap_menu_check_picks_up_a_change_on_the_pos() {
    let h = start().await;
    let (_, before) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(before["categories"][0]["items"][0]["soldOut"], false);
    let count = |calls: &Value, path: &str| calls[path].as_u64().unwrap_or(0);
    let calls = h.get("/sim/calls").await.1;
    let (state0, menu0) = (
        count(&calls, "/partner/v1/menu/state"),
        count(&calls, "/partner/v1/menu/edit"),
    );
    // Nothing changed: one cheap question, no menu fetched.
    h.running.state.catalog.check("demo").await.unwrap();
    let calls = h.get("/sim/calls").await.1;
    assert_eq!(count(&calls, "/partner/v1/menu/state"), state0 + 1);
    assert_eq!(count(&calls, "/partner/v1/menu/edit"), menu0);

    h.post("/sim/items/I0101/sold-out", json!({"on": true}))
        .await;
    h.running.state.catalog.check("demo").await.unwrap();
    let (_, after) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(after["categories"][0]["items"][0]["soldOut"], true);
    assert_ne!(after["version"], before["version"]);
    assert_eq!(
        after["version"].as_str().unwrap().len(),
        14,
        "kept as the real client keeps it"
    );
    let calls = h.get("/sim/calls").await.1;
    assert_eq!(count(&calls, "/partner/v1/menu/state"), state0 + 2);
    assert_eq!(
        count(&calls, "/partner/v1/menu/edit"),
        menu0 + 1,
        "fetched because UPDATE_YN said Y"
    );
}

#[tokio::test]
async fn an_order_is_priced_against_the_menu_the_pos_has_now() {
    let h = start().await;
    h.get("/api/v1/stores/demo/menu").await;
    // The POS marks 삼겹살 sold out; nothing has refreshed the cached menu since.
    h.post("/sim/items/I0201/sold-out", json!({"on": true}))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let (status, e) = h.new_order("0001-0001", "order-stale-menu-1").await;
    // asked the POS first, and priced against its menu
    assert_error(status, &e, 422, "sold_out");
    assert!(h.pos_orders().await.is_empty(), "nothing reached the POS");
}

#[tokio::test]
async fn the_menu_is_sent_as_prepared_once_with_an_etag_and_in_the_encoding_asked_for() {
    use std::io::Read;
    let h = start().await;
    let url = format!("{}/api/v1/stores/demo/menu", h.base);
    let get = |encoding: &'static str| h.http.get(&url).header("accept-encoding", encoding).send();
    let plain = get("identity").await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let etag = header(&plain, "etag").to_string();
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let json = plain.bytes().await.unwrap().to_vec();
    let gz = get("gzip, deflate").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, json);
    let br = get("gzip, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&br.bytes().await.unwrap()[..], 4096)
        .read_to_end(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, json);
    assert_eq!(
        get("br;q=0, gzip").await.unwrap().headers()["content-encoding"],
        "gzip"
    );
    let revalidate = || h.http.get(&url).header("if-none-match", &etag).send();
    // A copy that is still current costs no body.
    let again = revalidate().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    // Once the menu changes, the old ETag gets the new menu.
    h.post("/sim/items/I0101/sold-out", json!({"on": true}))
        .await;
    h.refresh().await;
    let changed = revalidate().await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(header(&changed, "etag"), etag);
}

#[tokio::test]
async fn the_builds_precompressed_copies_are_sent_and_hashed_files_cached_for_good() {
    let h = start().await;
    let dist = h.running.state.config.dist.clone().unwrap();
    let name = "tableorder-widget-0123456789abcdef.js";
    std::fs::write(dist.join(name), "console.log('plain')").unwrap();
    std::fs::write(dist.join(format!("{name}.br")), "BROTLI COPY").unwrap();
    std::fs::write(dist.join(format!("{name}.gz")), "GZIP COPY").unwrap();
    let get = |encoding: &'static str| {
        h.http
            .get(format!("{}/{name}", h.base))
            .header("accept-encoding", encoding)
            .send()
    };
    let br = get("br, gzip").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        br.text().await.unwrap(),
        "BROTLI COPY",
        "sent as made, not again"
    );
    let gz = get("gzip").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.text().await.unwrap(), "GZIP COPY");
    assert_eq!(
        get("identity").await.unwrap().text().await.unwrap(),
        "console.log('plain')"
    );
}
