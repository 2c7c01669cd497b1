//! What a stranger can do with nothing but the store's slug: not order from another site's
//! page, not send forms, not run up a bill beyond what one table's order may cost.

use crate::common::{assert_error, error_message, order, start_with};
use serde_json::json;

const ORDERS: &str = "/api/v1/stores/demo/tables/0001-0001/orders";

#[tokio::test]
async fn a_page_on_another_site_cannot_order_from_a_guests_phone() {
    let h = start_with(|c| c.allowed_origins = vec!["https://partner.example".into()]).await;
    let mut tokens = Vec::new();
    for table in 1..=9 {
        tokens.push(h.token("demo", &format!("0001-{table:04}")).await);
    }
    // Each at a table of its own: every one that is let through is a new order.
    let post = |origin: Option<&'static str>, site: Option<&'static str>, id: &'static str| {
        let table = 1 + id.bytes().map(u32::from).sum::<u32>() % 9;
        let mut r = h
            .http
            .post(format!(
                "{}/api/v1/stores/demo/tables/0001-{table:04}/orders",
                h.base
            ))
            .header("x-table-token", &tokens[table as usize - 1])
            .json(&order(id, "new", None));
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        if let Some(s) = site {
            r = r.header("sec-fetch-site", s);
        }
        r.send()
    };
    let evil = post(
        Some("https://evil.example"),
        Some("cross-site"),
        "order-evil-0001",
    )
    .await
    .unwrap();
    assert_eq!(evil.status(), 403);
    let body: serde_json::Value = evil.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let hidden = post(None, Some("cross-site"), "order-evil-0002")
        .await
        .unwrap();
    assert_eq!(
        hidden.status(),
        403,
        "no Origin, but the browser says another site"
    );
    assert!(h.pos_orders().await.is_empty(), "nothing reached the POS");

    let partner = post(
        Some("https://partner.example"),
        Some("cross-site"),
        "order-part-0001",
    )
    .await
    .unwrap();
    assert_eq!(partner.status(), 202, "a listed partner's page may");
    let own = post(
        Some(&*Box::leak(h.base.clone().into_boxed_str())),
        Some("same-origin"),
        "order-own-00001",
    )
    .await
    .unwrap();
    assert_eq!(own.status(), 202, "the server's own page may");
    let tool = post(None, None, "order-tool-0001").await.unwrap();
    assert_eq!(tool.status(), 202, "a program that is not a browser may");
}

#[tokio::test]
async fn a_form_or_plain_text_body_is_refused() {
    let h = start_with(|_| {}).await;
    let token = h.token("demo", "0001-0001").await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let r = h
            .http
            .post(format!("{}{ORDERS}", h.base))
            .header("x-table-token", &token)
            .header("content-type", content_type)
            .body(order("order-form-0001", "new", None).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{content_type}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unsupported_media_type");
    }
    assert!(h.pos_orders().await.is_empty());
}

#[tokio::test]
async fn an_order_over_the_stores_caps_is_refused_with_the_reason() {
    let h = start_with(|c| {
        c.limits.max_order_items = 50;
        c.limits.max_order_total = 1_000_000;
    })
    .await;
    let many = json!({"clientOrderId": "order-caps-0001", "kind": "new",
        "lines": [{"itemId": "I0501", "count": 30}, {"itemId": "I0502", "count": 21}]});
    let (status, e) = h.post(ORDERS, many).await;
    assert_error(status, &e, 422, "order_too_large");
    assert!(error_message(&e).contains("50 items"), "{e}");
    let dear = json!({"clientOrderId": "order-caps-0002", "kind": "new",
        "lines": [{"itemId": "I0205", "count": 32}]});
    let (status, e) = h.post(ORDERS, dear).await;
    assert_error(status, &e, 422, "order_too_large");
    assert!(error_message(&e).contains("1000000 won"), "{e}");
    assert!(h.pos_orders().await.is_empty());
    let fine = json!({"clientOrderId": "order-caps-0003", "kind": "new",
        "lines": [{"itemId": "I0205", "count": 31}]});
    assert_eq!(
        h.post(ORDERS, fine).await.0,
        202,
        "992,000 won is within the cap"
    );
}

#[tokio::test]
async fn the_upstream_client_follows_no_redirect_and_reads_no_giant_answer() {
    use axum::routing::post;
    use tableorder_proxy::upstream::{StoreCredentials, Upstream, UpstreamError};
    let elsewhere_hit = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hit = elsewhere_hit.clone();
    let app = axum::Router::new()
        .route(
            "/partner/v1/table",
            post(|| async { axum::response::Redirect::temporary("/elsewhere") }),
        )
        .route(
            "/elsewhere",
            post(move || async move {
                hit.store(true, std::sync::atomic::Ordering::Relaxed);
                axum::Json(json!({"RESULT": "SUCCESS", "ERRCODE": "", "OBJ": {"TABLE_LIST": []}}))
            }),
        )
        .route(
            "/partner/v1/menu/edit",
            post(|| async { "x".repeat(9 * 1024 * 1024) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let up = Upstream::new(
        &format!("http://{addr}"),
        std::time::Duration::from_secs(2),
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let creds = StoreCredentials {
        store_id: "S1".into(),
        service_id: "secret".into(),
    };
    let redirected = up.tables(&creds).await;
    assert!(
        matches!(redirected, Err(UpstreamError::Status(307))),
        "{redirected:?}"
    );
    assert!(
        !elsewhere_hit.load(std::sync::atomic::Ordering::Relaxed),
        "the credentials went nowhere else"
    );
    let giant = up.menu(&creds).await;
    assert!(
        matches!(giant, Err(UpstreamError::Malformed(_))),
        "{giant:?}"
    );
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_request_does_not_hold_a_shutdown() {
    use tokio::io::AsyncWriteExt;
    let dir = crate::common::TempDir(
        std::env::temp_dir().join(format!("tableorder-shutdown-{}", std::process::id())),
    );
    let mut config = tableorder_proxy::config::Config::load(None, std::iter::empty()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.dist = Some(dir.0.join("dist"));
    config.data_dir = dir.0.join("data");
    config.limits.shutdown_grace_ms = 300;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tableorder_proxy::server::start(config, async move {
        let _ = stopped.await;
    })
    .await
    .unwrap();
    // Headers begun, never finished.
    let mut slow = tokio::net::TcpStream::connect(running.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let _ = stop.send(());
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), running.task).await;
    assert!(
        ended.is_ok(),
        "the server stopped within its shutdown deadline"
    );
    drop(slow);
}
