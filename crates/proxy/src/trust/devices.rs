//! The store's own tablets. An owner issues a one-time enrolment code; the tablet trades it
//! for a device credential it keeps; payments (prepaid and cash) are taken only from an
//! enrolled, unrevoked device. Codes and credentials are kept hashed. A credential left
//! unused for the configured idle time stops working (each use renews it), and one bound
//! to a table orders there only. Every check reads the database, so a revocation or a
//! binding is in force on every server sharing it at once.

use super::{hash_hex, random_bytes, TrustError};
use crate::db::{Arg, Columns, Pool, ReadError, Reads};
use crate::ledger::now_ms;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

/// How long an enrolment code may wait to be used.
pub const CODE_LIFETIME_MS: i64 = 15 * 60 * 1000;

/// Letters and digits that cannot be mistaken for one another when read aloud or typed.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A device is noted as seen at most this often (a tablet polls every few seconds).
const SEEN_EVERY_MS: i64 = 60_000;

#[derive(Clone)]
pub struct Devices {
    pool: Pool,
    reads: Reads,
    /// A credential unused this long no longer works.
    idle_expiry_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCode {
    /// `XXXX-XXXX`, 40 random bits.
    pub code: String,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub device_id: String,
    /// `DEVICEID.SECRET`: what the tablet keeps and sends.
    pub credential: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub device_id: String,
    pub name: String,
    pub enrolled_at_ms: i64,
    pub last_seen_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
    /// The one table this tablet orders for, when it stands at one.
    pub bound_table: Option<String>,
}

impl Device {
    /// Whether this tablet may order at `table`.
    pub fn serves_table(&self, table: &str) -> bool {
        self.bound_table.as_deref().is_none_or(|t| t == table)
    }
}

/// What a person may type: lower case, spaces and dashes are forgiven.
fn normalized_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Devices {
    pub fn new(pool: Pool, idle_expiry: std::time::Duration) -> Devices {
        Devices {
            reads: Reads::of(&pool),
            pool,
            idle_expiry_ms: i64::try_from(idle_expiry.as_millis()).unwrap_or(i64::MAX),
        }
    }

    /// A fresh one-time code for enrolling one tablet at `store`.
    pub async fn issue_code(&self, store: &str) -> Result<EnrolmentCode, TrustError> {
        let bytes = random_bytes::<8>()?;
        let raw: String = bytes
            .iter()
            .map(|b| CODE_ALPHABET[usize::from(b % 32)] as char)
            .collect();
        let now = now_ms();
        let expires_at_ms = now + CODE_LIFETIME_MS;
        // Expired codes go as new ones come.
        sqlx::query("DELETE FROM enrolment_codes WHERE expires_at_ms < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO enrolment_codes (code_hash, store, created_at_ms, expires_at_ms)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_hex(&raw))
        .bind(store)
        .bind(now)
        .bind(expires_at_ms)
        .execute(&self.pool)
        .await?;
        tracing::info!(store, "tablet enrolment code issued");
        Ok(EnrolmentCode {
            code: format!("{}-{}", &raw[..4], &raw[4..]),
            expires_at_ms,
        })
    }

    /// Trades a code for a credential. `None`: no such code at this store, used, or expired.
    pub async fn enrol(
        &self,
        store: &str,
        code: &str,
        name: &str,
    ) -> Result<Option<Enrolled>, TrustError> {
        let now = now_ms();
        // Deleting is what makes the code single-use, even with two tablets racing.
        let taken = sqlx::query(
            "DELETE FROM enrolment_codes WHERE code_hash = $1 AND store = $2 AND expires_at_ms >= $3",
        )
        .bind(hash_hex(&normalized_code(code)))
        .bind(store)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if taken.rows_affected() != 1 {
            tracing::warn!(store, "a tablet enrolment with a wrong or expired code");
            return Ok(None);
        }
        let device_id = format!("tab-{}", hex::encode(random_bytes::<5>()?));
        let secret = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
        sqlx::query(
            "INSERT INTO devices (device_id, store, name, secret_hash, enrolled_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&device_id)
        .bind(store)
        .bind(name)
        .bind(hash_hex(&secret))
        .bind(now)
        .execute(&self.pool)
        .await?;
        tracing::info!(store, device = %device_id, name, "tablet enrolled");
        Ok(Some(Enrolled {
            credential: format!("{device_id}.{secret}"),
            device_id,
        }))
    }

    /// The device a credential belongs to, if it is enrolled at `store` and not revoked.
    pub async fn verify(
        &self,
        store: &str,
        credential: &str,
    ) -> Result<Option<Device>, TrustError> {
        let Some((device_id, secret)) = credential.split_once('.') else {
            return Ok(None);
        };
        let found = self
            .reads
            .row(
                "SELECT device_id, name, enrolled_at_ms, last_seen_at_ms, revoked_at_ms, bound_table,
                        secret_hash
                 FROM devices WHERE device_id = $1 AND store = $2",
                &[Arg::Text(device_id), Arg::Text(store)],
                |row| Ok((device_of(row)?, row.text(6)?)),
            )
            .await?;
        let Some((device, kept)) = found else {
            return Ok(None);
        };
        let matches: bool = hash_hex(secret).as_bytes().ct_eq(kept.as_bytes()).into();
        if !matches || device.revoked_at_ms.is_some() {
            return Ok(None);
        }
        let now = now_ms();
        let last_used = device.last_seen_at_ms.unwrap_or(device.enrolled_at_ms);
        if now - last_used > self.idle_expiry_ms {
            tracing::warn!(store, device = %device.device_id, "a tablet's credential expired unused: enrol it again");
            return Ok(None);
        }
        // Often enough that a tablet in use never reaches the idle expiry.
        let touch_every = SEEN_EVERY_MS.min(self.idle_expiry_ms / 4);
        if device.last_seen_at_ms.is_none() || now - last_used > touch_every {
            sqlx::query("UPDATE devices SET last_seen_at_ms = $1 WHERE device_id = $2")
                .bind(now)
                .bind(device_id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(device))
    }

    /// Every tablet ever enrolled at the store, newest first, revoked ones included.
    pub async fn list(&self, store: &str) -> Result<Vec<Device>, TrustError> {
        let rows = sqlx::query(
            "SELECT device_id, name, enrolled_at_ms, last_seen_at_ms, revoked_at_ms, bound_table
             FROM devices WHERE store = $1 ORDER BY enrolled_at_ms DESC",
        )
        .bind(store)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| device_of(row))
            .collect::<Result<_, _>>()?)
    }

    /// Binds a tablet to one table (`Some`) or frees it (`None`). `false`: no such device.
    pub async fn bind(
        &self,
        store: &str,
        device_id: &str,
        table: Option<&str>,
    ) -> Result<bool, TrustError> {
        let done =
            sqlx::query("UPDATE devices SET bound_table = $1 WHERE device_id = $2 AND store = $3")
                .bind(table)
                .bind(device_id)
                .bind(store)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 1 {
            tracing::info!(store, device = device_id, table, "tablet bound to a table");
        }
        Ok(done.rows_affected() == 1)
    }

    /// Stops a tablet's credential from working. `false`: no such device at the store.
    pub async fn revoke(&self, store: &str, device_id: &str) -> Result<bool, TrustError> {
        let done = sqlx::query(
            "UPDATE devices SET revoked_at_ms = COALESCE(revoked_at_ms, $1)
             WHERE device_id = $2 AND store = $3",
        )
        .bind(now_ms())
        .bind(device_id)
        .bind(store)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            tracing::info!(store, device = device_id, "tablet revoked");
        }
        Ok(done.rows_affected() == 1)
    }
}

/// A device from the first six columns: device_id, name, enrolled_at_ms, last_seen_at_ms,
/// revoked_at_ms, bound_table.
fn device_of(row: &dyn Columns) -> Result<Device, ReadError> {
    Ok(Device {
        device_id: row.text(0)?,
        name: row.text(1)?,
        enrolled_at_ms: row.int(2)?,
        last_seen_at_ms: row.maybe_int(3)?,
        revoked_at_ms: row.maybe_int(4)?,
        bound_table: row.maybe_text(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_code_enrols_one_tablet_once_and_a_revoked_one_stops_working() {
        let dir = std::env::temp_dir().join(format!("tableorder-devices-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let devices = Devices::new(
            crate::db::open(&dir).await.unwrap(),
            std::time::Duration::from_secs(3600),
        );
        let code = devices.issue_code("demo").await.unwrap();
        assert_eq!(code.code.len(), 9, "{}", code.code);
        assert!(devices
            .enrol("other", &code.code, "x")
            .await
            .unwrap()
            .is_none());
        // Typed in lower case without the dash: still the code.
        let typed = code.code.replace('-', " ").to_lowercase();
        let tablet = devices
            .enrol("demo", &typed, "counter")
            .await
            .unwrap()
            .unwrap();
        assert!(
            devices
                .enrol("demo", &code.code, "again")
                .await
                .unwrap()
                .is_none(),
            "once"
        );
        let seen = devices
            .verify("demo", &tablet.credential)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (seen.device_id.as_str(), seen.name.as_str()),
            (tablet.device_id.as_str(), "counter")
        );
        assert!(devices
            .verify("other", &tablet.credential)
            .await
            .unwrap()
            .is_none());
        let forged = format!("{}.{}", tablet.device_id, "A".repeat(43));
        assert!(devices.verify("demo", &forged).await.unwrap().is_none());
        assert!(devices.verify("demo", "nonsense").await.unwrap().is_none());
        let listed = devices.list("demo").await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_seen_at_ms.is_some());
        assert!(devices.revoke("demo", &tablet.device_id).await.unwrap());
        assert!(!devices.revoke("demo", "tab-none").await.unwrap());
        assert!(devices
            .verify("demo", &tablet.credential)
            .await
            .unwrap()
            .is_none());
        assert!(devices.list("demo").await.unwrap()[0]
            .revoked_at_ms
            .is_some());
        std::fs::remove_dir_all(&dir).ok();
    }
}
