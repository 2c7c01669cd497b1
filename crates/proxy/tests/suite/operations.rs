//! Running it for real, over real HTTP: readiness that follows the upstream, backups taken
//! while orders flow and restored into a working server, HTTPS with a certificate read
//! again on SIGHUP without dropping a connection, and the deployment files that watch it.

use crate::common::{order, run_cli_on, start_with, Harness, ON_SQLITE};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

async fn readyz(h: &Harness) -> (u16, Value) {
    h.get_with("/readyz", &[]).await
}

/// Asks until `pred` holds of `/readyz`; how long that took.
async fn until_ready_is(h: &Harness, ready: bool, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let (status, body) = readyz(h).await;
        if body["ready"] == ready {
            assert_eq!(status, if ready { 200 } else { 503 }, "{body}");
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "still {status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn readiness_follows_the_upstream_away_and_back() {
    let h = start_with(|c| c.readiness.upstream_silence_secs = 3).await;
    until_ready_is(&h, true, Duration::from_secs(5)).await;
    assert_eq!(h.get_with("/healthz", &[]).await.0, 200);
    // Every call to the POS fails from now on, as when it is unreachable behind a gateway.
    h.post("/sim/faults", json!({"errorRate": 1.0})).await;
    let gone = until_ready_is(&h, false, Duration::from_secs(10)).await;
    assert!(gone <= Duration::from_secs(5), "not ready after {gone:?}");
    let (_, body) = readyz(&h).await;
    assert!(
        body["reasons"][0]
            .as_str()
            .unwrap()
            .contains("has not answered"),
        "{body}"
    );
    assert_eq!(
        h.get_with("/healthz", &[]).await.0,
        200,
        "the process still answers"
    );
    h.post("/sim/faults", json!({"errorRate": 0.0})).await;
    let back = until_ready_is(&h, true, Duration::from_secs(10)).await;
    assert!(back <= Duration::from_secs(3), "ready again after {back:?}");
}

fn cli(args: &[&str]) -> (i32, String, String) {
    run_cli_on(args, None)
}

#[tokio::test]
async fn a_backup_taken_while_orders_flow_restores_to_a_working_server() {
    let h = start_with(|c| c.database_url = Some(ON_SQLITE.into())).await;
    let data = h.running.state.config.data_dir.clone();
    let work = data.parent().unwrap().join("backups");
    std::fs::create_dir_all(&work).unwrap();
    // Orders at every table of the store while the backup is taken.
    let flowing = (1..=10).map(|n| {
        let h = &h;
        async move {
            let path = format!("/api/v1/stores/demo/tables/0001-{n:04}/orders");
            h.post(&path, order(&format!("during-backup-{n:04}"), "new", None))
                .await
        }
    });
    let file = work.join("tableorder-backup.db");
    let taking_backup = {
        let (data, file) = (data.clone(), file.clone());
        tokio::task::spawn_blocking(move || {
            std::thread::sleep(Duration::from_millis(30));
            backup(&data, &file)
        })
    };
    let (answers, backed_up) = tokio::join!(futures_util::future::join_all(flowing), taking_backup);
    let (code, err, out) = backed_up.unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("orders on record"), "{out}");
    for (status, body) in &answers {
        assert_eq!(*status, 202, "{body}");
    }
    never_over_anything(&data, &file);

    // A second backup after the flow holds every order; restored elsewhere, it serves.
    let after = work.join("after.db");
    let (code, err, _) = backup(&data, &after);
    assert_eq!(code, 0, "{err}");
    let fresh = work.join("restored");
    let (code, err, out) = restore(&after, &fresh);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("10 orders on record"), "{out}");
    let upstream = h.running.upstream_url.clone();
    let before = h.pos_orders().await.len();
    let restored = start_with(move |c| {
        c.database_url = Some(ON_SQLITE.into());
        c.data_dir = fresh;
        c.upstream.url = Some(upstream);
    })
    .await;
    // The ledger came back whole: a resend of an order is answered from it, never sent.
    let (status, again) = restored.new_order("0001-0007", "during-backup-0007").await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["clientOrderId"], "during-backup-0007");
    assert_eq!(h.pos_orders().await.len(), before, "nothing sent twice");
    std::fs::remove_dir_all(&work).ok();
}

/// `tableorder backup` of the data directory `data` to `to`: (exit code, stderr, stdout).
fn backup(data: &Path, to: &Path) -> (i32, String, String) {
    cli(&["backup", "--data", &path_text(data), "--to", &path_text(to)])
}

