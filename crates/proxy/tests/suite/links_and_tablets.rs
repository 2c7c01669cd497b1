//! Only guests holding a table's printed link order there and see its party's orders; only
//! the store's enrolled tablets take payment; the staff PIN cannot be guessed.

use crate::common::{
    approval_stamp_now, assert_error, cash_order, error_message, order, start, start_with, Harness,
};
use serde_json::{json, Value};
use std::time::Duration;

const TABLE: &str = "/api/v1/stores/demo/tables/0001-0001";

fn token(value: &str) -> Vec<(&'static str, String)> {
    vec![("x-table-token", value.to_string())]
}

/// Everything a guest can ask of a table, with the given headers: (status, error code).
async fn every_table_call(
    h: &Harness,
    table: &str,
    headers: &[(&str, String)],
) -> Vec<(u16, Value)> {
    let base = format!("/api/v1/stores/demo/tables/{table}");
    vec![
        h.get_with(&base, headers).await,
        h.get_with(&format!("{base}/orders"), headers).await,
        h.post_with(
            &format!("{base}/orders"),
            order(&format!("order-probe-{table}"), "new", None),
            headers,
        )
        .await,
        h.post_with(
            &format!("{base}/staff-calls"),
            json!({"clientCallId": format!("call-probe-{table}"), "reasons": ["S9901"]}),
            headers,
        )
        .await,
    ]
}

