//! Trust tried again as an attacker with one photographed sticker, a stolen tablet or a
//! script, over real HTTP: one table's link renewed alone, enrolment limited per caller,
//! tablets that expire, stand at one table and have a ceiling, PINs counted before they are
//! compared, sessions that end with the token, the owner's changes that a form on another
//! site cannot make, a staff call that is a fact of its record, and nothing of the demo
//! where a real POS is.

use crate::common::{
    assert_error, cash_order, error_message, header, order, run_cli_on, start_with, two_servers,
    Harness,
};
use serde_json::{json, Value};
use std::time::Duration;

const TABLE: &str = "/api/v1/stores/demo/tables/0001-0003";

async fn table_with_token(h: &Harness, table: &str, token: &str) -> u16 {
    let path = format!("/api/v1/stores/demo/tables/{table}");
    h.get_with(&path, &[("x-table-token", token.to_string())])
        .await
        .0
}

#[tokio::test]
async fn one_tables_link_renewed_alone_stops_on_every_server_and_others_keep_working() {
    let (a, b) = two_servers(|_| {}).await;
    let photographed = a.token("demo", "0001-0003").await;
    let neighbour = a.token("demo", "0001-0004").await;
    assert_eq!(table_with_token(&b, "0001-0003", &photographed).await, 200);

    let (status, renewed) = a
        .as_owner(
            "/api/v1/admin/stores/demo/tables/0001-0003/link-key?baseUrl=https://order.example",
        )
        .await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["generation"], 1);
    let url = renewed["url"].as_str().unwrap();
    let fresh = url.split("&t=").nth(1).unwrap();
    // At once, on the other server too: the old sticker opens nothing, the new one works,
    // the next table's printed link is untouched.
    assert_eq!(table_with_token(&b, "0001-0003", &photographed).await, 404);
    assert_eq!(table_with_token(&b, "0001-0003", fresh).await, 200);
    assert_eq!(table_with_token(&b, "0001-0004", &neighbour).await, 200);
    let (status, _) = b
        .post_with(
            &format!("{TABLE}/orders"),
            order("renewed-0001", "new", None),
            &[("x-table-token", photographed.clone())],
        )
        .await;
    assert_eq!(status, 404, "no order from the old sticker");
    // The sheet carries the new link.
    let sheet = b
        .owner_page("/api/v1/admin/stores/demo/qr?baseUrl=https://order.example")
        .await;
    assert!(sheet.contains(&fresh.replace('&', "&amp;")), "{sheet}");
    // A table the store does not have is not renewed.
    let (status, _) = a
        .as_owner("/api/v1/admin/stores/demo/tables/0009-0099/link-key")
        .await;
    assert_eq!(status, 404);

    renewed_by_the_cli(&a, &b, &neighbour).await;
}

