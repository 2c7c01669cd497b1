//! Starts a real proxy with its embedded simulator on ephemeral ports, on a short clock.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;
use tableorder_proxy::config::Config;
use tableorder_proxy::server::{self, Running};

pub struct Harness {
    pub base: String,
    pub http: reqwest::Client,
    pub running: Running,
    pub _dist: TempDir,
}

pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Delivery in 150 ms, a 1.5 s acceptance window: the 60 s rule in miniature.
pub async fn start() -> Harness {
    start_with(|_| {}).await
}

pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Harness {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dist = std::env::temp_dir().join(format!("tableorder-dist-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>widget</title>",
    )
    .unwrap();
    let mut config = Config::load(None, std::iter::empty()).unwrap();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.dist = dist.clone();
    config.data_dir = dist.join("data");
    config.sim_control = true;
    config.admin_token = Some("admin-secret-of-this-test-server".into());
    config.simulator.delivery_delay_ms = 150;
    config.simulator.accept_window_ms = 1_500;
    config.timing.poll_interval_ms = 500;
    // Our own mistakes in amounts must show: the real service would take them silently.
    config.simulator.strict = true;
    adjust(&mut config);
    let running = server::start(config, std::future::pending()).await.unwrap();
    Harness {
        base: format!("http://{}", running.addr),
        http: reqwest::Client::new(),
        running,
        _dist: TempDir(dist),
    }
}

impl Harness {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Orders as the simulated POS holds them.
    pub async fn pos_orders(&self) -> Vec<Value> {
        self.get("/sim/orders").await.1["orders"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Polls the table until `pred` holds, or panics after `limit_ms`.
    pub async fn wait_for(
        &self,
        table: &str,
        limit_ms: u64,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let started = std::time::Instant::now();
        loop {
            let (status, v) = self
                .get(&format!("/api/v1/stores/demo/tables/{table}/orders"))
                .await;
            assert_eq!(status, 200, "{v}");
            if pred(&v) {
                return v;
            }
            assert!(
                started.elapsed().as_millis() < u128::from(limit_ms),
                "gave up waiting: {v}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// A plain order of two 삼겹살.
pub fn order(client_order_id: &str, kind: &str, open_order_no: Option<&str>) -> Value {
    let mut v = json!({
        "clientOrderId": client_order_id,
        "kind": kind,
        "lines": [{"itemId": "I0201", "count": 2, "options": []}],
    });
    if let Some(no) = open_order_no {
        v["openOrderNo"] = json!(no);
    }
    v
}
