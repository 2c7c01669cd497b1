//! The one-row reads that guests' and tablets' requests make on every call: a tablet's
//! credential, the store's link key, an order's record. On an SQLite file they run on the
//! calling thread over connections of their own: a read by key takes microseconds, less
//! than handing it to a pool connection's thread and back, and those hand-offs were most of
//! what an order cost under load. In WAL a read never waits for a writer, and each read
//! sees every commit made before it began, by any connection or process. Any other
//! database is read through the pool.

use super::statement::{bind, sqlx_query, Arg};
use super::Pool;
use sqlx::Row;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database: {0}")]
    File(#[from] rusqlite::Error),
}

/// One row's columns by position, whichever way it was read.
pub trait Columns {
    fn text(&self, i: usize) -> Result<String, ReadError>;
    fn maybe_text(&self, i: usize) -> Result<Option<String>, ReadError>;
    fn int(&self, i: usize) -> Result<i64, ReadError>;
    fn maybe_int(&self, i: usize) -> Result<Option<i64>, ReadError>;
    fn bytes(&self, i: usize) -> Result<Vec<u8>, ReadError>;
}

/// Connections kept open for reads: one per thread reading at once is all that is used.
const IDLE_CONNECTIONS: usize = 8;

#[derive(Clone)]
pub struct Reads(Arc<Source>);

enum Source {
    File {
        path: PathBuf,
        idle: Mutex<Vec<rusqlite::Connection>>,
    },
    Pool(Pool),
}

impl Reads {
    /// Reads of the pool's database: its SQLite file directly, else through the pool.
    pub fn of(pool: &Pool) -> Reads {
        Reads(Arc::new(match super::sqlite_file(pool) {
            Some(path) => Source::File {
                path,
                idle: Mutex::new(Vec::new()),
            },
            None => Source::Pool(pool.clone()),
        }))
    }

    /// The first row `sql` finds, decoded; `None` when it finds none.
    pub async fn row<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl Fn(&dyn Columns) -> Result<T, ReadError>,
    ) -> Result<Option<T>, ReadError> {
        match &*self.0 {
            Source::File { path, idle } => {
                let taken = idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let conn = match taken {
                    Some(conn) => conn,
                    None => super::open_file(path)?,
                };
                let found = first_row(&conn, sql, args, &decode);
                let mut idle = idle.lock().unwrap_or_else(|p| p.into_inner());
                if idle.len() < IDLE_CONNECTIONS {
                    idle.push(conn);
                }
                found
            }
            Source::Pool(pool) => match sqlx_query(sql, args).fetch_optional(pool).await? {
                Some(row) => decode(&row).map(Some),
                None => Ok(None),
            },
        }
    }
}

/// The first row `sql` finds on this connection, decoded; `None` when it finds none.
pub(crate) fn first_row<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    args: &[Arg<'_>],
    decode: &impl Fn(&dyn Columns) -> Result<T, ReadError>,
) -> Result<Option<T>, ReadError> {
    let mut statement = conn.prepare_cached(sql)?;
    bind(&mut statement, args)?;
    let mut rows = statement.raw_query();
    match rows.next()? {
        Some(row) => decode(row).map(Some),
        None => Ok(None),
    }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<String, ReadError> {
        Ok(self.get(i)?)
    }
    fn maybe_text(&self, i: usize) -> Result<Option<String>, ReadError> {
        Ok(self.get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64, ReadError> {
        Ok(self.get(i)?)
    }
    fn maybe_int(&self, i: usize) -> Result<Option<i64>, ReadError> {
        Ok(self.get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>, ReadError> {
        Ok(self.get(i)?)
    }
}

impl Columns for sqlx::any::AnyRow {
    fn text(&self, i: usize) -> Result<String, ReadError> {
        Ok(self.try_get(i)?)
    }
    fn maybe_text(&self, i: usize) -> Result<Option<String>, ReadError> {
        Ok(self.try_get(i)?)
    }
    fn int(&self, i: usize) -> Result<i64, ReadError> {
        Ok(self.try_get(i)?)
    }
    fn maybe_int(&self, i: usize) -> Result<Option<i64>, ReadError> {
        Ok(self.try_get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>, ReadError> {
        Ok(self.try_get(i)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same rows, read from the file and through the pool, decode alike.
    #[tokio::test]
    async fn the_file_and_the_pool_read_the_same_row() {
        let dir = std::env::temp_dir().join(format!("tableorder-reads-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = crate::db::open(&dir).await.unwrap();
        sqlx::query("CREATE TABLE t (k TEXT PRIMARY KEY, s TEXT, n BIGINT, maybe BIGINT, b BLOB)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t VALUES ('a', 'text', 42, NULL, x'00ff')")
            .execute(&pool)
            .await
            .unwrap();
        let decode = |row: &dyn Columns| {
            Ok((
                row.text(1)?,
                row.int(2)?,
                row.maybe_int(3)?,
                row.maybe_text(1)?,
                row.bytes(4)?,
            ))
        };
        let sql = "SELECT k, s, n, maybe, b FROM t WHERE k = $1";
        let from_file = Reads::of(&pool);
        assert!(matches!(&*from_file.0, Source::File { .. }));
        let through_pool = Reads(Arc::new(Source::Pool(pool.clone())));
        let expected = Some((
            "text".to_string(),
            42,
            None,
            Some("text".to_string()),
            vec![0, 255],
        ));
        for reads in [&from_file, &through_pool] {
            assert_eq!(
                reads.row(sql, &[Arg::Text("a")], decode).await.unwrap(),
                expected
            );
            assert_eq!(
                reads.row(sql, &[Arg::Text("b")], decode).await.unwrap(),
                None
            );
        }
        // A commit through the pool is seen by the next read from the file.
        sqlx::query("UPDATE t SET n = 43 WHERE k = 'a'")
            .execute(&pool)
            .await
            .unwrap();
        let n = from_file
            .row(sql, &[Arg::Text("a")], |row| row.int(2))
            .await
            .unwrap();
        assert_eq!(n, Some(43));
        std::fs::remove_dir_all(&dir).ok();
    }
}
