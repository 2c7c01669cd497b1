//! The command line's store commands (table links, tablets), backups, and what they share:
//! the configuration as the server reads it, and its database.

use crate::{LinksAction, StoreArgs, TabletsAction};
use std::path::PathBuf;
use std::process::ExitCode;
use tableorder_proxy::config::Config;
use tableorder_proxy::trust::{Devices, LinkKeys};

/// The configuration from the file and the environment (minus the variables that name
/// the file and the log level, which are not settings).
pub(crate) fn load_config(path: Option<&std::path::Path>) -> Result<Config, ExitCode> {
    // What the process reads itself (the file's path, what and how it logs) is not config.
    const NOT_CONFIG: [&str; 3] = [
        "TABLEORDER_CONFIG",
        "TABLEORDER_LOG",
        "TABLEORDER_LOG_FORMAT",
    ];
    let vars = std::env::vars().filter(|(k, _)| !NOT_CONFIG.contains(&k.as_str()));
    Config::load(path, vars).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// The configuration with `--data` applied, and the store checked against it.
pub(crate) fn config_for_store(
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

pub(crate) async fn check_upstream(
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

pub(crate) async fn open_db(config: &Config) -> Result<tableorder_proxy::db::Pool, ExitCode> {
    tableorder_proxy::db::open_configured(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(3)
        })
}

pub(crate) fn store_of(at: &StoreArgs) -> Result<&str, ExitCode> {
    at.store.as_deref().ok_or_else(|| {
        eprintln!("error: which store? add --store SLUG");
        ExitCode::from(2)
    })
}

pub(crate) async fn links(action: LinksAction, at: StoreArgs) -> ExitCode {
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

pub(crate) async fn tablets(action: TabletsAction, at: StoreArgs) -> ExitCode {
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
pub(crate) fn when(ms: i64) -> String {
    tableorder_proxy::kst::from_ms(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The data directory a backup or restore works on; PostgreSQL is backed up by its own tools.
fn sqlite_data(config: Option<PathBuf>, data: Option<PathBuf>) -> Result<PathBuf, ExitCode> {
    let config = load_config(config.as_deref())?;
    if config.database_url.is_some() {
        eprintln!("error: the records are in PostgreSQL (database_url): back it up with pg_dump and restore with pg_restore (see the README)");
        return Err(ExitCode::from(2));
    }
    Ok(data.unwrap_or(config.data_dir))
}

pub(crate) fn backup(config: Option<PathBuf>, data: Option<PathBuf>, to: PathBuf) -> ExitCode {
    let dir = match sqlite_data(config, data) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    match tableorder_proxy::backup::backup(&dir, &to) {
        Ok(copied) => {
            println!(
                "backed up {} to {} ({} orders on record, {} bytes, checked)",
                dir.display(),
                to.display(),
                copied.orders,
                copied.bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

pub(crate) fn restore(config: Option<PathBuf>, data: Option<PathBuf>, from: PathBuf) -> ExitCode {
    let dir = match sqlite_data(config, data) {
        Ok(dir) => dir,
        Err(code) => return code,
    };
    match tableorder_proxy::backup::restore(&from, &dir) {
        Ok(restored) => {
            println!(
                "restored {} into {} ({} orders on record)",
                from.display(),
                dir.display(),
                restored.copied.orders
            );
            if let Some(kept) = restored.replaced {
                println!("the database it replaced is kept as {}", kept.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}
