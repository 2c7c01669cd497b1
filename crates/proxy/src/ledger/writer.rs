//! The one writer of the order records. It commits whatever has queued up in one
//! transaction (a write that may have to be taken back under a savepoint of its own), and
//! tells each caller only once that transaction is committed: a claim is never answered
//! "yours to send" before its row is durable. On SQLite the file takes one writer at a time
//! anyway; here a commit (one fsync) serves many orders instead of one, and writers never
//! wait on each other's locks.
//!
//! On SQLite the writer has a connection of its own and runs its statements on its own
//! thread: through the pool, each statement is a round trip to a connection's thread, and
//! an order's claim takes four (begin, the row, its approval, commit) before it may be sent.

use super::{Claimed, Done, LedgerError, OwnedClaim, Reply, Write, MAX_BATCH};
use crate::db::{bind, first_row, sqlx_query, Arg, Pool};
use sqlx::Row;
use tokio::sync::mpsc;

/// Starts the writer: on a thread of its own over its own connection when the records are
/// in an SQLite file, else as a task over the pool.
pub(super) fn start(pool: &Pool, writes: mpsc::Receiver<Write>) {
    match own_connection(pool) {
        Ok(Some(conn)) => {
            let started = std::thread::Builder::new()
                .name("order-records".into())
                .spawn(
                    move || match tokio::runtime::Builder::new_current_thread().build() {
                        Ok(rt) => rt.block_on(write_in_batches(conn, writes)),
                        Err(e) => {
                            tracing::error!(error = %e, "the order records' writer cannot start")
                        }
                    },
                );
            if let Err(e) = started {
                tracing::error!(error = %e, "the order records' writer cannot start");
            }
        }
        Ok(None) => {
            tokio::spawn(write_in_batches(pool.clone(), writes));
        }
        Err(e) => {
            tracing::warn!(error = %e, "the order records' own connection did not open; writing through the pool");
            tokio::spawn(write_in_batches(pool.clone(), writes));
        }
    }
}

/// The pool's SQLite file, opened again for the writer alone; `None` for any other database.
fn own_connection(pool: &Pool) -> Result<Option<rusqlite::Connection>, LedgerError> {
    match crate::db::sqlite_file(pool) {
        Some(file) => Ok(Some(crate::db::open_file(&file)?)),
        None => Ok(None),
    }
}

/// Where the writer's transactions go: the pool's database, or the writer's own SQLite
/// connection.
trait Records {
    type Tx<'c>: Transaction
    where
        Self: 'c;
    async fn begin(&mut self) -> Result<Self::Tx<'_>, LedgerError>;
}

/// One transaction of the writer's.
trait Transaction: Sized {
    /// Runs one statement; the rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, LedgerError>;
    /// The text in the first column of the one row a query finds.
    async fn text(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<String, LedgerError>;
    async fn commit(self) -> Result<(), LedgerError>;
    async fn rollback(self) -> Result<(), LedgerError>;
}

impl Records for Pool {
    type Tx<'c> = sqlx::Transaction<'static, sqlx::Any>;

    async fn begin(&mut self) -> Result<Self::Tx<'_>, LedgerError> {
        Ok(sqlx::Pool::begin(self).await?)
    }
}

impl Transaction for sqlx::Transaction<'static, sqlx::Any> {
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, LedgerError> {
        Ok(sqlx_query(sql, args)
            .execute(&mut **self)
            .await?
            .rows_affected())
    }

    async fn text(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<String, LedgerError> {
        Ok(sqlx_query(sql, args)
            .fetch_one(&mut **self)
            .await?
            .try_get(0)?)
    }

    async fn commit(self) -> Result<(), LedgerError> {
        Ok(sqlx::Transaction::commit(self).await?)
    }

    async fn rollback(self) -> Result<(), LedgerError> {
        Ok(sqlx::Transaction::rollback(self).await?)
    }
}