/// `tableorder restore` of `from` into the data directory `data`.
fn restore(from: &Path, data: &Path) -> (i32, String, String) {
    cli(&[
        "restore",
        "--from",
        &path_text(from),
        "--data",
        &path_text(data),
    ])
}

fn path_text(p: &Path) -> String {
    p.to_str().expect("test paths are UTF-8").to_string()
}

/// A backup never overwrites, and a server's directory is not restored over.
fn never_over_anything(data: &Path, file: &Path) {
    let (code, err, _) = backup(data, file);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("exists already"), "{err}");
    let (code, err, _) = restore(file, data);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("a server is running"), "{err}");
}

/// A self-signed certificate for 127.0.0.1 and localhost; (cert, key) files in `dir`.
fn certificate(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=tableorder test"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (cert, key)
}

/// `curl --cacert CA URL`: its exit code and what it printed.
fn curl(ca: &Path, url: &str) -> (i32, String) {
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "5", "--cacert"])
        .arg(ca)
        .arg(url)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

// curl runs beside the server, blocking a thread of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_a_certificate_read_again_on_sighup_without_dropping_a_connection() {
    let dir = std::env::temp_dir().join(format!("tableorder-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (first, first_key) = certificate(&dir, "first");
    let (served, served_key) = (dir.join("served.crt"), dir.join("served.key"));
    std::fs::copy(&first, &served).unwrap();
    std::fs::copy(&first_key, &served_key).unwrap();
    let (cert, key) = (served.clone(), served_key.clone());
    let h = start_with(move |c| {
        c.tls = Some(tableorder_proxy::config::TlsConfig { cert, key });
    })
    .await;
    assert!(h.base.starts_with("https://"));
    let url = format!("{}/healthz", h.base);
    assert_eq!(curl(&first, &url), (0, "ok".to_string()));
    // Plain HTTP on the TLS port gets nowhere.
    let plain = reqwest::get(url.replace("https://", "http://")).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());

    // A client that keeps its connection open across the renewal.
    let pem = std::fs::read(&first).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .tls_built_in_root_certs(false)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");

    // The certificate is renewed on disk, and the server told.
    let (second, second_key) = certificate(&dir, "second");
    std::fs::copy(&second, &served).unwrap();
    std::fs::copy(&second_key, &served_key).unwrap();
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    let started = Instant::now();
    while curl(&second, &url).0 != 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the new certificate is not served"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_ne!(
        curl(&first, &url).0,
        0,
        "new connections get the new certificate"
    );
    // The connection made before the renewal is still open and still answered.
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
    std::fs::remove_dir_all(&dir).ok();
}

/// Metric names the deployment files use, and whether the server exports each.
#[tokio::test]
async fn the_dashboard_and_alerts_watch_metrics_the_server_exports() {
    let h = start_with(|_| {}).await;
    // Every family has a member once an order has gone through.
    let (status, r) = h.new_order("0001-0001", "watched-0001").await;
    assert_eq!(status, 202, "{r}");
    let exported = h.metrics().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy");
    for file in [
        "prometheus/tableorder-alerts.yml",
        "grafana/tableorder-dashboard.json",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        if file.ends_with(".json") {
            serde_json::from_str::<Value>(&text).unwrap();
        }
        let mut rest = text.as_str();
        let mut seen = 0;
        while let Some(at) = rest.find("tableorder_") {
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &rest[at + name.len()..];
            let family = ["_total", "_bucket"]
                .iter()
                .fold(name.as_str(), |n, suffix| n.trim_end_matches(suffix));
            assert!(
                exported.contains(&format!("# TYPE {family} ")),
                "{file} uses {name}, which /metrics does not export"
            );
            seen += 1;
        }
        assert!(seen >= 5, "{file}");
    }
}

#[tokio::test]
async fn a_build_the_server_cannot_find_its_way_in_is_refused_at_start() {
    let dir = std::env::temp_dir().join(format!("tableorder-markers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A build whose widget element was renamed: the page could not be drawn into it.
    std::fs::write(
        dir.join("index.html"),
        "<html lang=\"ko\"><head></head><body><div id=\"app\"></div></body></html>",
    )
    .unwrap();
    let mut config = tableorder_proxy::config::Config::load(None, std::iter::empty()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.dist = Some(dir.clone());
    config.data_dir = dir.join("data");
    config.database_url = crate::common::fresh_database().await;
    let started = tableorder_proxy::server::start(config, std::future::pending()).await;
    let Err(e) = started else {
        panic!("a server started on a build it cannot serve");
    };
    let said = e.to_string();
    assert!(said.contains("the widget's element"), "{said}");
    assert!(said.contains("the stylesheet's link"), "{said}");
    std::fs::remove_dir_all(&dir).ok();
}
