//! The staff PIN that confirms a cash order. Tries are counted per store, not per table or
//! tablet: a few wrong ones are forgiven, then each further one locks the PIN for the whole
//! store, twice as long as the last time. A right PIN resets the count. The count and the
//! lock are kept in the database, so servers sharing one count the same tries; a try is
//! counted (and the lock it may start set) in the same statement that admits it, before
//! anything is compared, so a burst of tries is no faster than one at a time. PINs are kept
//! as a salted slow hash (Argon2id).

use super::TrustError;
use crate::db::Pool;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Wrong tries in a row a store gets before the first lock-out (fingers slip).
pub const FREE_TRIES: u32 = 5;
/// The first lock-out; each later one doubles, up to `LONGEST_LOCK`.
pub const FIRST_LOCK: Duration = Duration::from_secs(30);
pub const LONGEST_LOCK: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRefusal {
    /// No PIN at this store: cash is not taken.
    NotSet,
    /// Not the PIN; `locked_for` says whether this try started a lock-out.
    Wrong { locked_for: Option<Duration> },
    /// Locked after too many wrong tries: nothing is compared until then.
    Locked { retry_after: Duration },
}

/// The PIN each store's staff confirm cash with: the one the owner set on the admin page,
/// else the configured one. Each is held as its Argon2id hash (a PHC string).
pub struct StaffPin {
    configured: Option<String>,
    set_by_owner: Mutex<HashMap<String, String>>,
    pool: Pool,
}

/// A PIN's salted Argon2id hash, as a PHC string (algorithm, parameters, salt, hash).
pub fn hash_pin(pin: &str) -> Result<String, TrustError> {
    let salt = SaltString::encode_b64(&super::random_bytes::<16>()?)
        .map_err(|e| TrustError::Random(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| TrustError::Random(e.to_string()))
}

/// Whether `given` is the PIN `phc` was made from (compared in constant time).
fn pin_matches(given: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(given.as_bytes(), &hash)
            .is_ok()
    })
}

/// The lock-out after `wrong` tries in a row (none while within the free ones).
fn lock_after(wrong: u32) -> Option<Duration> {
    let beyond = wrong.checked_sub(FREE_TRIES)?;
    let doubled = FIRST_LOCK.saturating_mul(1u32.checked_shl(beyond).unwrap_or(u32::MAX));
    Some(doubled.min(LONGEST_LOCK))
}

impl StaffPin {
    /// `configured`: the configuration's PIN, hashed here once.
    pub fn new(configured: Option<&str>, pool: Pool) -> StaffPin {
        let configured = configured.and_then(|pin| {
            hash_pin(pin)
                .inspect_err(|e| tracing::error!(error = %e, "the staff PIN cannot be hashed: cash is not taken"))
                .ok()
        });
        StaffPin {
            configured,
            set_by_owner: Mutex::new(HashMap::new()),
            pool,
        }
    }