#[tokio::test]
async fn without_the_tables_link_a_table_is_as_absent_as_one_that_does_not_exist() {
    let h = start().await;
    let good = h.token("demo", "0001-0001").await;
    let other_tables = h.token("demo", "0001-0002").await;
    let mut altered = good.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let absent = every_table_call(&h, "0009-0099", &token(&good)).await;
    for (status, body) in &absent {
        assert_eq!(
            (*status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
    }
    for headers in [
        vec![],
        token(""),
        token(&altered),
        token(&other_tables),
        token("1.AAAAAAAAAAAAAAAAAAAAAA"),
        vec![("authorization", "Device tab-0000000000.forged".to_string())],
    ] {
        let answers = every_table_call(&h, "0001-0001", &headers).await;
        for (i, (status, body)) in answers.iter().enumerate() {
            let expected = if headers.first().is_some_and(|(n, _)| *n == "authorization") {
                // A tablet whose credential fails is told to enrol again.
                (403, Some("device_required"))
            } else {
                (404, Some("not_found"))
            };
            assert_eq!(
                (*status, body["error"]["code"].as_str()),
                expected,
                "call {i} with {headers:?}"
            );
            if expected.0 == 404 {
                // Word for word what a table that does not exist gets.
                assert_eq!(
                    error_message(body).replace("0001-0001", "T"),
                    error_message(&absent[i].1).replace("0009-0099", "T"),
                );
            }
        }
    }
    assert!(h.pos_orders().await.is_empty(), "nothing reached the POS");
    // The printed link does everything.
    let with_link = token(&good);
    assert_eq!(h.get_with(TABLE, &with_link).await.0, 200);
    let (status, receipt) = h
        .post_with(
            &format!("{TABLE}/orders"),
            order("order-link-0001", "new", None),
            &with_link,
        )
        .await;
    assert_eq!(status, 202, "{receipt}");
    h.wait_for("0001-0001", 3_000, |v| {
        v["orders"][0]["status"] == "accepted"
    })
    .await;
    let (status, call) = h
        .post_with(
            &format!("{TABLE}/staff-calls"),
            json!({"clientCallId": "call-link-0001", "reasons": ["S9901"]}),
            &with_link,
        )
        .await;
    assert_eq!(status, 202, "{call}");
}

#[tokio::test]
async fn rotating_the_key_kills_every_printed_link_and_the_sheet_prints_the_new_ones() {
    let h = start().await;
    let printed = h.token("demo", "0001-0001").await;
    assert_eq!(h.get_with(TABLE, &token(&printed)).await.0, 200);
    let rotate = "/api/v1/admin/stores/demo/link-key";
    assert_eq!(
        h.post_with(rotate, json!({}), &[]).await.0,
        401,
        "owner only"
    );
    let (status, rotated) = h.as_owner(rotate).await;
    assert_eq!(
        (status, rotated["keyId"].as_i64()),
        (200, Some(2)),
        "{rotated}"
    );
    let (status, e) = h.get_with(TABLE, &token(&printed)).await;
    assert_error(status, &e, 404, "not_found");
    let (status, e) = h
        .post_with(
            &format!("{TABLE}/orders"),
            order("order-oldlink-1", "new", None),
            &token(&printed),
        )
        .await;
    assert_eq!(status, 404, "{e}");
    assert!(h.pos_orders().await.is_empty());

    let (status, links) = h
        .owner_get("/api/v1/admin/stores/demo/links?baseUrl=https://order.example.com")
        .await;
    assert_eq!(status, 200);
    let first = &links[0];
    assert_eq!(first["table"], "0001-0001");
    let url = first["url"].as_str().unwrap();
    let fresh = url.split("&t=").nth(1).unwrap();
    assert!(
        fresh.starts_with("2.")
            && url.starts_with("https://order.example.com/?store=demo&table=0001-0001&t="),
        "{url}"
    );
    assert_eq!(h.get_with(TABLE, &token(fresh)).await.0, 200);
    let sheet = h
        .owner_page("/api/v1/admin/stores/demo/qr?baseUrl=https://order.example.com")
        .await;
    assert!(sheet.contains(&format!("t={fresh}")) && !sheet.contains(&format!("t={printed}")));
}

#[tokio::test]
async fn history_shows_the_party_at_the_table_not_the_one_before() {
    let h = start().await;
    let orders = format!("{TABLE}/orders");
    let (status, lunch) = h.post(&orders, order("order-lunch-01", "new", None)).await;
    assert_eq!(status, 202, "{lunch}");
    let on_pos = |v: &Value| v["orders"][0]["status"] == "accepted";
    h.wait_for("0001-0001", 3_000, on_pos).await;
    // Lunch pays at the counter and leaves.
    let no = lunch["orderNo"].as_str().unwrap();
    assert_eq!(
        h.post(&format!("/sim/orders/{no}/pay"), json!({})).await.0,
        200
    );
    let seen = h
        .wait_for("0001-0001", 3_000, |v| v["orders"] == json!([]))
        .await;
    assert_eq!(seen["openOrderNo"], Value::Null);
    // A phone still following the lunch order sees it through, by its id.
    let (_, mine) = h.get(&format!("{orders}?mine=order-lunch-01")).await;
    assert_eq!(mine["orders"][0]["status"], "paid", "{mine}");
    // Dinner sits down and orders: only dinner is shown.
    let (status, _) = h.post(&orders, order("order-dinner-1", "new", None)).await;
    assert_eq!(status, 202);
    let seen = h.wait_for("0001-0001", 3_000, on_pos).await;
    assert_eq!(crate::common::client_order_ids(&seen), ["order-dinner-1"]);
}

/// A card order of one 삼겹살 sent with `headers` to table 0001-0001.
#[tokio::test]
async fn an_approval_held_by_a_refused_order_still_pays_for_it_once_past_the_window() {
    let h = start().await;
    let tablet = h.enrol_tablet("counter").await;
    // Approved just inside the 15 minutes a new order's approval may be old.
    let kst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let nearly = (chrono::Utc::now() - chrono::Duration::minutes(15)
        + chrono::Duration::seconds(3))
    .with_timezone(&kst)
    .format("%Y%m%d%H%M%S")
    .to_string();
    h.post(
        "/sim/refusals",
        json!({"errcode": "E7777", "msg": "포스 점검 중입니다.", "count": 1}),
    )
    .await;
    let (status, e) = pay(&h, &tablet, "order-held-0001", "70000009", &nearly).await;
    assert_error(status, &e, 422, "pos_refused");
    tokio::time::sleep(Duration::from_millis(4_000)).await;
    // Past the window now, but behind this order since its first try: it pays for it.
    let (status, receipt) = pay(&h, &tablet, "order-held-0001", "70000009", &nearly).await;
    assert_eq!(status, 202, "{receipt}");
    // Another order with it is still refused.
    let (status, e) = pay(&h, &tablet, "order-held-0002", "70000009", &nearly).await;
    assert_error(status, &e, 422, "approval_rejected");
    assert_eq!(h.pos_orders().await.len(), 1);
}

async fn pay(
    h: &Harness,
    headers: &[(&str, String)],
    id: &str,
    approval_no: &str,
    approved_at: &str,
) -> (u16, Value) {
    let order = card_order(id, approval_no, approved_at);
    h.post_with(&format!("{TABLE}/orders"), order, headers)
        .await
}

fn card_order(id: &str, approval_no: &str, approved_at: &str) -> Value {
    json!({
        "clientOrderId": id, "kind": "new",
        "lines": [{"itemId": "I0201", "count": 1, "options": []}],
        "payment": {"method": "card", "approvals": [{
            "amount": 16_000, "approvalNo": approval_no, "approvedAt": approved_at,
            "terminalId": "VCAT0001", "cardNoMasked": "5412-****-****-1234",
            "issuer": "BC", "acquirer": "BC", "instalmentMonths": 0
        }]}
    })
}

#[tokio::test]
async fn payment_is_taken_only_from_an_enrolled_tablet_and_an_approval_pays_once() {
    let h = start().await;
    let now = approval_stamp_now();
    phones_cannot_pay(&h, &now).await;
    let (device, tablet) = enrolled_once(&h).await;
    one_approval_pays_one_order(&h, &tablet, &now).await;
    listed_then_revoked_at_once(&h, &device, &tablet, &now).await;
}

async fn phones_cannot_pay(h: &Harness, now: &str) {
    let orders = format!("{TABLE}/orders");
    // A guest's phone, with the table's real link, cannot mark an order paid.
    let (status, e) = h
        .post(&orders, card_order("order-phone-pay", "70000001", now))
        .await;
    assert_error(status, &e, 403, "device_required");
    // Nor say it pays cash.
    let cash = json!({"clientOrderId": "order-phone-cash", "kind": "new",
        "lines": [{"itemId": "I0201", "count": 1}], "payment": {"method": "cash", "staffPin": "000000"}});
    let (status, _) = h.post(&orders, cash).await;
    assert_eq!(status, 403);
    assert!(h.pos_orders().await.is_empty());
}

/// A code from the owner enrols one tablet, once: its record and its credential's header.
async fn enrolled_once(h: &Harness) -> (Value, Vec<(&'static str, String)>) {
    let (status, code) = h
        .as_owner("/api/v1/admin/stores/demo/enrolment-codes")
        .await;
    assert_eq!(status, 201);
    let enrol = |code: &Value, name: &str| {
        h.post_with(
            "/api/v1/stores/demo/devices",
            json!({"code": code, "name": name}),
            &[],
        )
    };
    let (status, e) = enrol(&json!("ZZZZ-ZZZZ"), "guess").await;
    assert_error(status, &e, 403, "device_required");
    let (status, device) = enrol(&code["code"], "counter").await;
    assert_eq!(status, 201, "{device}");
    assert_eq!(
        enrol(&code["code"], "second").await.0,
        403,
        "one tablet per code"
    );
    let tablet = vec![(
        "authorization",
        format!("Device {}", device["credential"].as_str().unwrap()),
    )];
    let (status, me) = h.get_with("/api/v1/stores/demo/devices/me", &tablet).await;
    assert_eq!((status, me["name"].as_str()), (200, Some("counter")));

    (device, tablet)
}

async fn one_approval_pays_one_order(h: &Harness, tablet: &[(&'static str, String)], now: &str) {
    // The tablet needs no table link, and its prepaid order lands.
    let (status, receipt) = pay(h, tablet, "order-tablet-01", "70000001", now).await;
    assert_eq!(status, 202, "{receipt}");
    // The same order sent again is the same order.
    let (status, again) = pay(h, tablet, "order-tablet-01", "70000001", now).await;
    assert_eq!((status, &again["orderNo"]), (202, &receipt["orderNo"]));
    // The same approval behind another order is refused, at any table.
    let (status, e) = h
        .post_with(
            "/api/v1/stores/demo/tables/0001-0002/orders",
            card_order("order-tablet-02", "70000001", now),
            tablet,
        )
        .await;
    assert_error(status, &e, 422, "approval_rejected");
    // An approval from 16 minutes ago is not this order's.
    let kst = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let old = (chrono::Utc::now() - chrono::Duration::minutes(16))
        .with_timezone(&kst)
        .format("%Y%m%d%H%M%S")
        .to_string();
    let (status, e) = pay(h, tablet, "order-tablet-03", "70000003", &old).await;
    assert_error(status, &e, 422, "approval_rejected");
    assert!(error_message(&e).contains("15 minutes"), "{e}");
    assert_eq!(h.pos_orders().await.len(), 1, "one approval, one order");
}

async fn listed_then_revoked_at_once(
    h: &Harness,
    device: &Value,
    tablet: &[(&'static str, String)],
    now: &str,
) {
    // Listed for the owner; revoked, the tablet is refused at once.
    let (status, list) = h.owner_get("/api/v1/admin/stores/demo/devices").await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["deviceId"], device["deviceId"]);
    assert!(list[0]["lastSeenAtMs"].is_i64());
    assert_eq!(
        h.get_with("/api/v1/admin/stores/demo/devices", &[]).await.0,
        401
    );
    let revoke = format!(
        "/api/v1/admin/stores/demo/devices/{}",
        device["deviceId"].as_str().unwrap()
    );
    let r = h
        .http
        .delete(format!("{}{revoke}", h.base))
        .bearer_auth("admin-secret-of-this-test-server")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, e) = pay(h, tablet, "order-tablet-04", "70000004", now).await;
    assert_error(status, &e, 403, "device_required");
    assert_eq!(h.pos_orders().await.len(), 1);
}

#[tokio::test]
async fn wrong_pins_lock_the_whole_store_and_are_counted() {
    let h = start_with(|c| c.staff_pin = Some("482913".into())).await;
    let tablet = h.enrol_tablet("counter").await;
    // Five wrong tries spread over five tables, each a different PIN.
    for table in 1..=5 {
        let (status, e) = h
            .post_with(
                &format!("/api/v1/stores/demo/tables/0001-{table:04}/orders"),
                cash_order(&format!("order-pin-{table:04}"), &format!("00000{table}")),
                &tablet,
            )
            .await;
        assert_error(status, &e, 401, "unauthorized");
    }
    // The store is locked now: even the right PIN at a sixth table waits.
    let (status, e) = h
        .post_with(
            "/api/v1/stores/demo/tables/0001-0006/orders",
            cash_order("order-pin-0006", "482913"),
            &tablet,
        )
        .await;
    assert_error(status, &e, 429, "rate_limited");
    let wait = e["error"]["retryAfterMs"].as_u64().unwrap();
    assert!((20_000..=30_000).contains(&wait), "{wait}");
    assert!(h.pos_orders().await.is_empty());
    let metrics = h.metrics().await;
    assert!(
        metrics.contains("tableorder_staff_pin_failures_total 5"),
        "{metrics}"
    );
    assert!(
        metrics.contains("tableorder_staff_pin_lockouts_total 1"),
        "{metrics}"
    );
    // No PIN tried is a label or a value (a figure such as 0.000001 is not one).
    let words: Vec<&str> = metrics
        .split(|c: char| c.is_whitespace() || "{}\",=".contains(c))
        .collect();
    assert!(
        !words.contains(&"482913") && !words.contains(&"000001"),
        "{metrics}"
    );
}

#[tokio::test]
async fn metrics_can_be_put_behind_a_token() {
    let secret = "metrics-token-of-this-test-server";
    let h = start_with(|c| c.metrics_token = Some(secret.into())).await;
    let url = format!("{}/metrics", h.base);
    assert_eq!(h.http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(
        h.http
            .get(&url)
            .bearer_auth("wrong")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let ok = h.http.get(&url).bearer_auth(secret).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok
        .text()
        .await
        .unwrap()
        .contains("tableorder_http_requests_total"));
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let h = start_with(|c| c.limits.header_read_timeout_ms = 300).await;
    let mut slow = tokio::net::TcpStream::connect(h.running.addr)
        .await
        .unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server hung up");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // A client that does finish is served as ever.
    let (status, _) = h.get("/api/v1/config").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop() {
    let h = start_with(|c| {
        c.limits.trusted_proxies = vec!["127.0.0.1/32".into(), "10.0.0.0/8".into()];
        c.limits.requests_per_minute_per_client = 3;
    })
    .await;
    let ask = |forwarded: &'static str| {
        h.http
            .get(format!("{}/api/v1/config", h.base))
            .header("x-forwarded-for", forwarded)
            .send()
    };
    // What the client writes on the left changes nothing: it is 203.0.113.5 each time.
    for spoof in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
        let forwarded: &'static str =
            Box::leak(format!("{spoof}, 203.0.113.5, 10.1.2.3").into_boxed_str());
        assert_eq!(ask(forwarded).await.unwrap().status(), 200);
    }
    assert_eq!(ask("4.4.4.4, 203.0.113.5").await.unwrap().status(), 429);
    assert_eq!(
        ask("203.0.113.6").await.unwrap().status(),
        200,
        "another client"
    );
    // IPv6 clients are one client per /64.
    for host in ["2001:db8::1", "2001:db8::2", "2001:db8::ffff"] {
        assert_eq!(ask(host).await.unwrap().status(), 200);
    }
    assert_eq!(ask("2001:db8::42").await.unwrap().status(), 429);
    assert_eq!(ask("2001:db8:0:1::1").await.unwrap().status(), 200);
}

/// The boot data the table's page carries, if any.
async fn boot_in_page(h: &Harness, query: String) -> Option<Value> {
    let url = format!("{}/?{query}", h.base);
    let html = h.http.get(url).send().await.unwrap().text().await.unwrap();
    let start = html.find(r#"<script type="application/json" id="tableorder-boot">"#)?;
    let data = &html[start..];
    let data = &data[data.find('>').unwrap() + 1..data.find("</script>").unwrap()];
    assert!(
        !data.contains('<'),
        "nothing in the data can close its element"
    );
    Some(serde_json::from_str(data).unwrap())
}

#[tokio::test]
async fn the_tables_page_carries_its_menu_and_table_so_the_widget_need_not_ask() {
    let h = start().await;
    let page = |query: String| boot_in_page(&h, query);
    let token = h.token("demo", "0001-0002").await;
    let boot = page(format!("store=demo&table=0001-0002&t={token}"))
        .await
        .expect("boot data in the page");
    assert_eq!(boot["store"], "demo");
    assert_eq!(boot["table"]["id"], "0001-0002");
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    assert_eq!(boot["menu"], menu, "the same menu the API gives");
    assert_eq!(boot["config"]["pollIntervalMs"], 500);
    // Without a valid link the table stays out (the widget asks, and is told to scan again).
    let boot = page("store=demo&table=0001-0002&t=1.AAAAAAAAAAAAAAAAAAAAAA".into())
        .await
        .unwrap();
    assert_eq!(boot["table"], Value::Null);
    assert!(boot["menu"]["categories"].is_array());
    // An unknown store, or none: the plain page.
    assert!(page("store=nope&table=0001-0001".into()).await.is_none());
    assert!(page(String::new()).await.is_none());
}

#[tokio::test]
async fn a_valid_table_link_gets_its_first_screen_drawn_by_the_server() {
    let h = start().await;
    let page = |query: String| {
        let url = format!("{}/?{query}", h.base);
        let http = h.http.clone();
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let token = h.token("demo", "0001-0002").await;
    let html = page(format!("store=demo&table=0001-0002&t={token}")).await;
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    let first_item = &menu["categories"][0]["items"][0];
    for drawn in [
        r#"<div id="tableorder" data-tableorder data-lang="ko" aria-busy="true">"#.to_string(),
        format!(
            r#"<h1 class="to-store">{}"#,
            menu["store"]["name"].as_str().unwrap()
        ),
        r#"<p class="to-table">2번 테이블"#.to_string(),
        format!(
            r#"<span class="to-item-name">{}"#,
            first_item["name"].as_str().unwrap()
        ),
        "직원 호출".to_string(),
    ] {
        assert!(html.contains(&drawn), "the page holds {drawn}");
    }
    // Its stylesheet is in it, and the code is fetched once that screen is painted.
    assert!(html.contains("<style>.to-store{font-weight:700}</style>"));
    assert!(!html.contains(r#"rel="stylesheet""#));
    assert!(!html.contains(r#"rel="preload""#));
    assert!(html.contains("first-contentful-paint"));
    // Compiled as it arrives, started in a task of its own.
    assert!(html.contains(
        "const code='/w-0123456789abcdef_bg.wasm',compiled=await WebAssembly.compileStreaming(fetch(code))"
    ));
    assert!(html.contains("const wasm = await init({ module_or_path: compiled })"));
    // In English when the link asks for it, from the `<html>` element down.
    let html = page(format!("store=demo&table=0001-0002&t={token}&lang=en")).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Call staff"));
    // Without `lang`, in the phone's own language when the widget speaks it; the widget's
    // element says which, so the browser takes over in the same one.
    let url = format!("{}/?store=demo&table=0001-0002&t={token}", h.base);
    let accepting = |languages: &'static str| {
        let request = h.http.get(&url).header("accept-language", languages);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let html = accepting("ja-JP,ja;q=0.9,en;q=0.8").await;
    assert!(html.contains(r#"<html lang="ja">"#));
    assert!(html.contains(r#"data-lang="ja""#));
    assert!(html.contains("スタッフ呼出"));
    let html = accepting("fr-FR,fr;q=0.9").await;
    assert!(
        html.contains(r#"<html lang="ko">"#),
        "Korean for a language it does not speak"
    );
    // No valid link: nothing drawn, and the code loads as built.
    let html = page("store=demo&table=0001-0002&t=1.AAAAAAAAAAAAAAAAAAAAAA".into()).await;
    assert!(html.contains(r#"<div id="tableorder" data-tableorder data-lang="ko"></div>"#));
    assert!(html.contains(r#"rel="preload""#));
    assert!(!html.contains("first-contentful-paint"));
}
