//! One guest at a table, driven by order-core's own flow over HTTP.

use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{ApiError, ClientConfig, OrderLine, Won};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
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

/// How one guest's order ended, under every id it was sent with.
pub struct Outcome {
    /// (clientOrderId, how the page ended it).
    pub attempts: Vec<(String, Stage)>,
}

/// One guest: an order of two 삼겹살, followed wherever the restaurant takes it.
pub async fn guest(
    http: reqwest::Client,
    bases: Arc<Vec<String>>,
    (table, token): (String, String),
    n: u64,
    config: ClientConfig,
    host: &str,
) -> Outcome {
    // Each call to the next replica: one id's resends are spread over all of them.
    let mut calls = n;
    let mut next_base = move || {
        calls += 1;
        bases[(calls % bases.len() as u64) as usize].clone()
    };
    let lines = vec![OrderLine {
        item_id: "I0201".into(),
        count: 2,
        options: vec![],
        memo: None,
    }];
    // Ids unique to the host, for runs that share one database.
    let id = |k: usize| format!("chaos-{host}-{n:06}-{k}");
    let (mut sub, mut queue) =
        Submission::start(id(0), lines, None, Won(32_000), PayMode::Postpaid, config);
    let mut attempts: Vec<(String, Stage)> = Vec::new();
    let mut asked = 0;
    let orders_path = format!("/api/v1/stores/demo/tables/{table}/orders");
    loop {
        while let Some(command) = (!queue.is_empty()).then(|| queue.remove(0)) {
            let event = match command {
                Command::Inquire(t) => {
                    // As the widget asks: the table's link, and the order it follows.
                    let url = format!(
                        "{}{orders_path}?mine={}",
                        next_base(),
                        sub.client_order_id()
                    );
                    let asked = http.get(&url).header("x-table-token", &token).send();
                    Event::InquiryAnswered(t, answer(asked.await).await)
                }
                Command::Send(t, req) => {
                    let sent = http
                        .post(format!("{}{orders_path}", next_base()))
                        .header("x-table-token", &token)
                        .json(&req)
                        .send();
                    Event::SendAnswered(t, answer(sent.await).await)
                }
                Command::RequestPayment { .. } | Command::Persist => continue,
            };
            queue.extend(sub.handle(event, now_ms()));
        }
        // Nothing to run: wait for the machine's own deadline, if it has one.
        if let Some(at) = sub.wake_at() {
            tokio::time::sleep(Duration::from_millis(at.saturating_sub(now_ms()))).await;
            queue.extend(sub.handle(Event::Timer, now_ms()));
            continue;
        }
        match sub.stage() {
            Stage::NotDelivered if attempts.len() < 2 => {
                let next = id(attempts.len() + 1);
                if let Some((s, c)) = sub.resend(next) {
                    attempts.push((sub.client_order_id().to_string(), sub.stage().clone()));
                    sub = s;
                    queue = c;
                }
            }
            Stage::OccupiedAsk | Stage::StoreClosed | Stage::UnreachableAsk if asked < 10 => {
                asked += 1;
                tokio::time::sleep(Duration::from_millis(1_000)).await;
                queue = sub.handle(Event::GuestRetry, now_ms());
            }
            _ => {
                attempts.push((sub.client_order_id().to_string(), sub.stage().clone()));
                return Outcome { attempts };
            }
        }
    }
}