    /// The hash of the owner's PIN for `store` (set here, or read back from the database).
    pub fn set(&self, store: &str, pin_hash: &str) {
        self.set_by_owner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), pin_hash.to_string());
    }

    fn expected(&self, store: &str) -> Option<String> {
        self.set_by_owner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(store)
            .cloned()
            .or_else(|| self.configured.clone())
    }

    /// Whether cash is taken at `store` (it has a PIN).
    pub fn is_set(&self, store: &str) -> bool {
        self.expected(store).is_some()
    }

    /// Wrong tries so far are forgiven (the owner set a new PIN).
    pub async fn forgive(&self, store: &str) -> Result<(), TrustError> {
        sqlx::query("DELETE FROM staff_pin_tries WHERE store = $1")
            .bind(store)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn check(
        &self,
        store: &str,
        given: &str,
    ) -> Result<Result<(), PinRefusal>, TrustError> {
        self.check_at(store, given, crate::ledger::now_ms()).await
    }

    async fn check_at(
        &self,
        store: &str,
        given: &str,
        now_ms: i64,
    ) -> Result<Result<(), PinRefusal>, TrustError> {
        let Some(expected) = self.expected(store) else {
            return Ok(Err(PinRefusal::NotSet));
        };
        let Some(tries) = self.admit_try(store, now_ms).await? else {
            let until: i64 =
                sqlx::query_scalar("SELECT locked_until_ms FROM staff_pin_tries WHERE store = $1")
                    .bind(store)
                    .fetch_optional(&self.pool)
                    .await?
                    .unwrap_or(now_ms);
            return Ok(Err(PinRefusal::Locked {
                retry_after: Duration::from_millis(until.saturating_sub(now_ms).max(0) as u64),
            }));
        };
        let given = given.to_string();
        let matches = tokio::task::spawn_blocking(move || pin_matches(&given, &expected))
            .await
            .unwrap_or(false);
        if matches {
            self.forgive(store).await?;
            return Ok(Ok(()));
        }
        Ok(Err(PinRefusal::Wrong {
            locked_for: lock_after(u32::try_from(tries).unwrap_or(u32::MAX)),
        }))
    }

    /// Counts one more try at `store`, unless it is locked; the tries in a row so far. The
    /// lock this try would start if wrong is set in the same statement, so tries that come
    /// meanwhile are refused while it is compared (a right PIN then lifts it).
    async fn admit_try(&self, store: &str, now_ms: i64) -> Result<Option<i64>, TrustError> {
        let first_lock = lock_after(1).map_or(0, |d| now_ms + d.as_millis() as i64);
        Ok(sqlx::query_scalar(
            "INSERT INTO staff_pin_tries (store, wrong_in_a_row, locked_until_ms) VALUES ($1, 1, $2)
             ON CONFLICT (store) DO UPDATE SET
               wrong_in_a_row = staff_pin_tries.wrong_in_a_row + 1,
               locked_until_ms = CASE
                 WHEN staff_pin_tries.wrong_in_a_row + 1 < $4 THEN staff_pin_tries.locked_until_ms
                 WHEN staff_pin_tries.wrong_in_a_row + 1 - $4 >= $6 THEN $3 + $7
                 ELSE $3 + ($5 << CAST(staff_pin_tries.wrong_in_a_row + 1 - $4 AS INTEGER))
               END
             WHERE staff_pin_tries.locked_until_ms <= $3
             RETURNING wrong_in_a_row",
        )
        .bind(store)
        .bind(first_lock)
        .bind(now_ms)
        .bind(i64::from(FREE_TRIES))
        .bind(FIRST_LOCK.as_millis() as i64)
        .bind(i64::from(DOUBLINGS_TO_LONGEST))
        .bind(LONGEST_LOCK.as_millis() as i64)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// Doublings of the first lock that reach the longest.
const DOUBLINGS_TO_LONGEST: u32 = {
    let mut n = 0;
    while (FIRST_LOCK.as_secs() << n) < LONGEST_LOCK.as_secs() {
        n += 1;
    }
    n
};

/// The PINs owners set, kept in the database.
#[derive(Clone)]
pub struct PinStore {
    pool: crate::db::Pool,
}

impl PinStore {
    pub fn new(pool: crate::db::Pool) -> PinStore {
        PinStore { pool }
    }

    /// Each store's PIN hash.
    pub async fn all(&self) -> Result<Vec<(String, String)>, super::TrustError> {
        Ok(
            sqlx::query_as("SELECT store, pin_hash FROM staff_pin_hashes")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Keeps the hash of a new PIN for `store`; the hash.
    pub async fn save(&self, store: &str, pin: &str) -> Result<String, super::TrustError> {
        let pin = pin.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_pin(&pin))
            .await
            .map_err(|e| TrustError::Random(e.to_string()))??;
        self.save_hash(store, &hash).await?;
        Ok(hash)
    }

    async fn save_hash(&self, store: &str, hash: &str) -> Result<(), super::TrustError> {
        sqlx::query(
            "INSERT INTO staff_pin_hashes (store, pin_hash, changed_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (store) DO UPDATE SET pin_hash = excluded.pin_hash, changed_at_ms = excluded.changed_at_ms",
        )
        .bind(store)
        .bind(hash)
        .bind(crate::ledger::now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// PINs an earlier release kept in plain text are hashed and the plain ones removed.
    pub async fn hash_plain_pins(&self) -> Result<usize, super::TrustError> {
        let plain: Vec<(String, String)> = sqlx::query_as("SELECT store, pin FROM staff_pins")
            .fetch_all(&self.pool)
            .await?;
        for (store, pin) in &plain {
            self.save_hash(store, &hash_pin(pin)?).await?;
            sqlx::query("DELETE FROM staff_pins WHERE store = $1")
                .bind(store)
                .execute(&self.pool)
                .await?;
        }
        Ok(plain.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn check(pin: &StaffPin, store: &str, given: &str, at: i64) -> Result<(), PinRefusal> {
        pin.check_at(store, given, at).await.unwrap()
    }

    #[tokio::test]
    async fn wrong_tries_lock_the_whole_store_for_longer_each_time() {
        let dir = std::env::temp_dir().join(format!("tableorder-pin-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = crate::db::open(&dir).await.unwrap();
        let pin = StaffPin::new(Some("482913"), pool.clone());
        // Another server on the same database counts the same tries.
        let other_server = StaffPin::new(Some("482913"), pool.clone());
        let second = |s: u64| Duration::from_secs(s).as_millis() as i64;
        let t0 = 1_000_000;
        for n in 0..FREE_TRIES - 1 {
            let on = if n % 2 == 0 { &pin } else { &other_server };
            assert_eq!(
                check(on, "demo", "000000", t0).await,
                Err(PinRefusal::Wrong { locked_for: None })
            );
        }
        // Another store is not touched by this one's tries.
        assert_eq!(check(&pin, "other", "482913", t0).await, Ok(()));
        assert_eq!(
            check(&other_server, "demo", "000001", t0).await,
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK)
            })
        );
        // While locked even the right PIN is not compared, on either server.
        assert_eq!(
            check(&pin, "demo", "482913", t0 + second(10)).await,
            Err(PinRefusal::Locked {
                retry_after: Duration::from_secs(20)
            })
        );
        let t1 = t0 + FIRST_LOCK.as_millis() as i64;
        assert_eq!(
            check(&pin, "demo", "000002", t1).await,
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK * 2)
            })
        );
        let t2 = t1 + (FIRST_LOCK * 2).as_millis() as i64;
        assert_eq!(
            check(&pin, "demo", "000003", t2).await,
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK * 4)
            })
        );
        let t3 = t2 + (FIRST_LOCK * 4).as_millis() as i64;
        assert_eq!(
            check(&pin, "demo", "482913", t3).await,
            Ok(()),
            "right PIN resets"
        );
        assert_eq!(
            check(&pin, "demo", "000004", t3).await,
            Err(PinRefusal::Wrong { locked_for: None })
        );
        assert_eq!(lock_after(FREE_TRIES + 40), Some(LONGEST_LOCK));
        pin.set("demo", &hash_pin("7777").unwrap());
        assert_eq!(check(&pin, "demo", "7777", t3).await, Ok(()));
        assert_eq!(
            check(&pin, "other", "482913", t3).await,
            Ok(()),
            "other stores keep theirs"
        );
        let none = StaffPin::new(None, crate::db::open(&dir).await.unwrap());
        assert_eq!(
            check(&none, "demo", "1234", t3).await,
            Err(PinRefusal::NotSet)
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn a_burst_of_tries_is_counted_before_any_is_compared() {
        let dir = std::env::temp_dir().join(format!("tableorder-pin-burst-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pool = crate::db::open(&dir).await.unwrap();
        let pin = std::sync::Arc::new(StaffPin::new(Some("482913"), pool.clone()));
        // Forty wrong tries at once: only the free ones are compared.
        let tries = (0..40).map(|_| {
            let pin = pin.clone();
            tokio::spawn(async move { pin.check_at("demo", "000000", 5_000_000).await.unwrap() })
        });
        let answers = futures_util::future::join_all(tries).await;
        let compared = answers
            .iter()
            .filter(|a| !matches!(a.as_ref().unwrap(), Err(PinRefusal::Locked { .. })))
            .count();
        assert_eq!(compared, FREE_TRIES as usize);
        // Kept as a salted hash, never in plain text.
        let store = PinStore::new(pool);
        let hash = store.save("demo", "135790").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$") && !hash.contains("135790"),
            "{hash}"
        );
        assert_ne!(hash, hash_pin("135790").unwrap(), "salted");
        assert!(pin_matches("135790", &hash) && !pin_matches("135791", &hash));
        // A PIN an earlier release kept in plain text is hashed at start, the plain one gone.
        sqlx::query(
            "INSERT INTO staff_pins (store, pin, changed_at_ms) VALUES ('old', '864200', 0)",
        )
        .execute(&store.pool)
        .await
        .unwrap();
        assert_eq!(store.hash_plain_pins().await.unwrap(), 1);
        let kept: Vec<(String, String)> = store.all().await.unwrap();
        let old = &kept.iter().find(|(s, _)| s == "old").unwrap().1;
        assert!(pin_matches("864200", old));
        let plain: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_pins")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(plain, 0);
        std::fs::remove_dir_all(&dir).ok();
    }
}