/// The CLI renews one table too, on the same database; a table the store lacks is refused.
async fn renewed_by_the_cli(a: &Harness, b: &Harness, neighbour: &str) {
    let config = &a.running.state.config;
    let data = config.data_dir.to_str().unwrap().to_string();
    let (code, err, out) = run_cli_on(
        &[
            "links",
            "renew",
            "--store",
            "demo",
            "--table",
            "0001-0004",
            "--data",
            &data,
        ],
        config.database_url.as_deref(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0001-0004"), "{out}");
    assert_eq!(table_with_token(b, "0001-0004", neighbour).await, 404);
    let (code, err, _) = run_cli_on(
        &[
            "links", "renew", "--store", "demo", "--table", "nope", "--data", &data,
        ],
        config.database_url.as_deref(),
    );
    assert_eq!(code, 2, "{err}");
}

/// A caller behind the trusted reverse proxy at 127.0.0.1, known by X-Forwarded-For.
fn from(address: &str) -> Vec<(&'static str, String)> {
    vec![("x-forwarded-for", address.to_string())]
}

#[tokio::test]
async fn a_stranger_guessing_codes_does_not_lock_the_owners_tablet_out() {
    let h = start_with(|c| {
        c.limits.trust_forwarded_for = true;
        c.limits.enrolments_per_minute_per_client = 10;
    })
    .await;
    let enrol = |code: Value, who: Vec<(&'static str, String)>| {
        let h = &h;
        async move {
            h.post_with(
                "/api/v1/stores/demo/devices",
                json!({"code": code, "name": "counter"}),
                &who,
            )
            .await
        }
    };
    for _ in 0..10 {
        let (status, _) = enrol(json!("AAAA-AAAA"), from("203.0.113.7")).await;
        assert_eq!(status, 403);
    }
    let (status, e) = enrol(json!("AAAA-AAAA"), from("203.0.113.7")).await;
    assert_error(status, &e, 429, "rate_limited");
    // Every X-Forwarded-For line is read: a first line the stranger wrote does not hide them.
    let resp = h
        .http
        .post(format!("{}/api/v1/stores/demo/devices", h.base))
        .header("x-forwarded-for", "198.51.100.99")
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({"code": "AAAA-AAAA", "name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    // The owner's tablet, elsewhere, enrols at once.
    let (_, code) = h
        .as_owner("/api/v1/admin/stores/demo/enrolment-codes")
        .await;
    let (status, device) = enrol(code["code"].clone(), from("198.51.100.2")).await;
    assert_eq!(status, 201, "{device}");
}

#[tokio::test]
async fn a_tablet_unused_expires_and_one_in_use_never_does() {
    let h = start_with(|c| c.tablets.idle_expiry_secs = 2).await;
    let headers = h.enrol_tablet("table tablet").await;
    // Used every 0.6 s for 3 s: past the idle time, and still working.
    for _ in 0..5 {
        let (status, me) = h.get_with("/api/v1/stores/demo/devices/me", &headers).await;
        assert_eq!(status, 200, "{me}");
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    tokio::time::sleep(Duration::from_millis(2_600)).await;
    let (status, e) = h.get_with("/api/v1/stores/demo/devices/me", &headers).await;
    assert_error(status, &e, 403, "device_required");
}

#[tokio::test]
async fn a_bound_tablet_orders_at_its_table_only_within_its_ceiling_and_revocation_is_everywhere() {
    let (a, b) = two_servers(|c| {
        c.staff_pin = Some("246813".into());
        c.tablets.prepaid_daily_limit = 40_000;
    })
    .await;
    let (device, headers) = a.enrolled_tablet("table tablet").await;
    let bind = |table: Value| {
        let (a, device) = (&a, device.clone());
        async move {
            a.http
                .put(format!(
                    "{}/api/v1/admin/stores/demo/devices/{device}/table",
                    a.base
                ))
                .bearer_auth("admin-secret-of-this-test-server")
                .json(&json!({ "table": table }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(bind(json!("0009-0099")).await, 404, "no such table");
    assert_eq!(bind(json!("0001-0002")).await, 204);
    let (status, e) = b
        .get_with("/api/v1/stores/demo/tables/0001-0003", &headers)
        .await;
    assert_error(status, &e, 403, "forbidden");
    assert!(error_message(&e).contains("0001-0002"));
    let (_, list) = b.owner_get("/api/v1/admin/stores/demo/devices").await;
    assert_eq!(list[0]["table"], "0001-0002", "{list}");

    within_the_ceiling(&a, &b, &headers).await;

    // Revoked on one server: refused on the other at once.
    let revoked = a
        .http
        .delete(format!(
            "{}/api/v1/admin/stores/demo/devices/{device}",
            a.base
        ))
        .bearer_auth("admin-secret-of-this-test-server")
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 204);
    let (status, _) = b.get_with("/api/v1/stores/demo/devices/me", &headers).await;
    assert_eq!(status, 403);
}

/// Two cash orders of 15,000 won fit the 40,000 ceiling; the third does not.
async fn within_the_ceiling(a: &Harness, b: &Harness, headers: &[(&'static str, String)]) {
    let orders = "/api/v1/stores/demo/tables/0001-0002/orders";
    for n in 0..2 {
        let (status, r) = b
            .post_with(
                orders,
                cash_order(&format!("ceiling-{n}"), "246813"),
                headers,
            )
            .await;
        assert_eq!(status, 202, "{r}");
        // Each lands before the next is placed (a new order on a busy table is refused).
        a.wait_for("0001-0002", 5_000, |v| {
            v["orders"].as_array().is_some_and(|o| o.len() > n)
        })
        .await;
    }
    let before = a.pos_orders().await.len();
    let (status, e) = a
        .post_with(orders, cash_order("ceiling-2", "246813"), headers)
        .await;
    assert_error(status, &e, 422, "order_too_large");
    assert!(error_message(&e).contains("32000"), "{e}");
    assert_eq!(a.pos_orders().await.len(), before, "nothing sent");
}

#[tokio::test]
async fn a_burst_of_wrong_pins_is_counted_before_any_is_compared() {
    let h = start_with(|c| c.staff_pin = Some("246813".into())).await;
    let headers = h.enrol_tablet("table tablet").await;
    let orders = "/api/v1/stores/demo/tables/0001-0005/orders";
    let tries = (0..20).map(|n| {
        let (h, headers) = (&h, headers.clone());
        async move {
            let body = cash_order(&format!("burst-{n:02}"), "000000");
            h.post_with(orders, body, &headers).await
        }
    });
    let answers = futures_util::future::join_all(tries).await;
    let wrong = answers.iter().filter(|(s, _)| *s == 401).count();
    let locked = answers.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!((wrong, locked), (5, 15), "{answers:?}");
    assert!(h.pos_orders().await.is_empty());
}

#[tokio::test]
async fn a_new_admin_token_ends_every_session() {
    let (a, b) = two_servers(|_| {}).await;
    let cookie = a.session_cookie().await;
    let session = |h: &Harness| {
        let (http, url, cookie) = (
            h.http.clone(),
            format!("{}/api/v1/admin/session", h.base),
            cookie.clone(),
        );
        async move {
            http.get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(session(&a).await, 200);
    assert_eq!(session(&b).await, 200, "the other server knows it");
    // The owner changes the token (as a restart with a new one does): the session is over.
    let config = a.running.state.config.as_ref().clone();
    let renewed = start_with(move |c| {
        c.database_url = config.database_url.clone();
        c.data_dir = config.data_dir.clone();
        c.upstream.url = Some(a.running.upstream_url.clone());
        c.admin_token = Some("a-new-admin-token-after-a-leak-0000".into());
    })
    .await;
    assert_eq!(session(&renewed).await, 401);
}

#[tokio::test]
async fn the_owners_changes_come_only_as_json_or_with_the_owners_header() {
    let h = start_with(|_| {}).await;
    let cookie = h.session_cookie().await;
    let url = format!("{}/api/v1/admin/stores/demo/items/I0101", h.base);
    // What the signed-in owner's browser sends, with the cookie, from this page or another.
    let send = |request: reqwest::RequestBuilder, headers: &[(&'static str, &'static str)]| {
        let mut request = request.header("cookie", &cookie);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // What a form on another site can send: no JSON, no custom header.
    let form = [("content-type", "application/x-www-form-urlencoded")];
    assert_eq!(send(h.http.delete(&url), &form).await, 403);
    let plain = h.http.put(&url).body(r#"{"hidden": true}"#);
    assert_eq!(send(plain, &[("content-type", "text/plain")]).await, 403);
    let page = [("x-requested-with", "tableorder-admin")];
    assert_eq!(
        send(h.http.delete(&url), &page).await,
        404,
        "let through: nothing written about it yet"
    );
    let sign_out = h.http.delete(format!("{}/api/v1/admin/session", h.base));
    assert_eq!(
        send(sign_out, &[]).await,
        403,
        "not even signing out from a form"
    );
}

#[tokio::test]
async fn a_staff_call_is_a_fact_of_its_record_and_a_phone_sees_which_orders_are_its_own() {
    let h = start_with(|_| {}).await;
    let mut guest = order("memo-call-0001", "new", None);
    guest["memo"] = json!("직원호출 - 물 좀 주세요");
    let (status, r) = h.post(&format!("{TABLE}/orders"), guest).await;
    assert_eq!(status, 202, "{r}");
    let v = h
        .wait_for("0001-0003", 5_000, |v| {
            v["orders"][0]["status"] == "accepted"
        })
        .await;
    let open = v["openOrderNo"].as_str().unwrap().to_string();
    let (_, menu) = h.get("/api/v1/stores/demo/menu").await;
    let reason = menu["staffCalls"][0]["id"].clone();
    let (status, r) = h
        .post(
            &format!("{TABLE}/staff-calls"),
            json!({"clientCallId": "real-call-0001", "reasons": [reason]}),
        )
        .await;
    assert_eq!(status, 202, "{r}");
    let (status, r) = h
        .post(
            &format!("{TABLE}/orders"),
            order("other-phone-0001", "add", Some(&open)),
        )
        .await;
    assert_eq!(status, 202, "{r}");
    h.wait_for("0001-0003", 8_000, |v| {
        v["orders"].as_array().is_some_and(|o| o.len() == 3)
    })
    .await;
    let (_, v) = h
        .get(&format!(
            "{TABLE}/orders?mine=memo-call-0001,real-call-0001"
        ))
        .await;
    let by_id = |id: &str| {
        v["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["clientOrderId"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {v}"))
    };
    let memo = by_id("memo-call-0001");
    assert_eq!(
        memo["staffCall"],
        Value::Null,
        "a guest's order, whatever its memo: {memo}"
    );
    assert_eq!(memo["fromThisPhone"], true);
    assert_eq!(by_id("real-call-0001")["staffCall"], true);
    let other = by_id("other-phone-0001");
    assert_eq!(
        other["fromThisPhone"],
        Value::Null,
        "another phone's: {other}"
    );
}

/// A new enrolment code, asked as the owner's page asks for its QR code.
async fn enrolment(h: &Harness) -> Value {
    h.as_owner("/api/v1/admin/stores/demo/enrolment-codes?baseUrl=https://order.example")
        .await
        .1
}

#[tokio::test]
async fn nothing_of_the_demo_is_served_beside_a_real_upstream() {
    let (demo, real) = two_servers(|c| {
        c.allowed_origins = vec!["https://partner.example".into()];
    })
    .await;
    for h in [&demo, &real] {
        let examples = h._dist.0.join("examples");
        std::fs::create_dir_all(&examples).unwrap();
        std::fs::write(examples.join("tablet.html"), "<p>tablet</p>").unwrap();
    }
    let status = |h: &Harness, path: &str| {
        let (http, url) = (h.http.clone(), format!("{}{path}", h.base));
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&demo, "/examples/tablet.html").await, 200);
    assert_eq!(status(&real, "/examples/tablet.html").await, 404);
    // The enrolment QR code opens the partner's tablet app, or nothing.
    assert!(enrolment(&demo).await["enrolUrl"]
        .as_str()
        .unwrap()
        .contains("/examples/tablet.html"));
    assert_eq!(enrolment(&real).await["enrolUrl"], Value::Null);
    let partner_app = start_with(|c| {
        c.upstream.url = Some(demo.running.upstream_url.clone());
        c.tablet_url = Some("https://tablets.partner.example/enrol".into());
    })
    .await;
    let url = enrolment(&partner_app).await["enrolUrl"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("https://tablets.partner.example/enrol?store=demo&code="),
        "{url}"
    );

    // Framing: the owner's page by nobody, the guest's by this server and listed partners.
    let csp = |path: &'static str| {
        let http = real.http.clone();
        let url = format!("{}{path}", real.base);
        async move {
            let r = http.get(url).send().await.unwrap();
            header(&r, "content-security-policy").to_string()
        }
    };
    assert!(csp("/admin/").await.contains("frame-ancestors 'none'"));
    assert!(csp("/?store=demo")
        .await
        .contains("frame-ancestors 'self' https://partner.example"));
}

#[tokio::test]
async fn metrics_need_the_token_or_their_own_loopback_listener() {
    let open = start_with(|c| c.metrics_token = None).await;
    let r = open.fetch("/metrics").await;
    assert_eq!(r.status().as_u16(), 404);
    let local = start_with(|c| {
        c.metrics_token = None;
        c.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let at = local.running.metrics_addr.expect("its own listener");
    assert_ne!(at, local.running.addr);
    let r = local
        .http
        .get(format!("http://{at}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("tableorder_open_connections"));
    let r = local.fetch("/metrics").await;
    assert_eq!(r.status().as_u16(), 404, "not on the public listener");
    let err = tableorder_proxy::config::Config::load(
        None,
        [(
            "TABLEORDER_METRICS_LISTEN".to_string(),
            "0.0.0.0:9100".to_string(),
        )]
        .into_iter(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}

#[tokio::test]
async fn every_public_route_is_rate_limited() {
    for path in [
        "/?store=demo",
        "/photos/p0123456789abcdef/320.jpg",
        "/healthz",
    ] {
        // A server each: the allowance is per client address, across these routes.
        let h = start_with(|c| c.limits.pages_per_minute_per_client = 5).await;
        let mut last = 0;
        for _ in 0..6 {
            last = h.fetch(path).await.status().as_u16();
        }
        assert_eq!(last, 429, "{path}");
    }
}

#[test]
fn serve_prints_no_table_link_beside_a_real_upstream() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let data = std::env::temp_dir().join(format!("tableorder-nolink-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tableorder"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            "http://127.0.0.1:9",
        ])
        .arg("--data")
        .arg(&data)
        .env("TABLEORDER_LOG", "error")
        .env("TABLEORDER_STORES__DEMO__STORE_ID", "S0000001")
        .env("TABLEORDER_STORES__DEMO__SERVICE_ID", "SV-DEMO-0001")
        .env_remove("TABLEORDER_CONFIG")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("serving on"), "{first}");
    // Whatever comes within a second (the base information is tried meanwhile).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::sleep(Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    let rest: Vec<String> = rx.try_iter().collect();
    assert!(!rest.iter().any(|l| l.contains("t=")), "{rest:?}");
    std::fs::remove_dir_all(&data).ok();
}
