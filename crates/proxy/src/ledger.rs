//! The durable record of every order sent upstream: one row per clientOrderId, written
//! before the call and settled after it, in an embedded SQLite file in the data directory.
//! It is what makes "the same clientOrderId is one order" survive a hang-up, a restart or a
//! crash: a row left "in doubt" is settled by looking at the table, never by sending again.

use crate::db::{Arg, Columns, Pool, ReadError, Reads};
use order_core::{OrderReceipt, Won};
use sqlx::Row;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};

mod writer;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Open(#[from] crate::db::DbError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Read(#[from] ReadError),
    /// From the writer's own connection to the SQLite file.
    #[error("database: {0}")]
    File(#[from] rusqlite::Error),
    /// The batch this write was in could not be committed: none of it was written.
    #[error("database: the records could not be committed: {0}")]
    Commit(String),
    #[error("the records' writer has stopped")]
    WriterGone,
}

/// Where one clientOrderId stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordState {
    /// Sent (or about to be) without a known outcome.
    InDoubt,
    /// Smartro has it: this answer is given again to every resend.
    Received(OrderReceipt),
    /// It may be on the POS, and nothing here can tell: never sent again; staff look.
    Unconfirmed,
}

/// What is known about one clientOrderId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub client_order_id: String,
    pub table: String,
    /// What the guest asked for, hashed: the same id with another order is refused.
    pub fingerprint: String,
    pub sent_at_ms: i64,
    /// The newest order on the POS at the table before this one was sent, when one was known.
    pub anchor: Option<String>,
    /// The partner's order number it went under (the clientOrderId itself for records
    /// written before numbers were made short).
    pub partner_order_no: String,
    /// What the order is, as `OrderShape` JSON; none for records from before it was kept.
    pub shape: Option<String>,
    /// A call for staff (as it was placed; never read from its memo).
    pub staff_call: bool,
    pub state: RecordState,
}

impl Record {
    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn anchor(&self) -> Option<&str> {
        self.anchor.as_deref()
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The order number Smartro gave it, once known.
    pub fn order_no(&self) -> Option<&str> {
        match &self.state {
            RecordState::Received(r) if !r.order_no.is_empty() => Some(&r.order_no),
            _ => None,
        }
    }
}

/// A claim on a clientOrderId before it is sent.
pub struct Claim<'a> {
    pub store: &'a str,
    pub client_order_id: &'a str,
    pub table: &'a str,
    pub fingerprint: &'a str,
    /// Prepaid: the approvals as given, kept for the record.
    pub payment: Option<&'a str>,
    /// Card approvals (day, number) the order is paid with: each pays for one order only.
    pub approvals: &'a [(String, String)],
    /// The partner's order number it goes under.
    pub partner_order_no: &'a str,
    /// What the order is, as `OrderShape` JSON.
    pub shape: &'a str,
    /// A call for staff rather than an order of food.
    pub staff_call: bool,
    /// The store's tablet that placed it, and what it took as prepaid.
    pub device_id: Option<&'a str>,
    pub prepaid_won: Option<i64>,
    /// The most the tablet may take as prepaid in 24 hours, this order included.
    pub prepaid_ceiling: Option<i64>,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// The id is this request's to send.
    Mine,
    /// Another request holds the id already (it is then joined, or its record answered).
    Held,
    /// This approval already pays for another order: nothing was written.
    ApprovalUsed(String),
    /// The tablet's prepaid takings in 24 hours would pass its ceiling: nothing was written.
    /// What it took before this order.
    OverCeiling(i64),
}

#[derive(Clone)]
pub struct Ledger {
    pool: Pool,
    reads: Reads,
    writer: mpsc::Sender<Write>,
}

/// The most writes one transaction commits.
const MAX_BATCH: usize = 64;
/// Writes waiting for the writer beyond this make their callers wait to queue.
const QUEUE: usize = 1024;

type Reply<T> = oneshot::Sender<Result<T, LedgerError>>;

/// One change to the order records, for the writer, with where its result goes.
enum Write {
    Claim {
        claim: OwnedClaim,
        anchor: Option<String>,
        reply: Reply<Claimed>,
    },
    Received {
        store: String,
        receipt: OrderReceipt,
        reply: Reply<()>,
    },
    Release {
        store: String,
        client_order_id: String,
        reply: Reply<()>,
    },
    Unconfirmed {
        store: String,
        client_order_id: String,
        reply: Reply<()>,
    },
}

struct OwnedClaim {
    store: String,
    client_order_id: String,
    table: String,
    fingerprint: String,
    payment: Option<String>,
    approvals: Vec<(String, String)>,
    partner_order_no: String,
    shape: String,
    staff_call: bool,
    device_id: Option<String>,
    prepaid_won: Option<i64>,
    prepaid_ceiling: Option<i64>,
}

