//! The database every durable fact lives in: by default an embedded SQLite file in the data
//! directory; PostgreSQL when `database_url` names one (several servers sharing the work).
//! Both are reached through sqlx's `Any` driver with one set of queries — written in the
//! SQL the two share, with `$1`-style parameters and no boolean columns (SQLite keeps 0/1) —
//! and each has its schema kept by its own migrations in `migrations/`. On the hot paths an
//! SQLite file is also opened directly (rusqlite, the same SQLite library): by the order
//! records' writer, and by the one-row reads of `Reads`; the statements stay the same.

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::AnyConnection;
use sqlx::{ConnectOptions, Connection, Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod reads;
mod statement;

pub(crate) use reads::first_row;
pub use reads::{Columns, ReadError, Reads};
pub use statement::Arg;
pub(crate) use statement::{bind, sqlx_query};

/// A pool of connections to whichever database is configured.
pub type Pool = sqlx::AnyPool;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The file inside the data directory.
pub const DB_FILE: &str = "tableorder.db";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create the data directory {dir}: {source}")]
    Dir { dir: String, source: std::io::Error },
    #[error("database_url must start with postgres:// or sqlite:// (got {0:?})")]
    Url(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if need be) the SQLite file in `dir` and brings its schema up to date.
/// Several processes may open it at once (the server, and the CLI an owner runs beside it).
pub async fn open(dir: &Path) -> Result<Pool, DbError> {
    std::fs::create_dir_all(dir).map_err(|source| DbError::Dir {
        dir: dir.display().to_string(),
        source,
    })?;
    let url = format!("sqlite://{}?mode=rwc", dir.join(DB_FILE).display());
    connect(&url).await
}

/// The configured database: `database_url` when given, else the data directory's file.
pub async fn open_configured(url: Option<&str>, dir: &Path) -> Result<Pool, DbError> {
    match url {
        Some(url) => connect(url).await,
        None => open(dir).await,
    }
}

/// Connects to `url` (PostgreSQL or SQLite) and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Pool, DbError> {
    sqlx::any::install_default_drivers();
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !postgres && !url.starts_with("sqlite:") {
        return Err(DbError::Url(redacted(url)));
    }
    let pool = AnyPoolOptions::new()
        .max_connections(if postgres { 16 } else { 4 })
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _| Box::pin(async move { prepare(conn).await }))
        .connect(url)
        .await?;
    if postgres {
        POSTGRES.run(&pool).await?;
    } else {
        SQLITE.run(&pool).await?;
    }
    Ok(pool)
}

/// SQLite: WAL with full sync, so a row written before the upstream call survives
/// `kill -9`; a writer waits for another rather than failing at once. (PostgreSQL's
/// defaults already hold both.) Every connection to the file is opened with these: the
/// pool's, and the order records' writer's own.
pub(crate) const SQLITE_SETTINGS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";

/// The pool's SQLite file, to be opened again by a connection of rusqlite's; `None` for
/// any other database.
pub(crate) fn sqlite_file(pool: &Pool) -> Option<PathBuf> {
    let url = &pool.connect_options().database_url;
    if url.scheme() != "sqlite" {
        return None;
    }
    let options = SqliteConnectOptions::from_url(url).ok()?;
    let file = options.get_filename();
    (file.as_os_str() != ":memory:").then(|| file.to_path_buf())
}

/// The SQLite file, opened with the pool's settings.
pub(crate) fn open_file(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(SQLITE_SETTINGS)?;
    Ok(conn)
}

async fn prepare(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        conn.execute(SQLITE_SETTINGS).await?;
    }
    conn.ping().await
}

/// A database URL fit for a log: the password hidden.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(
            super::redacted("postgres://table:s3cret@db.internal:5432/orders"),
            "postgres://table:***@db.internal:5432/orders"
        );
        assert_eq!(super::redacted("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    /// Each earlier release's schema (its migrations up to then), holding an order taken
    /// then, is brought up to date by today's, and the order is read as it was: on SQLite,
    /// and on PostgreSQL when `TEST_POSTGRES_URL` names one (as `./run test` does).
    #[tokio::test]
    async fn every_earlier_schema_upgrades_with_its_orders_intact() {
        let root = std::env::temp_dir().join(format!("tableorder-upgrades-{}", std::process::id()));
        let postgres = std::env::var("TEST_POSTGRES_URL").ok();
        for dialect in ["sqlite", "postgres"] {
            if dialect == "postgres" && postgres.is_none() {
                continue;
            }
            let files = migration_files(dialect);
            assert!(files.len() >= 9, "{files:?}");
            for release in 1..files.len() {
                let then = root.join(format!("{dialect}-schema-{release}"));
                std::fs::create_dir_all(&then).unwrap();
                for file in &files[..release] {
                    std::fs::copy(file, then.join(file.file_name().unwrap())).unwrap();
                }
                let url = match &postgres {
                    Some(base) if dialect == "postgres" => {
                        fresh_postgres(base, &format!("upgrade_{}_{release}", std::process::id()))
                            .await
                    }
                    _ => {
                        let dir = root.join(format!("data-{release}"));
                        std::fs::create_dir_all(&dir).unwrap();
                        format!("sqlite://{}?mode=rwc", dir.join(super::DB_FILE).display())
                    }
                };
                upgrade_from(&then, &url, release).await;
            }
        }
        std::fs::remove_dir_all(&root).ok();
    }

    fn migration_files(dialect: &str) -> Vec<std::path::PathBuf> {
        let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect);
        let mut files: Vec<_> = std::fs::read_dir(all)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
    }

    /// A new database on the test server; its URL.
    async fn fresh_postgres(base: &str, name: &str) -> String {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(base).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let (address, options) = base.split_once('?').unwrap_or((base, ""));
        let (server, _) = address.rsplit_once('/').unwrap();
        let options = if options.is_empty() {
            String::new()
        } else {
            format!("?{options}")
        };
        format!("{server}/{name}{options}")
    }

    /// The schema of `then` with an order in it, brought up to date and read back.
    async fn upgrade_from(then: &std::path::Path, url: &str, release: usize) {
        sqlx::any::install_default_drivers();
        let old = sqlx::AnyPool::connect(url).await.unwrap();
        sqlx::migrate::Migrator::new(then)
            .await
            .unwrap()
            .run(&old)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO order_records (store, client_order_id, table_id, fingerprint, state,
               sent_at_ms, order_no, received_at, total, updated_at_ms)
             VALUES ('demo', 'kept-order-0001', '0001-0003', 'f', 'received', 1, 'TO0001',
               '2026-12-01T19:00:00+09:00', 16000, 1)",
        )
        .execute(&old)
        .await
        .unwrap();
        old.close().await;
        let ledger = crate::ledger::Ledger::new(super::connect(url).await.unwrap());
        let record = ledger
            .get("demo", "kept-order-0001")
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("the order of release {release} is gone ({url})"));
        assert_eq!(record.table, "0001-0003", "release {release}");
        assert!(
            matches!(&record.state, crate::ledger::RecordState::Received(r) if r.order_no == "TO0001"),
            "release {release}: {:?}",
            record.state
        );
    }
}
