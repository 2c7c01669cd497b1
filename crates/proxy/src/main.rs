//! `tableorder`: the proxy (`serve`) and the simulator (`sim`).

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tableorder_proxy::config::Config;
use tableorder_proxy::server;
use tableorder_proxy::trust::{Devices, LinkKeys};

#[derive(Parser)]
#[command(
    name = "tableorder",
    version,
    about = "QR table ordering for Smartro Smile POS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the proxy and serve the widget. With no upstream, a simulated POS runs inside.
    Serve {
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// TOML config file; every key can also be set as TABLEORDER_… in the environment.
        #[arg(long, env = "TABLEORDER_CONFIG")]
        config: Option<PathBuf>,
        /// The built widget.
        #[arg(long)]
        dist: Option<PathBuf>,
        /// Smartro's base URL (or a standalone simulator's).
        #[arg(long)]
        upstream: Option<String>,
        /// Where durable state lives (default: ./data).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Mount the embedded simulator's /sim control API (never in production).
        #[arg(long)]
        sim_control: bool,
    },
    /// Write printable table QR codes (one SVG per table and an A4 sheet) from the store's
    /// table list at the upstream.
    Qr {
        /// The store's public slug.
        #[arg(long)]
        store: String,
        /// Where guests open the page, e.g. https://order.example.com
        #[arg(long)]
        base_url: String,
        #[arg(long, default_value = "qr")]
        out: PathBuf,
        #[arg(long, env = "TABLEORDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        upstream: Option<String>,
        /// The data directory holding the link keys (the server's).
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Table links: renew one table's, or rotate the key they are all signed with.
    Links {
        #[command(subcommand)]
        action: LinksAction,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// The store's own tablets: enrolment codes, the list, revoking one.
    Tablets {
        #[command(subcommand)]
        action: TabletsAction,
        #[command(flatten)]
        at: StoreArgs,
    },
    /// Check the store's Smartro host against every assumption the adapter makes: one row
    /// each, exit 0 only when all hold. Read-only unless --test-table is given.
    CheckUpstream {
        #[arg(long)]
        store: String,
        #[arg(long, env = "TABLEORDER_CONFIG")]
        config: Option<PathBuf>,
        #[arg(long)]
        upstream: Option<String>,
        /// Keep every answer, redacted, here (for crates/proxy/tests/corpus/).
        #[arg(long)]
        record: Option<PathBuf>,
        /// FLR-TBL: place one staff call there (no cost, nothing printed) and follow it.
        #[arg(long)]
        test_table: Option<String>,
        /// How long the test call is followed.
        #[arg(long, default_value_t = 20)]
        follow_secs: u64,
    },
    /// Run the simulated Order Agent and POS alone, speaking the upstream API.
    Sim {
        #[arg(long, default_value = "127.0.0.1:9090")]
        listen: SocketAddr,
        /// A store in the upstream's shapes (default: the bundled demo store).
        #[arg(long)]
        fixture: Option<PathBuf>,
        #[arg(long, default_value_t = 60_000)]
        accept_window_ms: i64,
        #[arg(long, default_value_t = 1_500)]
        delivery_delay_ms: i64,
        #[arg(long, default_value_t = 30_000)]
        complete_after_ms: i64,
        /// Also refuse order amounts that do not add up (the real service takes them).
        #[arg(long)]
        strict: bool,
        /// Answer as one of the hosts the evidence allows (assumed, short-echo, no-echo, …).
        #[arg(long, default_value = "assumed")]
        dialect: String,
    },
}

/// Which store, and where its server keeps its data.
#[derive(clap::Args)]
struct StoreArgs {
    /// The store's public slug.
    #[arg(long, global = true)]
    store: Option<String>,
    #[arg(long, env = "TABLEORDER_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The server's data directory (default: the config's, ./data).
    #[arg(long, global = true)]
    data: Option<PathBuf>,
}

#[derive(Subcommand)]
enum LinksAction {
    /// Sign every table link with a new key: all printed QR codes stop working; print the
    /// sheet again (`tableorder qr`).
    Rotate,
    /// A new link for one table (a photographed or copied sticker): that table's printed
    /// code stops working, every other table's keeps working.
    Renew {
        /// FLR-TBL, e.g. 0001-0003.
        #[arg(long)]
        table: String,
    },
}

#[derive(Subcommand)]
enum TabletsAction {
    /// A one-time code to type on a new tablet (valid 15 minutes).
    Enrol,
    /// The tablets enrolled at the store.
    List,
    /// Stop a tablet's credential from working (lost, stolen, replaced).
    Revoke { device: String },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TABLEORDER_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn")),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Command::Serve {
            listen,
            config,
            dist,
            upstream,
            data,
            sim_control,
        } => runtime.block_on(serve(listen, config, dist, upstream, data, sim_control)),
        Command::Qr {
            store,
            base_url,
            out,
            config,
            upstream,
            data,
        } => runtime.block_on(qr(store, base_url, out, config, upstream, data)),
        Command::Links { action, at } => runtime.block_on(links(action, at)),
        Command::CheckUpstream {
            store,
            config,
            upstream,
            record,
            test_table,
            follow_secs,
        } => {
            let options = tableorder_proxy::check::CheckOptions {
                store,
                test_table,
                record,
                follow: std::time::Duration::from_secs(follow_secs),
                tables_read: 50,
            };
            runtime.block_on(check_upstream(config, upstream, options))
        }
        Command::Tablets { action, at } => runtime.block_on(tablets(action, at)),
        Command::Sim {
            listen,
            fixture,
            accept_window_ms,
            delivery_delay_ms,
            complete_after_ms,
            strict,
            dialect,
        } => {
            let timing = pos_sim::Timing {
                accept_window_ms,
                delivery_delay_ms,
                complete_after_ms,
            };
            let Some(dialect) = pos_sim::Dialect::named(&dialect) else {
                let known: Vec<&str> = pos_sim::Dialect::variants()
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                eprintln!("error: no dialect {dialect:?}; known: {}", known.join(", "));
                return ExitCode::from(2);
            };
            runtime.block_on(sim(listen, fixture, timing, strict, dialect))
        }
    }
}

