//! A chaos run through the public API: guests at many tables, each driven by order-core's
//! real flow over HTTP against a `tableorder` process, while the simulated POS misbehaves —
//! tables taken at the counter, dropped deliveries, server errors, answers lost after the
//! commit or coming late (the phone hangs up first), refusals in unknown codes — and the
//! proxy process is killed with SIGKILL and started again. The POS never de-duplicates.
//!
//! Prints `name value unit` lines, then fails unless duplicates, silent losses (told
//! accepted, not on the POS) and phantoms (told not placed, yet on the POS) are all 0.
//! "Unconfirmed" (a busy table's list no longer reaches back to the order) promises
//! neither, and is counted apart.
//! `CHAOS_ORDERS` (default 10,000), `CHAOS_WORKERS` (200) and `CHAOS_TABLES` (100) size it.
//!
//! `CHAOS_DIALECTS` (default `assumed`; `all` for every one) names the hosts to run against,
//! each a way the real host may differ from the assumed one (`pos_sim::Dialect::variants`):
//! the whole run is made once per host, with the proxy taught only what `check-upstream`
//! cannot leave to chance (how many orders a table's list and the store-wide list hold).
//!
//! `CHAOS_PARALLEL` (default 1) runs that many hosts at once (their guests mostly wait, so
//! a few share two cores well); `CHAOS_LOGS=DIR` keeps each server's log there.
//!
//! `CHAOS_REPLICAS` (default 1) runs that many `tableorder` processes on one database —
//! `CHAOS_DATABASE_URL` (PostgreSQL), else one SQLite file — and spreads each guest's calls
//! over them as a load balancer failing over would: every resend and every look may reach
//! another replica than the last. The replicas are killed in turn.

use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{ApiError, ClientConfig, OrderLine, Won};
use pos_sim::{Faults, Fixture, Sim, Timing};
use serde_json::json;
use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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

/// A spread of numbers without a random-number crate.
fn spread(n: u64) -> u64 {
    n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) >> 11
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
struct Outcome {
    /// (clientOrderId, how the page ended it).
    attempts: Vec<(String, Stage)>,
}

