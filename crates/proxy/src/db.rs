//! The database every durable fact lives in: an embedded SQLite file in the data directory,
//! its schema kept by the migrations in `migrations/`.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The file inside the data directory.
pub const DB_FILE: &str = "tableorder.db";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot create the data directory {dir}: {source}")]
    Dir { dir: String, source: std::io::Error },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if need be) the database in `dir` and brings its schema up to date.
/// Several processes may open it at once (the server, and the CLI an owner runs beside it).
pub async fn open(dir: &Path) -> Result<SqlitePool, DbError> {
    std::fs::create_dir_all(dir).map_err(|source| DbError::Dir {
        dir: dir.display().to_string(),
        source,
    })?;
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(dir.join(DB_FILE))
        .create_if_missing(true)
        // WAL with full sync: a row written before the upstream call survives `kill -9`.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}
