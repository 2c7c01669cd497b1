//! The server's logs as a log collector reads them: one JSON object a line, at every level,
//! and no secret and no table link's token in any of them, whatever was asked of it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN: &str = "admin-token-that-must-never-be-logged";
const METRICS: &str = "metrics-token-never-to-be-logged-0";
const PIN: &str = "864213";
const SERVICE_ID: &str = "SV-DEMO-0001";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn until_up(url: &str) {
    let started = Instant::now();
    while reqwest::get(url).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{url} never came up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_log_line_is_json_and_none_holds_a_secret_or_a_table_token() {
    let bin = env!("CARGO_BIN_EXE_tableorder");
    let data = std::env::temp_dir().join(format!("tableorder-logs-{}", std::process::id()));
    let sim_port = free_port();
    let _sim = Killed(
        Command::new(bin)
            .args(["sim", "--listen", &format!("127.0.0.1:{sim_port}")])
            .args(["--delivery-delay-ms", "100", "--accept-window-ms", "2000"])
            .env("TABLEORDER_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    until_up(&format!("http://127.0.0.1:{sim_port}/sim/calls")).await;
    let port = free_port();
    let (server, lines) = logging_server(bin, &data, sim_port, port);
    let base = format!("http://127.0.0.1:{port}");
    until_up(&format!("{base}/healthz")).await;
    let said = everyone_calls(&base).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(server);
    let lines = lines.join().unwrap();

    let mut logged = 0;
    for line in &lines {
        if line.starts_with("tableorder is serving on") {
            continue;
        }
        let entry: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            entry["level"].is_string() && entry["timestamp"].is_string(),
            "{line}"
        );
        for secret in [ADMIN, METRICS, PIN, SERVICE_ID]
            .into_iter()
            .chain(said.iter().map(String::as_str))
        {
            assert!(!line.contains(secret), "{secret:?} logged: {line}");
        }
        logged += 1;
    }
    assert!(logged > 50, "trace level logs plenty: {logged} lines");
    std::fs::remove_dir_all(&data).ok();
}

/// The server logging everything as JSON to a pipe, and the thread that collects its lines
/// until it ends. It serves a page shaped as trunk builds it, so the table's page is served
/// (and logged) whether or not the widget was built before these tests.
fn logging_server(
    bin: &str,
    data: &std::path::Path,
    sim_port: u16,
    port: u16,
) -> (Killed, std::thread::JoinHandle<Vec<String>>) {
    let dist = data.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    crate::common::write_built_page(&dist);
    let mut server = Killed(
        Command::new(bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--upstream", &format!("http://127.0.0.1:{sim_port}")])
            .arg("--data")
            .arg(data)
            .arg("--dist")
            .arg(&dist)
            .env_remove("TABLEORDER_CONFIG")
            .env("TABLEORDER_LOG", "trace")
            .env("TABLEORDER_LOG_FORMAT", "json")
            .env("TABLEORDER_ADMIN_TOKEN", ADMIN)
            .env("TABLEORDER_METRICS_TOKEN", METRICS)
            .env("TABLEORDER_STAFF_PIN", PIN)
            .env("TABLEORDER_STORES__DEMO__STORE_ID", "S0000001")
            .env("TABLEORDER_STORES__DEMO__SERVICE_ID", SERVICE_ID)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = server.0.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });
    (server, lines)
}

/// The owner's call, with the admin token: its answer.
async fn as_owner(request: reqwest::RequestBuilder) -> Value {
    let answer = request.bearer_auth(ADMIN).send().await.unwrap();
    answer.json().await.unwrap()
}

/// What the owner, a guest, a tablet and Prometheus send, secrets and tokens included; the
/// secrets handed out on the way (the table's token, the tablet's secret, its enrolment code).
async fn everyone_calls(base: &str) -> [String; 3] {
    let http = reqwest::Client::new();
    let links = as_owner(http.get(format!(
        "{base}/api/v1/admin/stores/demo/links?baseUrl={base}"
    )))
    .await;
    let link = links[0]["url"].as_str().unwrap().to_string();
    let token = link.split("&t=").nth(1).unwrap().to_string();
    let table = links[0]["table"].as_str().unwrap().to_string();
    assert_eq!(http.get(&link).send().await.unwrap().status(), 200);
    let orders = format!("{base}/api/v1/stores/demo/tables/{table}/orders");
    let placed = http
        .post(&orders)
        .header("x-table-token", &token)
        .json(&json!({"clientOrderId": "logged-order-0001", "kind": "new",
            "lines": [{"itemId": "I0201", "count": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), 202);
    http.get(format!("{orders}?mine=logged-order-0001"))
        .header("x-table-token", &token)
        .send()
        .await
        .unwrap();
    let (code, secret) = tablet_pays_cash(&http, base).await;
    http.get(format!("{base}/metrics"))
        .bearer_auth(METRICS)
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/api/v1/admin/session"))
        .json(&json!({"token": ADMIN}))
        .send()
        .await
        .unwrap();
    [token, secret, code]
}

/// A tablet enrolled and taking a cash order with the staff PIN: its enrolment code and
/// its credential's secret.
async fn tablet_pays_cash(http: &reqwest::Client, base: &str) -> (String, String) {
    let code =
        as_owner(http.post(format!("{base}/api/v1/admin/stores/demo/enrolment-codes"))).await;
    let code = code["code"].as_str().unwrap().to_string();
    let device: Value = http
        .post(format!("{base}/api/v1/stores/demo/devices"))
        .json(&json!({"code": code, "name": "counter"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let credential = device["credential"].as_str().unwrap().to_string();
    let secret = credential.split_once('.').unwrap().1.to_string();
    let cash = http
        .post(format!("{base}/api/v1/stores/demo/tables/0001-0002/orders"))
        .header("authorization", format!("Device {credential}"))
        .json(&json!({"clientOrderId": "logged-cash-0001", "kind": "new",
            "lines": [{"itemId": "I0201", "count": 1}],
            "payment": {"method": "cash", "staffPin": PIN}}))
        .send()
        .await
        .unwrap();
    assert_eq!(cash.status(), 202);
    (code, secret)
}
