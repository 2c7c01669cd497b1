//! `tableorder`: the proxy (`serve`) and the simulator (`sim`).

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tableorder_proxy::config::Config;
use tableorder_proxy::server;

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
    },
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
        } => runtime.block_on(qr(store, base_url, out, config, upstream)),
        Command::Sim {
            listen,
            fixture,
            accept_window_ms,
            delivery_delay_ms,
            complete_after_ms,
            strict,
        } => {
            let timing = pos_sim::Timing {
                accept_window_ms,
                delivery_delay_ms,
                complete_after_ms,
            };
            runtime.block_on(sim(listen, fixture, timing, strict))
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

async fn qr(
    store: String,
    base_url: String,
    out: PathBuf,
    config_path: Option<PathBuf>,
    upstream: Option<String>,
) -> ExitCode {
    let mut config = match load_config(config_path.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if upstream.is_some() {
        config.upstream = upstream;
    }
    let Some(creds) = config.credentials(&store) else {
        let known: Vec<&str> = config.stores.keys().map(String::as_str).collect();
        eprintln!(
            "error: no store {store:?} in the configuration (known: {})",
            known.join(", ")
        );
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
    let name = config.store_name(&store);
    match tableorder_proxy::qr::write_all(&out, &name, &store, &base_url, &tables) {
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
        config.upstream = upstream;
    }
    if sim_control && config.upstream.is_some() {
        eprintln!("error: --sim-control mounts the embedded simulator's controls; with an upstream set, call /sim/... on the simulator itself");
        return ExitCode::from(2);
    }
    config.sim_control |= sim_control;
    let slugs: Vec<String> = config.stores.keys().cloned().collect();
    match server::start(config, server::shutdown_signal()).await {
        Ok(running) => {
            let base = format!("http://{}", running.addr);
            println!("tableorder is serving on {base}");
            if let Some(first) = slugs.first() {
                if let Ok(info) = running.state.catalog.get(first).await {
                    if let Some(table) = info.tables.first() {
                        println!("open a table: {base}/?store={first}&table={}", table.id);
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