impl Records for rusqlite::Connection {
    type Tx<'c> = rusqlite::Transaction<'c>;

    async fn begin(&mut self) -> Result<Self::Tx<'_>, LedgerError> {
        // Takes the file's write lock at once (waiting for it as the pool does) rather than
        // failing to upgrade a read halfway.
        Ok(self.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }
}

impl Transaction for rusqlite::Transaction<'_> {
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, LedgerError> {
        let mut statement = self.prepare_cached(sql)?;
        bind(&mut statement, args)?;
        Ok(statement.raw_execute()? as u64)
    }

    async fn text(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<String, LedgerError> {
        first_row(self, sql, args, &|row| row.text(0))?
            .ok_or_else(|| rusqlite::Error::QueryReturnedNoRows.into())
    }

    async fn commit(self) -> Result<(), LedgerError> {
        Ok(rusqlite::Transaction::commit(self)?)
    }

    async fn rollback(self) -> Result<(), LedgerError> {
        Ok(rusqlite::Transaction::rollback(self)?)
    }
}

async fn write_in_batches(mut target: impl Records, mut writes: mpsc::Receiver<Write>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while writes.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let done = commit_batch(&mut target, std::mem::take(&mut batch)).await;
        for d in done {
            // A caller that went away (its request dropped) needs no answer.
            match d {
                Done::Claimed(reply, result) => drop(reply.send(result)),
                Done::Written(reply, result) => drop(reply.send(result)),
            }
        }
    }
}

/// Applies the writes in one transaction; what each came to, or the commit's failure for all.
async fn commit_batch(target: &mut impl Records, batch: Vec<Write>) -> Vec<Done> {
    let mut done = Vec::with_capacity(MAX_BATCH);
    let mut tx = match target.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let failed = e.to_string();
            return batch
                .into_iter()
                .map(|w| refused(w, LedgerError::Commit(failed.clone())))
                .collect();
        }
    };
    let now = super::now_ms();
    // A write alone in its batch is taken back by rolling the batch back: no savepoint.
    let alone = batch.len() == 1;
    let mut roll_back = false;
    let mut broken: Option<String> = None;
    for write in batch {
        if let Some(why) = &broken {
            done.push(refused(write, LedgerError::Commit(why.clone())));
            continue;
        }
        // Only a claim that puts approvals behind its order can have to take back what it
        // wrote; every other write either does all of its one statement or fails the batch.
        let undoable = write.may_be_taken_back();
        let savepoint = undoable && !alone;
        if savepoint {
            if let Err(e) = tx.execute("SAVEPOINT one_write", &[]).await {
                broken = Some(e.to_string());
                done.push(refused(write, e));
                continue;
            }
        }
        let (outcome, applied) = apply(&mut tx, write, now).await;
        let end = match (applied, savepoint) {
            (Applied::Keep, true) => release_savepoint(&mut tx).await,
            (Applied::TakeBack, true) | (Applied::Failed(_), true) => {
                match tx.execute("ROLLBACK TO SAVEPOINT one_write", &[]).await {
                    Ok(_) => release_savepoint(&mut tx).await,
                    Err(e) => Err(e.to_string()),
                }
            }
            (Applied::TakeBack, false) if undoable => {
                roll_back = true;
                Ok(())
            }
            // Nothing was written (an id held already), or all of it was.
            (Applied::Keep | Applied::TakeBack, false) => Ok(()),
            // With no savepoint to go back to, what the batch did is in question.
            (Applied::Failed(why), false) => Err(why),
        };
        if let Err(e) = end {
            broken = Some(e);
        }
        done.push(outcome);
    }
    let committed = match broken {
        Some(why) => Err(why),
        None if roll_back => tx.rollback().await.map_err(|e| e.to_string()),
        None => tx.commit().await.map_err(|e| e.to_string()),
    };
    match committed {
        Ok(()) => done,
        // Nothing of the batch was written: no caller may act as if it had been.
        Err(why) => done
            .into_iter()
            .map(|d| match d {
                Done::Claimed(reply, _) => {
                    Done::Claimed(reply, Err(LedgerError::Commit(why.clone())))
                }
                Done::Written(reply, _) => {
                    Done::Written(reply, Err(LedgerError::Commit(why.clone())))
                }
            })
            .collect(),
    }
}

