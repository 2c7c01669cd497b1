//! A server started while the host cannot be reached serves the tables and menu it kept in
//! its database, marked stale for the owner and in `/metrics`, until a good refresh; a table
//! it does not know makes it look again before it says no, and so does the POS refusing an
//! item its menu showed.

use crate::common::{assert_error, start, start_with, Harness, TempDir};
use serde_json::json;

/// A server on `upstream`, keeping its state in `data` (and `database`, when PostgreSQL).
async fn server(upstream: &str, data: &std::path::Path, database: &Option<String>) -> Harness {
    let (upstream, data, database) = (upstream.to_string(), data.to_path_buf(), database.clone());
    start_with(move |c| {
        c.upstream.url = Some(upstream);
        c.data_dir = data;
        c.database_url = database;
        c.sim_control = false;
        c.limits.upstream_connect_timeout_ms = 300;
    })
    .await
}

/// An address nothing listens on.
fn nowhere() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_server_started_with_the_host_down_serves_the_kept_menu_marked_stale() {
    let dir =
        TempDir(std::env::temp_dir().join(format!("tableorder-outage-{}", std::process::id())));
    let database = crate::common::fresh_database().await;
    let (addr, _sim) = pos_sim::spawn(pos_sim::Fixture::demo(), pos_sim::Timing::default())
        .await
        .unwrap();
    let host = format!("http://{addr}");
    let first = server(&host, &dir.0, &database).await;
    let (status, menu) = first.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200);
    assert_ne!(menu["stale"], true, "fresh from the host");
    first.running.task.abort();
    drop(first);

    // The host is gone; the server starts anyway and serves what it kept.
    let down = server(&nowhere(), &dir.0, &database).await;
    let (status, kept) = down.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["stale"], true);
    assert_eq!(kept["categories"], menu["categories"]);
    let (status, table) = down.get("/api/v1/stores/demo/tables/0001-0003").await;
    assert_eq!(status, 200, "{table}");
    let (_, s) = down.owner_get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(s["stale"], true, "{s}");
    assert!(s["fetchedAtMs"].as_i64().is_some(), "{s}");
    let metrics = down.metrics().await;
    assert!(
        metrics.contains("tableorder_base_info_stale{store=\"demo\"} 1"),
        "{metrics}"
    );
    down.running.task.abort();
    drop(down);

    // The host is back: the next good fetch replaces the copy.
    let back = server(&host, &dir.0, &database).await;
    let (status, fresh) = back.get("/api/v1/stores/demo/menu").await;
    assert_eq!(status, 200);
    assert_ne!(fresh["stale"], true, "fresh from the host again");
    assert!(back
        .metrics()
        .await
        .contains("tableorder_base_info_stale{store=\"demo\"} 0"));
}

async fn upstream_calls(h: &Harness, path: &str) -> u64 {
    h.get("/sim/calls").await.1[path].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn a_table_added_on_the_pos_is_fetched_once_before_it_is_refused() {
    let h = start().await;
    assert_eq!(h.get("/api/v1/stores/demo/menu").await.0, 200);
    let mut fixture = serde_json::to_value(pos_sim::Fixture::demo()).unwrap();
    fixture["TABLE_LIST"]
        .as_array_mut()
        .unwrap()
        .push(json!({"FLR_CODE": "0001", "FLR_NAME": "1층", "TBL_CODE": "0077", "TBL_NAME": "77"}));
    let (status, v) = h.post("/sim/reset", json!({ "fixture": fixture })).await;
    assert_eq!(status, 200, "{v}");
    let before = upstream_calls(&h, "/partner/v1/table").await;
    let (status, table) = h.get("/api/v1/stores/demo/tables/0001-0077").await;
    assert_eq!(
        (status, table["name"].as_str()),
        (200, Some("77")),
        "{table}"
    );
    assert_eq!(upstream_calls(&h, "/partner/v1/table").await, before + 1);
    // A made-up table within the minute is refused without asking the POS again.
    let (status, _) = h.get("/api/v1/stores/demo/tables/0001-0078").await;
    assert_eq!(status, 404);
    assert_eq!(upstream_calls(&h, "/partner/v1/table").await, before + 1);
}

#[tokio::test]
async fn a_bad_item_refusal_fetches_the_menu_again() {
    let h = start().await;
    assert_eq!(h.get("/api/v1/stores/demo/menu").await.0, 200);
    let before = upstream_calls(&h, "/partner/v1/menu/edit").await;
    h.post(
        "/sim/refusals",
        json!({"errcode": "E2001", "msg": "상품 정보가 올바르지 않습니다.", "count": 1}),
    )
    .await;
    let (status, e) = h.new_order("0001-0001", "bad-item-0001").await;
    assert_error(status, &e, 422, "unknown_item");
    assert_eq!(
        upstream_calls(&h, "/partner/v1/menu/edit").await,
        before + 1
    );
}