/// What one write came to, to be told once its transaction is committed.
enum Done {
    Claimed(Reply<Claimed>, Result<Claimed, LedgerError>),
    Written(Reply<()>, Result<(), LedgerError>),
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The columns `record_of` reads, in its order.
const RECORD_COLUMNS: &str = "client_order_id, table_id, fingerprint, state, sent_at_ms, order_no,
     received_at, total, anchor_order_no, partner_order_no, shape, staff_call";

/// A row of `order_records`, its columns as `RECORD_COLUMNS` names them.
fn record_of(row: &dyn Columns) -> Result<Record, ReadError> {
    let client_order_id = row.text(0)?;
    let state = match row.text(3)?.as_str() {
        "received" => RecordState::Received(OrderReceipt {
            order_no: row.maybe_text(5)?.unwrap_or_default(),
            client_order_id: client_order_id.clone(),
            received_at: row.maybe_text(6)?.unwrap_or_default(),
            total: Won(row.maybe_int(7)?.unwrap_or(0)),
        }),
        "unconfirmed" => RecordState::Unconfirmed,
        _ => RecordState::InDoubt,
    };
    Ok(Record {
        table: row.text(1)?,
        fingerprint: row.text(2)?,
        sent_at_ms: row.int(4)?,
        anchor: row.maybe_text(8)?,
        partner_order_no: row
            .maybe_text(9)?
            .unwrap_or_else(|| client_order_id.clone()),
        shape: row.maybe_text(10)?,
        staff_call: row.int(11)? != 0,
        client_order_id,
        state,
    })
}

fn records_of(rows: &[sqlx::any::AnyRow]) -> Result<Vec<Record>, LedgerError> {
    Ok(rows
        .iter()
        .map(|row| record_of(row))
        .collect::<Result<_, _>>()?)
}

impl Ledger {
    /// Opens (creating if need be) the database in `dir` and keeps its order records.
    pub async fn open(dir: &Path) -> Result<Ledger, LedgerError> {
        Ok(Ledger::new(crate::db::open(dir).await?))
    }

    /// Starts the writer (on the current tokio runtime).
    pub fn new(pool: Pool) -> Ledger {
        let (writer, writes) = mpsc::channel(QUEUE);
        writer::start(&pool, writes);
        Ledger {
            reads: Reads::of(&pool),
            pool,
            writer,
        }
    }

    /// Hands a write to the writer and waits until it is committed (or refused).
    async fn write<T>(&self, make: impl FnOnce(Reply<T>) -> Write) -> Result<T, LedgerError> {
        let (reply, result) = oneshot::channel();
        self.writer
            .send(make(reply))
            .await
            .map_err(|_| LedgerError::WriterGone)?;
        result.await.map_err(|_| LedgerError::WriterGone)?
    }

