//! A server started while the host cannot be reached serves the tables and menu it kept in
//! its database, marked stale for the owner and in `/metrics`, until a good refresh; a table
//! it does not know makes it look again before it says no.

mod common;

use common::{start_with, Harness, TempDir};

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
    let database = common::fresh_database().await;
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
    let (_, s) = down
        .get_with("/api/v1/admin/stores/demo/status", &Harness::admin())
        .await;
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
