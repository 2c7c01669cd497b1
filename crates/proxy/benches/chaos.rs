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

#[path = "chaos/guest.rs"]
mod guest;
#[path = "chaos/proxy.rs"]
mod proxy;
#[path = "chaos/tally.rs"]
mod tally;

use guest::{guest, Outcome};
use order_core::ClientConfig;
use pos_sim::{Faults, Fixture, Sim, Timing};
use proxy::{wait_until_up, Proxy};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// A host to run against: the simulator speaking one dialect, the table links, and the
/// `tableorder` processes in front of it.
struct Host {
    sim: Arc<Sim>,
    proxies: Vec<Arc<Mutex<Proxy>>>,
    bases: Arc<Vec<String>>,
    tokens: Arc<Vec<(String, String)>>,
    http: reqwest::Client,
    config: ClientConfig,
    data: std::path::PathBuf,
}

/// The host's timing: the 60 s acceptance window in miniature.
const TIMING: Timing = Timing {
    accept_window_ms: 4_000,
    delivery_delay_ms: 300,
    complete_after_ms: 30_000,
};

impl Host {
    async fn start(name: &str, dialect: pos_sim::Dialect, tables: u64, replicas: u64) -> Host {
        let database_url = std::env::var("CHAOS_DATABASE_URL").ok();
        let (sim_addr, sim) = pos_sim::spawn(fixture(tables), TIMING)
            .await
            .expect("simulator");
        let taught = taught(&dialect);
        sim.pos().set_dialect(dialect);
        // One store across hosts that share a database: its order numbers never repeat.
        let host_index = pos_sim::Dialect::variants()
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or(0);
        sim.pos().skip_order_numbers(host_index as u64 * 100_000);
        let data =
            std::env::temp_dir().join(format!("tableorder-chaos-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let tokens = Arc::new(table_tokens(&data, database_url.as_deref(), tables).await);
        let proxies: Vec<Arc<Mutex<Proxy>>> = (0..replicas)
            .map(|_| {
                Arc::new(Mutex::new(Proxy {
                    child: None,
                    port: free_port(),
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
        let config: ClientConfig = http
            .get(format!("{}/api/v1/config", bases[0]))
            .send()
            .await
            .expect("config")
            .json()
            .await
            .expect("config");
        Host {
            sim,
            proxies,
            bases: Arc::new(bases),
            tokens,
            http,
            config,
            data,
        }
    }

    /// `orders` guests, `workers` at a time, each at a table picked by its number.
    async fn guests(&self, orders: u64, workers: u64, name: &str) -> Vec<Outcome> {
        let next = Arc::new(AtomicU64::new(0));
        let runs: Vec<_> = (0..workers)
            .map(|_| {
                let (http, bases, next) = (self.http.clone(), self.bases.clone(), next.clone());
                let (tokens, config, host) = (self.tokens.clone(), self.config, name.to_string());
                tokio::spawn(async move {
                    let mut outcomes = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= orders {
                            return outcomes;
                        }
                        let at = tokens[(spread(n) % tokens.len() as u64) as usize].clone();
                        let outcome = guest(http.clone(), bases.clone(), at, n, config, &host);
                        outcomes.push(outcome.await);
                    }
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for r in runs {
            outcomes.extend(r.await.expect("guest"));
        }
        outcomes
    }

    fn stop(&self) {
        for proxy in &self.proxies {
            proxy.lock().expect("proxy").kill();
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The demo store with `tables` tables on its first floor.
fn fixture(tables: u64) -> Fixture {
    let mut fixture = Fixture::demo();
    fixture.table_list = (1..=tables)
        .map(|t| pos_sim::fixture::TableRow {
            flr_code: "0001".into(),
            flr_name: "1층".into(),
            tbl_code: format!("{t:04}"),
            tbl_name: format!("{t}번"),
        })
        .collect();
    fixture
}

/// What `check-upstream` would have taught the server about this host.
fn taught(dialect: &pos_sim::Dialect) -> Vec<(String, String)> {
    vec![
        (
            "TABLEORDER_UPSTREAM__TABLE_INQUIRY_LIMIT".to_string(),
            dialect.table_inquiry_limit.to_string(),
        ),
        (
            "TABLEORDER_UPSTREAM__STORE_INQUIRY_PER_TABLE".to_string(),
            dialect.store_inquiry_per_table.to_string(),
        ),
    ]
}

/// Each table's printed link, signed in the data directory the proxy will use.
async fn table_tokens(
    data: &std::path::Path,
    database_url: Option<&str>,
    tables: u64,
) -> Vec<(String, String)> {
    let links = tableorder_proxy::trust::LinkKeys::new(
        tableorder_proxy::db::open_configured(database_url, data)
            .await
            .expect("the database"),
    );
    let mut tokens = Vec::new();
    for t in 1..=tables {
        let table = format!("0001-{t:04}");
        let token = links.token("demo", &table).await.expect("a table link");
        tokens.push((table, token));
    }
    tokens
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One whole run against a host speaking `dialect`: whether every promise was kept, and the
/// figures as `name value unit` lines.
async fn run(name: &str, dialect: pos_sim::Dialect) -> (bool, String) {
    let orders = env("CHAOS_ORDERS", 10_000);
    let workers = env("CHAOS_WORKERS", 200).max(1);
    let tables = env("CHAOS_TABLES", 100).clamp(1, 100);
    let replicas = env("CHAOS_REPLICAS", 1).clamp(1, 9);
    let host = Host::start(name, dialect, tables, replicas).await;
    let done = Arc::new(AtomicBool::new(false));
    let kills = Arc::new(AtomicU64::new(0));
    let trouble = tokio::spawn(trouble(
        host.sim.clone(),
        host.proxies.clone(),
        host.http.clone(),
        tables,
        done.clone(),
        kills.clone(),
    ));
    let started = Instant::now();
    let outcomes = host.guests(orders, workers, name).await;
    done.store(true, Ordering::Relaxed);
    let _ = trouble.await;
    // Past the acceptance window nothing undelivered can still reach the POS.
    tokio::time::sleep(Duration::from_millis(
        TIMING.accept_window_ms as u64 + 1_000,
    ))
    .await;
    let elapsed = started.elapsed().as_secs_f64();
    let all = host.sim.pos().all_orders(host.sim.clock.now());
    let tally = tally::Tally::of(&outcomes, &all, name);
    host.stop();
    let kills = kills.load(Ordering::Relaxed);
    let mut report = format!("chaos_tables {tables} tables\nchaos_replicas {replicas} servers\n");
    tally.report(&mut report);
    report.push_str(&format!(
        "chaos_proxy_kills {kills} kills\nchaos_wall_time {elapsed:.1} s\n"
    ));
    if kills == 0 {
        eprintln!(
            "chaos: the run against {name} ended before any server was killed; make it longer"
        );
        return (false, report);
    }
    if !tally.kept() || outcomes.len() as u64 != orders {
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