    /// The database the records are in (other records of the same server share it).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub async fn get(
        &self,
        store: &str,
        client_order_id: &str,
    ) -> Result<Option<Record>, LedgerError> {
        Ok(self
            .reads
            .row(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM order_records
                     WHERE store = $1 AND client_order_id = $2"
                ),
                &[Arg::Text(store), Arg::Text(client_order_id)],
                record_of,
            )
            .await?)
    }

    /// The table's records sent since `since_ms`, newest first: the orders its list may show.
    pub async fn at_table(
        &self,
        store: &str,
        table: &str,
        since_ms: i64,
    ) -> Result<Vec<Record>, LedgerError> {
        self.recent(store, Some(table), since_ms).await
    }

    /// Every table's records sent since `since_ms`, newest first (the store's whole list).
    pub async fn at_store(&self, store: &str, since_ms: i64) -> Result<Vec<Record>, LedgerError> {
        self.recent(store, None, since_ms).await
    }

    /// Records sent since `since_ms` at one table or all, newest first; at most a busy
    /// table's day (or a busy store's).
    async fn recent(
        &self,
        store: &str,
        table: Option<&str>,
        since_ms: i64,
    ) -> Result<Vec<Record>, LedgerError> {
        let (at_table, most) = match table {
            Some(_) => ("AND table_id = $3", 200),
            None => ("", 5_000),
        };
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM order_records
             WHERE store = $1 AND sent_at_ms >= $2 {at_table}
             ORDER BY sent_at_ms DESC LIMIT {most}"
        );
        let mut query = sqlx::query(&sql).bind(store).bind(since_ms);
        if let Some(table) = table {
            query = query.bind(table);
        }
        records_of(&query.fetch_all(&self.pool).await?)
    }

    /// Every record of the store nobody can confirm, newest first, for staff to look at.
    pub async fn unconfirmed(&self, store: &str) -> Result<Vec<Record>, LedgerError> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM order_records
             WHERE store = $1 AND state = 'unconfirmed' ORDER BY sent_at_ms DESC LIMIT 200"
        ))
        .bind(store)
        .fetch_all(&self.pool)
        .await?;
        records_of(&rows)
    }

    /// Writes the row "in doubt" before anything is sent, and puts the order's card
    /// approvals behind it, in one transaction (one write to the disk per order). `anchor`:
    /// the newest order on the POS at the table before this one is sent, when one is known.
    pub async fn claim(
        &self,
        claim: &Claim<'_>,
        anchor: Option<&str>,
    ) -> Result<Claimed, LedgerError> {
        let claim = OwnedClaim {
            store: claim.store.to_string(),
            client_order_id: claim.client_order_id.to_string(),
            table: claim.table.to_string(),
            fingerprint: claim.fingerprint.to_string(),
            payment: claim.payment.map(str::to_string),
            approvals: claim.approvals.to_vec(),
            partner_order_no: claim.partner_order_no.to_string(),
            shape: claim.shape.to_string(),
            staff_call: claim.staff_call,
            device_id: claim.device_id.map(str::to_string),
            prepaid_won: claim.prepaid_won,
            prepaid_ceiling: claim.prepaid_ceiling,
        };
        let anchor = anchor.map(str::to_string);
        self.write(|reply| Write::Claim {
            claim,
            anchor,
            reply,
        })
        .await
    }

    /// Smartro has it.
    pub async fn received(&self, store: &str, receipt: &OrderReceipt) -> Result<(), LedgerError> {
        let (store, receipt) = (store.to_string(), receipt.clone());
        self.write(|reply| Write::Received {
            store,
            receipt,
            reply,
        })
        .await
    }

    /// Nothing was placed under this id (a refusal, or proof it never arrived): it may be
    /// sent again.
    pub async fn release(&self, store: &str, client_order_id: &str) -> Result<(), LedgerError> {
        let (store, client_order_id) = (store.to_string(), client_order_id.to_string());
        self.write(|reply| Write::Release {
            store,
            client_order_id,
            reply,
        })
        .await
    }

    /// It may be on the POS and nothing can tell: it is never sent again, and staff look.
    pub async fn unconfirm(&self, store: &str, client_order_id: &str) -> Result<(), LedgerError> {
        let (store, client_order_id) = (store.to_string(), client_order_id.to_string());
        self.write(|reply| Write::Unconfirmed {
            store,
            client_order_id,
            reply,
        })
        .await
    }

    pub async fn approvals_of(
        &self,
        store: &str,
        client_order_id: &str,
    ) -> Result<Vec<(String, String)>, LedgerError> {
        let rows = sqlx::query(
            "SELECT approval_day, approval_no FROM used_approvals
             WHERE store = $1 AND client_order_id = $2",
        )
        .bind(store)
        .bind(client_order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("approval_day")?, r.try_get("approval_no")?)))
            .collect()
    }

    /// Rows still in doubt: orders a previous run sent without learning the outcome.
    pub async fn count_in_doubt(&self) -> Result<i64, LedgerError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM order_records WHERE state = 'in_doubt'")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Forgets settled records older than `keep`; rows in doubt are kept until settled,
    /// unconfirmed ones for a week (staff look at them the same day).
    pub async fn prune(&self, keep: Duration) -> Result<u64, LedgerError> {
        let before = now_ms() - keep.as_millis() as i64;
        let week = now_ms() - 7 * 24 * 3600 * 1000;
        let done = sqlx::query(
            "DELETE FROM order_records WHERE (state = 'received' AND updated_at_ms < $1)
                 OR (state = 'unconfirmed' AND updated_at_ms < $2)",
        )
        .bind(before)
        .bind(week)
        .bind(before)
        .execute(&self.pool)
        .await?;
        // An approval is refused again on its own day; two days covers any time zone.
        sqlx::query("DELETE FROM used_approvals WHERE used_at_ms < $1")
            .bind(now_ms() - 48 * 3600 * 1000)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ledger in a directory of its own, emptied first.
    async fn fresh_ledger(name: &str) -> (Ledger, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("tableorder-ledger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        (Ledger::open(&dir).await.unwrap(), dir)
    }

    /// An order at the demo store's first table, paid with `approvals`.
    fn claim<'a>(id: &'a str, approvals: &'a [(String, String)]) -> Claim<'a> {
        Claim {
            store: "demo",
            client_order_id: id,
            table: "0001-0001",
            fingerprint: "f",
            payment: None,
            approvals,
            partner_order_no: "12345678901234567890",
            shape: "{}",
            staff_call: false,
            device_id: None,
            prepaid_won: None,
            prepaid_ceiling: None,
        }
    }

    #[tokio::test]
    async fn a_claim_survives_reopening_and_is_settled_once() {
        let (ledger, dir) = fresh_ledger("reopen").await;
        let claim = claim("order-0001", &[]);
        let anchor = Some("TO0");
        assert_eq!(ledger.claim(&claim, anchor).await.unwrap(), Claimed::Mine);
        assert_eq!(
            ledger.claim(&claim, anchor).await.unwrap(),
            Claimed::Held,
            "one claim per id"
        );
        drop(ledger);

        let ledger = Ledger::open(&dir).await.unwrap();
        let record = ledger.get("demo", "order-0001").await.unwrap().unwrap();
        assert_eq!(record.state, RecordState::InDoubt);
        assert_eq!(record.partner_order_no, "12345678901234567890");
        assert_eq!(record.shape.as_deref(), Some("{}"));
        assert_eq!(ledger.count_in_doubt().await.unwrap(), 1);
        let receipt = OrderReceipt {
            order_no: "TO1".into(),
            client_order_id: "order-0001".into(),
            received_at: "2026-11-29T10:00:00+09:00".into(),
            total: Won(32_000),
        };
        ledger.received("demo", &receipt).await.unwrap();
        ledger.release("demo", "order-0001").await.unwrap();
        let record = ledger.get("demo", "order-0001").await.unwrap().unwrap();
        assert_eq!(record.state, RecordState::Received(receipt));
        assert_eq!(
            ledger.at_table("demo", "0001-0001", 0).await.unwrap(),
            [record]
        );
        assert_eq!(ledger.prune(Duration::from_secs(3600)).await.unwrap(), 0);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(ledger.prune(Duration::ZERO).await.unwrap(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn a_claim_alone_whose_approval_pays_for_another_order_leaves_nothing() {
        let (ledger, dir) = fresh_ledger("alone").await;
        let approval = [("20261130".to_string(), "A-7".to_string())];
        let claim = |id| claim(id, &approval);
        assert_eq!(
            ledger.claim(&claim("order-0001"), None).await.unwrap(),
            Claimed::Mine
        );
        assert_eq!(
            ledger.claim(&claim("order-0002"), None).await.unwrap(),
            Claimed::ApprovalUsed("A-7".into())
        );
        assert!(ledger.get("demo", "order-0002").await.unwrap().is_none());
        assert!(ledger
            .approvals_of("demo", "order-0002")
            .await
            .unwrap()
            .is_empty());
        // The same order again holds its approval still; the ledger goes on writing.
        assert_eq!(
            ledger.claim(&claim("order-0001"), None).await.unwrap(),
            Claimed::Held
        );
        ledger.release("demo", "order-0001").await.unwrap();
        assert_eq!(
            ledger.claim(&claim("order-0001"), None).await.unwrap(),
            Claimed::Mine,
            "released, it may claim again with its own approval"
        );
        assert_eq!(ledger.count_in_doubt().await.unwrap(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn claims_that_arrive_together_are_committed_together_each_on_its_own_merits() {
        let (ledger, dir) = fresh_ledger("batch").await;
        let approval = [("20261130".to_string(), "A-1".to_string())];
        let ids: Vec<String> = (0..40).map(|i| format!("order-{i:04}")).collect();
        // Forty orders at once, two of them twice, and three paid with the same approval.
        let claims = ids
            .iter()
            .chain(ids.iter().take(2))
            .enumerate()
            .map(|(i, id)| {
                let ledger = ledger.clone();
                let id = id.clone();
                let approvals: &'static [(String, String)] = if (10..13).contains(&i) {
                    Box::leak(Box::new(approval.clone()))
                } else {
                    &[]
                };
                tokio::spawn(async move {
                    let claimed = ledger.claim(&claim(&id, approvals), None).await.unwrap();
                    (id, claimed)
                })
            })
            .collect::<Vec<_>>();
        let mut results = Vec::new();
        for c in claims {
            results.push(c.await.unwrap());
        }
        let count = |what: &Claimed| results.iter().filter(|(_, c)| c == what).count();
        assert_eq!(count(&Claimed::Mine), 38, "{results:?}");
        assert_eq!(count(&Claimed::Held), 2, "a second claim of an id is held");
        assert_eq!(
            count(&Claimed::ApprovalUsed("A-1".into())),
            2,
            "one order per approval"
        );
        // What lost its approval left no row behind; everything else is durable.
        assert_eq!(ledger.count_in_doubt().await.unwrap(), 38);
        for (id, claimed) in &results {
            let row = ledger.get("demo", id).await.unwrap();
            assert_eq!(
                row.is_some(),
                *claimed != Claimed::ApprovalUsed("A-1".into()),
                "{id}"
            );
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
