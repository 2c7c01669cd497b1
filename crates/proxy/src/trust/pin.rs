//! The staff PIN that confirms a cash order. Wrong tries are counted per store, not per
//! table or tablet: a few are forgiven, then each further one locks the PIN for the whole
//! store, twice as long as the last time. A right PIN resets the count. The count and the
//! lock are kept in the database, so servers sharing one count the same tries.

use super::TrustError;
use crate::db::Pool;
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
/// else the configured one.
pub struct StaffPin {
    configured: Option<String>,
    set_by_owner: Mutex<HashMap<String, String>>,
    pool: Pool,
}

/// The lock-out after `wrong` tries in a row (none while within the free ones).
fn lock_after(wrong: u32) -> Option<Duration> {
    let beyond = wrong.checked_sub(FREE_TRIES)?;
    let doubled = FIRST_LOCK.saturating_mul(1u32.checked_shl(beyond).unwrap_or(u32::MAX));
    Some(doubled.min(LONGEST_LOCK))
}

impl StaffPin {
    pub fn new(configured: Option<String>, pool: Pool) -> StaffPin {
        StaffPin {
            configured,
            set_by_owner: Mutex::new(HashMap::new()),
            pool,
        }
    }

    /// The owner's PIN for `store` (set here, or read back from the database).
    pub fn set(&self, store: &str, pin: &str) {
        self.set_by_owner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), pin.to_string());
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
        let locked_until: Option<i64> =
            sqlx::query_scalar("SELECT locked_until_ms FROM staff_pin_tries WHERE store = $1")
                .bind(store)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(until) = locked_until.filter(|until| *until > now_ms) {
            return Ok(Err(PinRefusal::Locked {
                retry_after: Duration::from_millis((until - now_ms) as u64),
            }));
        }
        if crate::auth::same_secret(given, &expected) {
            self.forgive(store).await?;
            return Ok(Ok(()));
        }
        // Counted in one statement: tries on two servers at once both count.
        let wrong: i64 = sqlx::query_scalar(
            "INSERT INTO staff_pin_tries (store, wrong_in_a_row, locked_until_ms) VALUES ($1, 1, 0)
             ON CONFLICT (store) DO UPDATE SET wrong_in_a_row = staff_pin_tries.wrong_in_a_row + 1
             RETURNING wrong_in_a_row",
        )
        .bind(store)
        .fetch_one(&self.pool)
        .await?;
        let locked_for = lock_after(u32::try_from(wrong).unwrap_or(u32::MAX));
        if let Some(lock) = locked_for {
            sqlx::query("UPDATE staff_pin_tries SET locked_until_ms = $2 WHERE store = $1")
                .bind(store)
                .bind(now_ms + lock.as_millis() as i64)
                .execute(&self.pool)
                .await?;
        }
        Ok(Err(PinRefusal::Wrong { locked_for }))
    }
}

/// The PINs owners set, kept in the database.
#[derive(Clone)]
pub struct PinStore {
    pool: crate::db::Pool,
}

impl PinStore {
    pub fn new(pool: crate::db::Pool) -> PinStore {
        PinStore { pool }
    }

    pub async fn all(&self) -> Result<Vec<(String, String)>, super::TrustError> {
        Ok(sqlx::query_as("SELECT store, pin FROM staff_pins")
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn save(&self, store: &str, pin: &str) -> Result<(), super::TrustError> {
        sqlx::query(
            "INSERT INTO staff_pins (store, pin, changed_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (store) DO UPDATE SET pin = excluded.pin, changed_at_ms = excluded.changed_at_ms",
        )
        .bind(store)
        .bind(pin)
        .bind(crate::ledger::now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
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
        let pin = StaffPin::new(Some("482913".into()), pool.clone());
        // Another server on the same database counts the same tries.
        let other_server = StaffPin::new(Some("482913".into()), pool);
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
        pin.set("demo", "7777");
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
}
