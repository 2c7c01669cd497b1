//! `tableorder`: the proxy (`serve`) and the simulator (`sim`).

mod commands;

use clap::{Parser, Subcommand};
use commands::{check_upstream, config_for_store, links, load_config, open_db, tablets};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tableorder_proxy::server;
use tableorder_proxy::trust::LinkKeys;

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
    /// A consistent copy of the data directory's database, taken while the server runs.
    Backup {
        /// The file to write (never overwritten).
        #[arg(long)]
        to: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, env = "TABLEORDER_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Put a backup back as the data directory's database (the server stopped); the
    /// database it replaces is kept beside it.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, env = "TABLEORDER_CONFIG")]
        config: Option<PathBuf>,
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

/// Logs as text, or one JSON object a line with `TABLEORDER_LOG_FORMAT=json` (for a log
/// collector); `TABLEORDER_LOG` picks what is logged.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TABLEORDER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=warn"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    let json = std::env::var("TABLEORDER_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    if json {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
}

fn main() -> ExitCode {
    init_logs();
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
        Command::Backup { to, data, config } => commands::backup(config, data, to),
        Command::Restore { from, data, config } => commands::restore(config, data, from),
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
        config.dist = Some(d);
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
            let scheme = if running.state.config.tls.is_some() {
                "https"
            } else {
                "http"
            };
            let base = format!("{scheme}://{}", running.addr);
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
