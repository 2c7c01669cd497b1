//! A chaos run through the public API: M guests at T tables, each driven by order-core's
//! real flow over HTTP, while the simulated POS misbehaves (occupied tables, dropped
//! deliveries, lost answers, errors, latency) and does not dedupe resends itself.
//! Prints `name value unit`. `CHAOS_GUESTS`, `CHAOS_TABLES`, `CHAOS_SECONDS` adjust it.

use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{ApiError, ClientConfig, OrderLine, Won};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tableorder_proxy::config::Config;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn answer<T: serde::de::DeserializeOwned>(
    sent: reqwest::Result<reqwest::Response>,
) -> Result<T, Failure> {
    let r = sent.map_err(|_| Failure::NoAnswer)?;
    let ok = r.status().is_success();
    let body = r.bytes().await.map_err(|_| Failure::NoAnswer)?;
    if ok {
        serde_json::from_slice(&body).map_err(|_| Failure::NoAnswer)
    } else {
        serde_json::from_slice::<ApiError>(&body)
            .map(|e| Err(Failure::Refused(e.error)))
            .unwrap_or(Err(Failure::NoAnswer))
    }
}

struct Outcome {
    client_order_ids: Vec<String>,
    stage: Stage,
}

/// One guest: an order of two 삼겹살, followed wherever the restaurant takes it.
async fn guest(
    http: reqwest::Client,
    base: String,
    table: String,
    n: u64,
    config: ClientConfig,
) -> Outcome {
    let lines = vec![OrderLine {
        item_id: "I0201".into(),
        count: 2,
        options: vec![],
        memo: None,
    }];
    let id = |k: u64| format!("chaos-{n:05}-{k}");
    let (mut sub, mut queue) =
        Submission::start(id(0), lines, None, Won(32_000), PayMode::Postpaid, config);
    let mut ids = vec![id(0)];
    let mut asked = 0;
    let orders_url = format!("{base}/api/v1/stores/demo/tables/{table}/orders");
    loop {
        while let Some(command) = (!queue.is_empty()).then(|| queue.remove(0)) {
            let event = match command {
                Command::Inquire(t) => {
                    Event::InquiryAnswered(t, answer(http.get(&orders_url).send().await).await)
                }
                Command::Send(t, req) => Event::SendAnswered(
                    t,
                    answer(http.post(&orders_url).json(&req).send().await).await,
                ),
                Command::WakeAt(at) => {
                    tokio::time::sleep(Duration::from_millis(at.saturating_sub(now_ms()))).await;
                    Event::Timer
                }
                Command::RequestPayment { .. } | Command::Persist => continue,
            };
            queue.extend(sub.handle(event, now_ms()));
        }
        match &sub.stage {
            Stage::NotDelivered if ids.len() < 3 => {
                let next = id(ids.len() as u64);
                if let Some((s, c)) = sub.resend(next.clone()) {
                    ids.push(next);
                    sub = s;
                    queue = c;
                }
            }
            Stage::OccupiedAsk | Stage::StoreClosed | Stage::UnreachableAsk if asked < 5 => {
                asked += 1;
                tokio::time::sleep(Duration::from_millis(1_000)).await;
                queue = sub.handle(Event::GuestRetry, now_ms());
            }
            s if s.is_final() || s.awaits_person() => {
                return Outcome {
                    client_order_ids: ids,
                    stage: sub.stage,
                }
            }
            _ => {
                // The machine set a timer or has a request out; both are in the queue.
                if queue.is_empty() {
                    return Outcome {
                        client_order_ids: ids,
                        stage: sub.stage,
                    };
                }
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let guests = env("CHAOS_GUESTS", 60);
    let tables = env("CHAOS_TABLES", 10).clamp(1, 16);
    let trouble_secs = env("CHAOS_SECONDS", 20);
    let mut config = Config::load(None, std::iter::empty()).expect("default config");
    config.listen = "127.0.0.1:0".parse().expect("address");
    config.data_dir = std::env::temp_dir().join(format!("tableorder-chaos-{}", std::process::id()));
    config.sim_control = true;
    config.simulator.delivery_delay_ms = 300;
    config.simulator.accept_window_ms = 4_000;
    config.timing.poll_interval_ms = 500;
    config.timing.occupied_retry_ms = 1_000;
    config.limits.requests_per_minute_per_client = 1_000_000;
    config.limits.orders_per_minute_per_table = 1_000_000;
    let running = tableorder_proxy::server::start(config, std::future::pending())
        .await
        .expect("server");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .expect("client");
    let client_config: ClientConfig = http
        .get(format!("{base}/api/v1/config"))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("config");
    let post = {
        let (http, base) = (http.clone(), base.clone());
        move |path: &str, body: Value| {
            let (http, url) = (http.clone(), format!("{base}{path}"));
            async move {
                let _ = http.post(url).json(&body).send().await;
            }
        }
    };
    post("/sim/faults", json!({"latencyMs": 150, "errorRate": 0.05, "dropAfterCommitRate": 0.05, "dedupeMchtOrderNo": false})).await;

    // The POS misbehaves for a while: tables taken at the counter, deliveries dropped.
    let trouble = {
        let post = post.clone();
        tokio::spawn(async move {
            let until = Instant::now() + Duration::from_secs(trouble_secs);
            let mut k = 0u64;
            while Instant::now() < until {
                k += 1;
                let table = format!("0001-{:04}", 1 + k % tables);
                post(
                    &format!("/sim/tables/{table}/occupy"),
                    json!({"on": k.is_multiple_of(3)}),
                )
                .await;
                let mode = if k.is_multiple_of(5) {
                    "drop"
                } else {
                    "normal"
                };
                post("/sim/delivery", json!({"mode": mode})).await;
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
            for t in 1..=tables {
                post(
                    &format!("/sim/tables/0001-{t:04}/occupy"),
                    json!({"on": false}),
                )
                .await;
            }
            post("/sim/delivery", json!({"mode": "normal"})).await;
            post("/sim/faults", json!({"dedupeMchtOrderNo": false})).await;
        })
    };

    let started = Instant::now();
    let runs: Vec<_> = (0..guests)
        .map(|n| {
            let (http, base) = (http.clone(), base.clone());
            let table = format!("0001-{:04}", 1 + n % tables);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(
                    fastrand_like(n) % (trouble_secs * 1_000).max(1),
                ))
                .await;
                guest(http, base, table, n, client_config).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for r in runs {
        outcomes.push(r.await.expect("guest"));
    }
    let _ = trouble.await;
    let elapsed = started.elapsed().as_secs_f64();

    let pos: Value = http
        .get(format!("{base}/sim/orders"))
        .send()
        .await
        .expect("orders")
        .json()
        .await
        .expect("orders");
    let mut on_pos: HashMap<String, u64> = HashMap::new();
    let mut placed: HashMap<String, u64> = HashMap::new();
    for o in pos["orders"].as_array().into_iter().flatten() {
        let id = o["mchtOrderNo"].as_str().unwrap_or_default().to_string();
        *placed.entry(id.clone()).or_default() += 1;
        if o["onPos"] == true {
            *on_pos.entry(id).or_default() += 1;
        }
    }
    let (mut accepted, mut not_delivered, mut other, mut duplicates, mut silent) =
        (0, 0, 0, 0u64, 0u64);
    for o in &outcomes {
        let landed: u64 = o
            .client_order_ids
            .iter()
            .map(|id| on_pos.get(id).copied().unwrap_or(0))
            .sum();
        duplicates += landed.saturating_sub(1);
        duplicates += o
            .client_order_ids
            .iter()
            .map(|id| placed.get(id).copied().unwrap_or(0).saturating_sub(1))
            .sum::<u64>();
        match &o.stage {
            Stage::Accepted { .. } => {
                accepted += 1;
                if landed == 0 {
                    silent += 1;
                }
            }
            Stage::CancelledByStore { .. } => other += 1,
            s => {
                if matches!(s, Stage::NotDelivered) {
                    not_delivered += 1;
                } else {
                    other += 1;
                }
                // Told it did not go through, yet the kitchen has it.
                if landed > 0 {
                    silent += 1;
                }
            }
        }
    }
    println!("chaos_guests {guests} guests");
    println!("chaos_tables {tables} tables");
    println!("chaos_orders_submitted {} orders", outcomes.len());
    println!("chaos_orders_accepted {accepted} orders");
    println!("chaos_orders_told_not_delivered {not_delivered} orders");
    println!("chaos_orders_other_end {other} orders");
    println!("chaos_duplicates_on_pos {duplicates} orders");
    println!("chaos_silent_losses {silent} orders");
    let resends: usize = outcomes.iter().map(|o| o.client_order_ids.len() - 1).sum();
    let never_delivered = placed.values().sum::<u64>() - on_pos.values().sum::<u64>();
    println!("chaos_resends_after_not_delivered {resends} orders");
    println!("chaos_upstream_orders_never_delivered {never_delivered} orders");
    println!("chaos_wall_time {elapsed:.1} s");
}

/// A spread of start times without a random-number crate.
fn fastrand_like(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) >> 11
}