/// The configuration from the file and the environment (minus the variables that name
/// the file and the log level, which are not settings).
fn load_config(path: Option<&std::path::Path>) -> Result<Config, ExitCode> {
    let vars = std::env::vars().filter(|(k, _)| k != "TABLEORDER_CONFIG" && k != "TABLEORDER_LOG");
    Config::load(path, vars).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// The configuration with `--data` applied, and the store checked against it.
fn config_for_store(
    config_path: Option<&std::path::Path>,
    data: Option<PathBuf>,
    store: &str,
) -> Result<Config, ExitCode> {
    let mut config = load_config(config_path)?;
    if let Some(d) = data {
        config.data_dir = d;
    }
    if !config.stores.contains_key(store) {
        let known: Vec<&str> = config.stores.keys().map(String::as_str).collect();
        eprintln!(
            "error: no store {store:?} in the configuration (known: {})",
            known.join(", ")
        );
        return Err(ExitCode::from(2));
    }
    Ok(config)
}

async fn check_upstream(
    config_path: Option<PathBuf>,
    upstream: Option<String>,
    options: tableorder_proxy::check::CheckOptions,
) -> ExitCode {
    let mut config = match config_for_store(config_path.as_deref(), None, &options.store) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if upstream.is_some() {
        config.upstream.url = upstream;
    }
    match tableorder_proxy::check::against_config(&config, &options).await {
        Ok(rows) => {
            print!("{}", tableorder_proxy::check::verdicts::render(&rows));
            if tableorder_proxy::check::all_hold(&rows) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn open_db(config: &Config) -> Result<tableorder_proxy::db::Pool, ExitCode> {
    tableorder_proxy::db::open_configured(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(3)
        })
}

fn store_of(at: &StoreArgs) -> Result<&str, ExitCode> {
    at.store.as_deref().ok_or_else(|| {
        eprintln!("error: which store? add --store SLUG");
        ExitCode::from(2)
    })
}

async fn links(action: LinksAction, at: StoreArgs) -> ExitCode {
    let run = async {
        let store = store_of(&at)?;
        let config = config_for_store(at.config.as_deref(), at.data.clone(), store)?;
        let keys = LinkKeys::new(open_db(&config).await?);
        match action {
            LinksAction::Renew { table } => {
                if order_core::parse_table_id(&table).is_none() {
                    eprintln!("error: {table:?} is not a table (FLR-TBL, e.g. 0001-0003)");
                    return Err(ExitCode::from(2));
                }
                match keys.renew(store, &table).await {
                    Ok(generation) => {
                        println!("table {table} of {store} has a new link (renewal {generation}): its printed code has stopped working; every other table's still works.");
                        println!("print its new code: tableorder qr --store {store} --base-url https://…");
                        Ok(())
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        Err(ExitCode::from(3))
                    }
                }
            }
            LinksAction::Rotate => {
                match keys.rotate(store).await {
                    Ok(id) => {
                        println!("table links of {store} are now signed with key {id}: every printed code has stopped working.");
                        println!("print the new sheet: tableorder qr --store {store} --base-url https://…");
                        Ok(())
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        Err(ExitCode::from(3))
                    }
                }
            }
        }
    };
    run.await.err().unwrap_or(ExitCode::SUCCESS)
}

async fn tablets(action: TabletsAction, at: StoreArgs) -> ExitCode {
    let run = async {
        let store = store_of(&at)?;
        let config = config_for_store(at.config.as_deref(), at.data.clone(), store)?;
        let devices = Devices::new(
            open_db(&config).await?,
            std::time::Duration::from_secs(config.tablets.idle_expiry_secs),
        );
        let failed = |e: tableorder_proxy::trust::TrustError| {
            eprintln!("error: {e}");
            ExitCode::from(3)
        };
        match action {
            TabletsAction::Enrol => {
                let code = devices.issue_code(store).await.map_err(failed)?;
                println!("{}", code.code);
                eprintln!("type this code on the tablet within 15 minutes; it works once.");
            }
            TabletsAction::List => {
                let list = devices.list(store).await.map_err(failed)?;
                if list.is_empty() {
                    println!("no tablets enrolled at {store}");
                }
                for d in list {
                    let state = match (d.revoked_at_ms, d.last_seen_at_ms) {
                        (Some(at), _) => format!("revoked {}", when(at)),
                        (None, Some(at)) => format!("last seen {}", when(at)),
                        (None, None) => "never seen".into(),
                    };
                    println!(
                        "{}  {:<20}  enrolled {}  {state}",
                        d.device_id,
                        d.name,
                        when(d.enrolled_at_ms)
                    );
                }
            }
            TabletsAction::Revoke { device } => {
                if devices.revoke(store, &device).await.map_err(failed)? {
                    println!("{device} is revoked: it can no longer take orders or payments.");
                } else {
                    eprintln!(
                        "error: no tablet {device:?} at {store} (see `tableorder tablets list`)"
                    );
                    return Err(ExitCode::from(2));
                }
            }
        }
        Ok(())
    };
    run.await.err().unwrap_or(ExitCode::SUCCESS)
}

/// Milliseconds since the epoch as Korean local time.
fn when(ms: i64) -> String {
    tableorder_proxy::kst::from_ms(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

async fn qr(
    store: String,
    base_url: String,
    out: PathBuf,
    config_path: Option<PathBuf>,
    upstream: Option<String>,
    data: Option<PathBuf>,
) -> ExitCode {
    let mut config = match config_for_store(config_path.as_deref(), data, &store) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if upstream.is_some() {
        config.upstream.url = upstream;
    }
    if let Err(e) = tableorder_proxy::qr::check_base_url(&base_url) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let Some(creds) = config.credentials(&store) else {
        return ExitCode::from(2);
    };
    let (url, _sim) = match server::resolve_upstream(&mut config).await {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    let limits = &config.limits;
    let tables = match tableorder_proxy::upstream::Upstream::new(
        &url,
        std::time::Duration::from_millis(limits.upstream_connect_timeout_ms),
        std::time::Duration::from_millis(limits.upstream_timeout_ms),
    ) {
        Ok(up) => up.tables(&creds).await,
        Err(e) => Err(e),
    };
    let tables = match tables {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot fetch the table list of {store:?} from {url}: {e}");
            return ExitCode::from(4);
        }
    };
    let db = match open_db(&config).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    let links = match LinkKeys::new(db)
        .table_links(&store, &base_url, &tables)
        .await
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    let name = config.store_name(&store);
    match tableorder_proxy::qr::write_all(&out, &name, &store, &links) {
        Ok(files) => {
            println!(
                "{} table codes for {} written to {}",
                tables.len(),
                name,
                out.display()
            );
            if let Some(sheet) = files.last() {
                println!("print this sheet: {}", sheet.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve(
    listen: Option<SocketAddr>,
    config_path: Option<PathBuf>,
    dist: Option<PathBuf>,
    upstream: Option<String>,
    data: Option<PathBuf>,
    sim_control: bool,
) -> ExitCode {
    let mut config = match load_config(config_path.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(d) = data {
        config.data_dir = d;
    }
    if let Some(l) = listen {
        config.listen = l;
    }
    if let Some(d) = dist {
        config.dist = d;
    }
    if upstream.is_some() {
        config.upstream.url = upstream;
    }
    if sim_control && config.upstream.url.is_some() {
        eprintln!("error: --sim-control mounts the embedded simulator's controls; with an upstream set, call /sim/... on the simulator itself");
        return ExitCode::from(2);
    }
    config.sim_control |= sim_control;
    let slugs: Vec<String> = config.stores.keys().cloned().collect();
    // A working table link is printed for the demo only: a real store's links are its
    // stickers, and a log is no place for one.
    let demo = config.is_demo();
    match server::start(config, server::shutdown_signal()).await {
        Ok(running) => {
            let base = format!("http://{}", running.addr);
            println!("tableorder is serving on {base}");
            if let Some(first) = slugs.first().filter(|_| demo) {
                if let Ok(info) = running.state.catalog.get(first).await {
                    if let Some(table) = info.tables.first() {
                        match running.state.links.token(first, &table.id).await {
                            Ok(token) => println!(
                                "open a table: {}",
                                tableorder_proxy::trust::table_url(&base, first, &table.id, &token)
                            ),
                            Err(e) => eprintln!("warning: cannot sign a table link: {e}"),
                        }
                    }
                }
            }
            match running.task.await {
                Ok(Ok(())) => ExitCode::SUCCESS,
                Ok(Err(e)) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

async fn sim(
    listen: SocketAddr,
    fixture: Option<PathBuf>,
    timing: pos_sim::Timing,
    strict: bool,
    dialect: pos_sim::Dialect,
) -> ExitCode {
    let fixture = match fixture {
        None => pos_sim::Fixture::demo(),
        Some(path) => match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| pos_sim::Fixture::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: fixture {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {listen}: {e}");
            return ExitCode::from(3);
        }
    };
    println!(
        "simulated Order Agent for store {} on http://{listen} (control API under /sim)",
        fixture.store_id
    );
    let sim = pos_sim::Sim::new(fixture, timing);
    sim.pos().set_strict(strict);
    sim.pos().set_dialect(dialect);
    let app = pos_sim::router(sim);
    match axum::serve(listener, app)
        .with_graceful_shutdown(server::shutdown_signal())
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