async fn release_savepoint(tx: &mut impl Transaction) -> Result<(), String> {
    tx.execute("RELEASE SAVEPOINT one_write", &[])
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// What became of one write's statements.
enum Applied {
    Keep,
    /// It wrote what it must not keep (an approval already behind another order).
    TakeBack,
    /// A statement failed.
    Failed(String),
}

/// The window a tablet's prepaid ceiling counts over.
const PREPAID_WINDOW_MS: i64 = 24 * 3600 * 1000;

impl Write {
    fn may_be_taken_back(&self) -> bool {
        matches!(self, Write::Claim { claim, .. }
            if !claim.approvals.is_empty() || claim.prepaid_ceiling.is_some())
    }
}

fn written(reply: Reply<()>, result: Result<u64, LedgerError>) -> (Done, Applied) {
    let applied = match &result {
        Ok(_) => Applied::Keep,
        Err(e) => Applied::Failed(e.to_string()),
    };
    (Done::Written(reply, result.map(|_| ())), applied)
}

fn refused(write: Write, e: LedgerError) -> Done {
    match write {
        Write::Claim { reply, .. } => Done::Claimed(reply, Err(e)),
        Write::Received { reply, .. }
        | Write::Release { reply, .. }
        | Write::Unconfirmed { reply, .. } => Done::Written(reply, Err(e)),
    }
}

/// One write inside the batch's transaction, and whether what it did is to be kept.
async fn apply(tx: &mut impl Transaction, write: Write, now: i64) -> (Done, Applied) {
    match write {
        Write::Claim {
            claim,
            anchor,
            reply,
        } => {
            let result = claim_row(tx, &claim, anchor.as_deref(), now).await;
            // A claim that did not come out "mine" leaves nothing behind.
            let applied = match &result {
                Ok(Claimed::Mine) => Applied::Keep,
                Ok(_) => Applied::TakeBack,
                Err(e) => Applied::Failed(e.to_string()),
            };
            (Done::Claimed(reply, result), applied)
        }
        Write::Received {
            store,
            receipt,
            reply,
        } => {
            let result = tx
                .execute(
                    "UPDATE order_records
                     SET state = 'received', order_no = $3, received_at = $4, total = $5, updated_at_ms = $6
                     WHERE store = $1 AND client_order_id = $2",
                    &[
                        Arg::Text(&store),
                        Arg::Text(&receipt.client_order_id),
                        Arg::Text(&receipt.order_no),
                        Arg::Text(&receipt.received_at),
                        Arg::Int(receipt.total.0),
                        Arg::Int(now),
                    ],
                )
                .await;
            written(reply, result)
        }
        Write::Release {
            store,
            client_order_id,
            reply,
        } => {
            let key = [Arg::Text(&store), Arg::Text(&client_order_id)];
            written(reply, tx.execute(RELEASE_IN_DOUBT, &key).await)
        }
        Write::Unconfirmed {
            store,
            client_order_id,
            reply,
        } => {
            let key = [
                Arg::Text(&store),
                Arg::Text(&client_order_id),
                Arg::Int(now),
            ];
            written(reply, tx.execute(MARK_UNCONFIRMED, &key).await)
        }
    }
}

/// An order proven absent from the POS: its claim is let go, so the id may be sent afresh.
const RELEASE_IN_DOUBT: &str =
    "DELETE FROM order_records WHERE store = $1 AND client_order_id = $2 AND state = 'in_doubt'";

/// An order that may be on the POS and cannot be confirmed: never sent again.
const MARK_UNCONFIRMED: &str = "UPDATE order_records SET state = 'unconfirmed', updated_at_ms = $3
     WHERE store = $1 AND client_order_id = $2 AND state = 'in_doubt'";

/// The claim's row and its approvals, unless the id is held already or an approval pays
/// for another order (what was written then is rolled back by the caller).
async fn claim_row(
    tx: &mut impl Transaction,
    claim: &OwnedClaim,
    anchor: Option<&str>,
    now: i64,
) -> Result<Claimed, LedgerError> {
    let inserted = tx
        .execute(
            "INSERT INTO order_records
                 (store, client_order_id, table_id, fingerprint, state, sent_at_ms, payment,
                  updated_at_ms, anchor_order_no, partner_order_no, shape, staff_call, device_id,
                  prepaid_won)
             VALUES ($1, $2, $3, $4, 'in_doubt', $5, $6, $5, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (store, client_order_id) DO NOTHING",
            &[
                Arg::Text(&claim.store),
                Arg::Text(&claim.client_order_id),
                Arg::Text(&claim.table),
                Arg::Text(&claim.fingerprint),
                Arg::Int(now),
                Arg::MaybeText(claim.payment.as_deref()),
                Arg::MaybeText(anchor),
                Arg::Text(&claim.partner_order_no),
                Arg::Text(&claim.shape),
                Arg::Int(i64::from(claim.staff_call)),
                Arg::MaybeText(claim.device_id.as_deref()),
                Arg::MaybeInt(claim.prepaid_won),
            ],
        )
        .await?;
    if inserted != 1 {
        return Ok(Claimed::Held);
    }
    if let (Some(device), Some(ceiling)) = (&claim.device_id, claim.prepaid_ceiling) {
        // Counted inside the claim's transaction, this order included: taken back if over.
        let taken: i64 = tx
            .text(
                "SELECT CAST(COALESCE(SUM(prepaid_won), 0) AS TEXT) FROM order_records
                 WHERE device_id = $1 AND sent_at_ms > $2",
                &[Arg::Text(device), Arg::Int(now - PREPAID_WINDOW_MS)],
            )
            .await?
            .parse()
            .unwrap_or(i64::MAX);
        if taken > ceiling {
            return Ok(Claimed::OverCeiling(taken - claim.prepaid_won.unwrap_or(0)));
        }
    }
    for (day, no) in &claim.approvals {
        let taken = tx
            .execute(
                "INSERT INTO used_approvals (store, approval_day, approval_no, client_order_id, used_at_ms)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[
                    Arg::Text(&claim.store),
                    Arg::Text(day),
                    Arg::Text(no),
                    Arg::Text(&claim.client_order_id),
                    Arg::Int(now),
                ],
            )
            .await?;
        if taken == 1 {
            continue;
        }
        // Already used: by this order (an earlier try of it), or by another.
        let owner = tx
            .text(
                "SELECT client_order_id FROM used_approvals
                 WHERE store = $1 AND approval_day = $2 AND approval_no = $3",
                &[Arg::Text(&claim.store), Arg::Text(day), Arg::Text(no)],
            )
            .await?;
        if owner != claim.client_order_id {
            return Ok(Claimed::ApprovalUsed(no.clone()));
        }
    }
    Ok(Claimed::Mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn on_an_sqlite_file_the_writer_has_a_connection_of_its_own() {
        let dir = std::env::temp_dir().join(format!("tableorder-writer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = crate::db::open(&dir).await.unwrap();
        let conn = own_connection(&pool)
            .unwrap()
            .expect("the file, opened again");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |row| row.get(0))
            .unwrap();
        let busy: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |row| row.get(0))
            .unwrap();
        assert_eq!(
            (mode.as_str(), sync, busy),
            ("wal", 2, 5000),
            "WAL, synchronous = FULL, a writer waits up to 5 s"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
