//! The last good copy of each store's base information (tables, menu, change stamp), kept in
//! the database: a server started while the host cannot be reached serves it, marked stale,
//! rather than failing every guest until the host is back.

use crate::catalog::BaseInfo;
use crate::db::Pool;
use order_core::{Category, StaffCallReason, Table};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("a kept copy could not be read: {0}")]
    Json(#[from] serde_json::Error),
}

/// A store's kept copy, and when it was fetched.
pub struct KeptCopy {
    pub tables: Vec<Table>,
    pub categories: Vec<Category>,
    pub staff_calls: Vec<StaffCallReason>,
    pub staff_calls_on_pos: bool,
    pub stamp: String,
    pub fetched_at_ms: i64,
}

#[derive(Clone)]
pub struct BaseCopies {
    pool: Pool,
}

impl BaseCopies {
    pub fn new(pool: Pool) -> BaseCopies {
        BaseCopies { pool }
    }

    /// Keeps `info`, fetched at `fetched_at_ms`, in place of the store's last copy.
    pub async fn keep(
        &self,
        store: &str,
        info: &BaseInfo,
        fetched_at_ms: i64,
    ) -> Result<(), CopyError> {
        sqlx::query(
            "INSERT INTO base_copies
                 (store, tables, categories, staff_calls, staff_calls_on_pos, stamp, fetched_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (store) DO UPDATE SET tables = excluded.tables,
                 categories = excluded.categories, staff_calls = excluded.staff_calls,
                 staff_calls_on_pos = excluded.staff_calls_on_pos, stamp = excluded.stamp,
                 fetched_at_ms = excluded.fetched_at_ms",
        )
        .bind(store)
        .bind(serde_json::to_string(&info.tables)?)
        .bind(serde_json::to_string(&info.categories)?)
        .bind(serde_json::to_string(&info.staff_calls)?)
        .bind(i64::from(info.staff_calls_on_pos))
        .bind(&info.stamp)
        .bind(fetched_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The store's kept copy, if one was ever kept.
    pub async fn read(&self, store: &str) -> Result<Option<KeptCopy>, CopyError> {
        let Some(row) = sqlx::query(
            "SELECT tables, categories, staff_calls, staff_calls_on_pos, stamp, fetched_at_ms
             FROM base_copies WHERE store = $1",
        )
        .bind(store)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let json = |column: &str| -> Result<String, sqlx::Error> { row.try_get(column) };
        Ok(Some(KeptCopy {
            tables: serde_json::from_str(&json("tables")?)?,
            categories: serde_json::from_str(&json("categories")?)?,
            staff_calls: serde_json::from_str(&json("staff_calls")?)?,
            staff_calls_on_pos: row.try_get::<i64, _>("staff_calls_on_pos")? != 0,
            stamp: row.try_get("stamp")?,
            fetched_at_ms: row.try_get("fetched_at_ms")?,
        }))
    }
}