/// One guest: an order of two 삼겹살, followed wherever the restaurant takes it.
async fn guest(
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

/// The proxy as its own process, so that it can be killed without a chance to clean up.
struct Proxy {
    child: Option<Child>,
    port: u16,
    upstream: String,
    data: std::path::PathBuf,
    /// The database the replicas share, when not the data directory's file.
    database_url: Option<String>,
    /// What the proxy was taught about the host.
    taught: Vec<(String, String)>,
}

impl Proxy {
    fn start(&mut self) {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tableorder"));
        if let Some(url) = &self.database_url {
            command.env("TABLEORDER_DATABASE_URL", url);
        }
        let child = command
            .args(["serve", "--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--upstream", &self.upstream])
            .args(["--dist", concat!(env!("CARGO_MANIFEST_DIR"), "/../../dist")])
            .arg("--data")
            .arg(&self.data)
            .env(
                "TABLEORDER_LOG",
                if std::env::var("CHAOS_LOGS").is_ok() {
                    "info"
                } else {
                    "error"
                },
            )
            .env("TABLEORDER_STORES__DEMO__STORE_ID", "S0000001")
            .env("TABLEORDER_STORES__DEMO__SERVICE_ID", "SV-DEMO-0001")
            .env("TABLEORDER_TIMING__POLL_INTERVAL_MS", "500")
            .env("TABLEORDER_TIMING__ACCEPT_WINDOW_MS", "4000")
            .env("TABLEORDER_TIMING__OCCUPIED_RETRY_MS", "1000")
            // Longer than the phone waits: a late answer reaches the proxy, not the phone.
            .env("TABLEORDER_LIMITS__UPSTREAM_TIMEOUT_MS", "2000")
            .env(
                "TABLEORDER_LIMITS__REQUESTS_PER_MINUTE_PER_CLIENT",
                "100000000",
            )
            .env(
                "TABLEORDER_LIMITS__ORDERS_PER_MINUTE_PER_TABLE",
                "100000000",
            )
            .envs(self.taught.iter().cloned())
            .stdout(Stdio::null())
            .stderr(self.log())
            .spawn()
            .expect("start tableorder");
        self.child = Some(child);
    }

    /// Where the server's log goes: a file of its own under `CHAOS_LOGS`, else nowhere.
    fn log(&self) -> Stdio {
        let Ok(dir) = std::env::var("CHAOS_LOGS") else {
            return Stdio::null();
        };
        let file = std::path::Path::new(&dir).join(format!("{}.log", self.port));
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null())
    }

    /// SIGKILL: no shutdown, no draining, whatever was in flight.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn wait_until_up(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = http
            .get(format!("{base}/api/v1/stores/demo/menu"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tableorder did not come up at {base}");
}

#[tokio::main]
async fn main() {
    let wanted = std::env::var("CHAOS_DIALECTS").unwrap_or_else(|_| "assumed".into());
    let dialects: Vec<(&str, pos_sim::Dialect)> = pos_sim::Dialect::variants()
        .into_iter()
        .filter(|(name, _)| wanted == "all" || wanted.split(',').any(|w| w.trim() == *name))
        .collect();
    if dialects.is_empty() {
        eprintln!("chaos: no host named in CHAOS_DIALECTS={wanted}");
        std::process::exit(2);
    }
    let parallel = env("CHAOS_PARALLEL", 1).max(1) as usize;
    let mut broken = Vec::new();
    for batch in dialects.chunks(parallel) {
        let runs: Vec<_> = batch
            .iter()
            .cloned()
            .map(|(name, dialect)| tokio::spawn(async move { (name, run(name, dialect).await) }))
            .collect();
        for r in runs {
            let (name, (kept, report)) = r.await.expect("a chaos run");
            println!("chaos_host {name}");
            print!("{report}");
            if !kept {
                broken.push(name);
            }
        }
    }
    if !broken.is_empty() {
        eprintln!(
            "chaos: the promise was broken against {}",
            broken.join(", ")
        );
        std::process::exit(1);
    }
}

/// One whole run against a host speaking `dialect`: whether every promise was kept, and the
/// figures as `name value unit` lines.
async fn run(name: &str, dialect: pos_sim::Dialect) -> (bool, String) {
    let mut report = String::new();
    macro_rules! figure {
        ($($t:tt)*) => {{
            report.push_str(&format!($($t)*));
            report.push('\n');
        }};
    }
    let orders = env("CHAOS_ORDERS", 10_000);
    let workers = env("CHAOS_WORKERS", 200).max(1);
    let tables = env("CHAOS_TABLES", 100).clamp(1, 100);
    let replicas = env("CHAOS_REPLICAS", 1).clamp(1, 9);
    let database_url = std::env::var("CHAOS_DATABASE_URL").ok();

    let mut fixture = Fixture::demo();
    fixture.table_list = (1..=tables)
        .map(|t| pos_sim::fixture::TableRow {
            flr_code: "0001".into(),
            flr_name: "1층".into(),
            tbl_code: format!("{t:04}"),
            tbl_name: format!("{t}번"),
        })
        .collect();
    let timing = Timing {
        accept_window_ms: 4_000,
        delivery_delay_ms: 300,
        complete_after_ms: 30_000,
    };
    let (sim_addr, sim) = pos_sim::spawn(fixture, timing).await.expect("simulator");
    let taught = vec![
        (
            "TABLEORDER_UPSTREAM__TABLE_INQUIRY_LIMIT".to_string(),
            dialect.table_inquiry_limit.to_string(),
        ),
        (
            "TABLEORDER_UPSTREAM__STORE_INQUIRY_PER_TABLE".to_string(),
            dialect.store_inquiry_per_table.to_string(),
        ),
    ];
    sim.pos().set_dialect(dialect);
    // One store across hosts that share a database: its order numbers never repeat.
    let host_index = pos_sim::Dialect::variants()
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or(0);
    sim.pos().skip_order_numbers(host_index as u64 * 100_000);
    let data = std::env::temp_dir().join(format!("tableorder-chaos-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    // Each table's printed link, signed in the data directory the proxy will use.
    let links = tableorder_proxy::trust::LinkKeys::new(
        tableorder_proxy::db::open_configured(database_url.as_deref(), &data)
            .await
            .expect("the database"),
    );
    let mut tokens = Vec::new();
    for t in 1..=tables {
        let table = format!("0001-{t:04}");
        let token = links.token("demo", &table).await.expect("a table link");
        tokens.push((table, token));
    }
    let tokens = Arc::new(tokens);
    let proxies: Vec<Arc<Mutex<Proxy>>> = (0..replicas)
        .map(|_| {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free port");
            Arc::new(Mutex::new(Proxy {
                child: None,
                port,
                upstream: format!("http://{sim_addr}"),
                data: data.clone(),
                database_url: database_url.clone(),
                taught: taught.clone(),
            }))
        })
        .collect();
    // A phone gives up after 1 s: answers that come later than that are hang-ups.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(1_000))
        .build()
        .expect("client");
    let mut bases = Vec::new();
    for proxy in &proxies {
        proxy.lock().expect("proxy").start();
        let base = format!("http://127.0.0.1:{}", proxy.lock().expect("proxy").port);
        wait_until_up(&http, &base).await;
        bases.push(base);
    }
    let bases = Arc::new(bases);
    let client_config: ClientConfig = http
        .get(format!("{}/api/v1/config", bases[0]))
        .send()
        .await
        .expect("config")
        .json()
        .await
        .expect("config");

    let done = Arc::new(AtomicBool::new(false));
    let kills = Arc::new(AtomicU64::new(0));
    let trouble = tokio::spawn(trouble(
        sim.clone(),
        proxies.clone(),
        http.clone(),
        tables,
        done.clone(),
        kills.clone(),
    ));

    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let runs: Vec<_> = (0..workers)
        .map(|_| {
            let (http, bases, next) = (http.clone(), bases.clone(), next.clone());
            let tokens = tokens.clone();
            let host = name.to_string();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= orders {
                        return outcomes;
                    }
                    let at = tokens[(spread(n) % tables) as usize].clone();
                    outcomes.push(
                        guest(http.clone(), bases.clone(), at, n, client_config, &host).await,
                    );
                }
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for r in runs {
        outcomes.extend(r.await.expect("guest"));
    }
    done.store(true, Ordering::Relaxed);
    let _ = trouble.await;
    // Past the acceptance window nothing undelivered can still reach the POS.
    tokio::time::sleep(Duration::from_millis(
        timing.accept_window_ms as u64 + 1_000,
    ))
    .await;
    let elapsed = started.elapsed().as_secs_f64();

    let now = sim.clock.now();
    let mut on_pos: HashMap<String, u64> = HashMap::new();
    let mut placed: HashMap<String, u64> = HashMap::new();
    let all = sim.pos().all_orders(now);
    for o in &all {
        *placed.entry(o.mcht_order_no.clone()).or_default() += 1;
        if o.on_pos {
            *on_pos.entry(o.mcht_order_no.clone()).or_default() += 1;
        }
    }
    // The POS knows each order by the partner's number it was sent under, not by its id.
    let landed = |id: &str| {
        let number = tableorder_proxy::upstream::partner_order_no("demo", id);
        on_pos.get(&number).copied().unwrap_or(0)
    };
    let (mut accepted, mut not_placed, mut by_store) = (0u64, 0u64, 0u64);
    let (mut unconfirmed, mut unconfirmed_on_pos) = (0u64, 0u64);
    let (mut duplicates, mut silent, mut phantoms) = (0u64, 0u64, 0u64);
    // A broken promise is shown whole: each attempt, what the guest was told, what the POS has.
    let explain = |what: &str, o: &Outcome| {
        eprintln!("chaos: {what} against {name}");
        for (id, stage) in &o.attempts {
            eprintln!("  {id}: told {stage:?}");
            let number = tableorder_proxy::upstream::partner_order_no("demo", id);
            for p in all.iter().filter(|p| p.mcht_order_no == number) {
                eprintln!(
                    "    on the POS side: {} at {} ({:?}, on_pos {})",
                    p.order_no, p.table, p.stage, p.on_pos
                );
            }
        }
    };
    for o in &outcomes {
        let total: u64 = o.attempts.iter().map(|(id, _)| landed(id)).sum();
        duplicates += total.saturating_sub(1);
        if total > 1 {
            explain("a duplicate", o);
        }
        for (id, stage) in &o.attempts {
            match stage {
                Stage::Accepted { .. } => {
                    accepted += 1;
                    if landed(id) == 0 {
                        silent += 1;
                        explain("a silent loss", o);
                    }
                }
                Stage::CancelledByStore { .. } => by_store += 1,
                // Neither placed nor not: a busy table's list no longer shows it; staff look.
                Stage::Unconfirmed { .. } => {
                    unconfirmed += 1;
                    unconfirmed_on_pos += landed(id).min(1);
                }
                _ => {
                    not_placed += 1;
                    if landed(id) > 0 {
                        phantoms += 1;
                        explain("a phantom", o);
                    }
                }
            }
        }
    }
    let sent_upstream: u64 = placed.values().sum();
    let resends: usize = outcomes.iter().map(|o| o.attempts.len() - 1).sum();
    figure!("chaos_orders {} orders", outcomes.len());
    figure!("chaos_tables {tables} tables");
    figure!("chaos_replicas {replicas} servers");
    figure!("chaos_accepted {accepted} orders");
    figure!("chaos_told_not_placed {not_placed} attempts");
    figure!("chaos_cancelled_by_store {by_store} orders");
    figure!("chaos_unconfirmed {unconfirmed} orders");
    figure!("chaos_unconfirmed_on_pos {unconfirmed_on_pos} orders");
    figure!("chaos_resends_after_not_delivered {resends} orders");
    figure!("chaos_upstream_orders {sent_upstream} orders");
    figure!("chaos_proxy_kills {} kills", kills.load(Ordering::Relaxed));
    figure!("chaos_duplicates {duplicates} orders");
    figure!("chaos_silent_losses {silent} orders");
    figure!("chaos_phantoms {phantoms} orders");
    figure!("chaos_wall_time {elapsed:.1} s");
    for proxy in &proxies {
        proxy.lock().expect("proxy").kill();
    }
    let _ = std::fs::remove_dir_all(&data);
    if kills.load(Ordering::Relaxed) == 0 {
        eprintln!(
            "chaos: the run against {name} ended before any server was killed; make it longer"
        );
        return (false, report);
    }
    if duplicates + silent + phantoms > 0 || outcomes.len() as u64 != orders {
        eprintln!("chaos: the promise was broken against {name}");
        return (false, report);
    }
    (true, report)
}

/// The restaurant's bad day, in rounds until the guests are done: each round picks a kind of
/// trouble; every few rounds the proxy is killed and started again.
async fn trouble(
    sim: Arc<Sim>,
    proxies: Vec<Arc<Mutex<Proxy>>>,
    http: reqwest::Client,
    tables: u64,
    done: Arc<AtomicBool>,
    kills: Arc<AtomicU64>,
) {
    let mut round = 0u64;
    let mut held: Option<String> = None;
    while !done.load(Ordering::Relaxed) {
        round += 1;
        let faults = match round % 5 {
            // Answers come 1.2 s after the commit: the phone (1 s) has hung up.
            0 => Faults {
                late_answer_ms: 1_200,
                ..Faults::default()
            },
            1 => Faults {
                latency_ms: 150,
                error_rate: 0.05,
                drop_after_commit_rate: 0.05,
                ..Faults::default()
            },
            2 => Faults {
                latency_ms: 400,
                ..Faults::default()
            },
            _ => Faults::default(),
        };
        sim.set_faults(faults);
        {
            let mut pos = sim.pos();
            // The counter holds one table at a time, for a round.
            if let Some(table) = held.take() {
                let _ = pos.set_occupied("0001", &table, false);
            }
            if round.is_multiple_of(3) {
                let table = format!("{:04}", 1 + spread(round) % tables);
                let _ = pos.set_occupied("0001", &table, true);
                held = Some(table);
            }
            pos.set_delivery(if round.is_multiple_of(7) {
                pos_sim::Delivery::Drop
            } else {
                pos_sim::Delivery::Normal
            });
        }
        if round.is_multiple_of(4) {
            let _ = http
                .post(format!("{}/sim/refusals", sim_base(&proxies[0])))
                .json(&json!({"errcode": "E7777", "msg": "포스 점검 중", "count": 3}))
                .send()
                .await;
        }
        if round % 9 == 3 {
            // The replicas in turn, each killed mid-run and started again.
            let proxy = &proxies[(round / 9) as usize % proxies.len()];
            let base = format!("http://127.0.0.1:{}", proxy.lock().expect("proxy").port);
            proxy.lock().expect("proxy").kill();
            kills.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(300)).await;
            // It comes back on a calm upstream, so that it can load the menu again.
            sim.set_faults(Faults::default());
            proxy.lock().expect("proxy").start();
            wait_until_up(&http, &base).await;
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    sim.set_faults(Faults::default());
    let mut pos = sim.pos();
    for t in 1..=tables {
        let _ = pos.set_occupied("0001", &format!("{t:04}"), false);
    }
    pos.set_delivery(pos_sim::Delivery::Normal);
}

fn sim_base(proxy: &Arc<Mutex<Proxy>>) -> String {
    proxy.lock().expect("proxy").upstream.clone()
}
