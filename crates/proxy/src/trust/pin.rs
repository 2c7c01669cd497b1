//! The staff PIN that confirms a cash order. Wrong tries are counted per store, not per
//! table or tablet: a few are forgiven, then each further one locks the PIN for the whole
//! store, twice as long as the last time. A right PIN resets the count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

#[derive(Debug, Default, Clone, Copy)]
struct Tries {
    wrong_in_a_row: u32,
    locked_until: Option<Instant>,
}

/// The PIN each store's staff confirm cash with: the one the owner set on the admin page,
/// else the configured one.
pub struct StaffPin {
    configured: Option<String>,
    set_by_owner: Mutex<HashMap<String, String>>,
    stores: Mutex<HashMap<String, Tries>>,
}

/// The lock-out after `wrong` tries in a row (none while within the free ones).
fn lock_after(wrong: u32) -> Option<Duration> {
    let beyond = wrong.checked_sub(FREE_TRIES)?;
    let doubled = FIRST_LOCK.saturating_mul(1u32.checked_shl(beyond).unwrap_or(u32::MAX));
    Some(doubled.min(LONGEST_LOCK))
}

impl StaffPin {
    pub fn new(configured: Option<String>) -> StaffPin {
        StaffPin {
            configured,
            set_by_owner: Mutex::new(HashMap::new()),
            stores: Mutex::new(HashMap::new()),
        }
    }

    /// The owner's new PIN for `store`; wrong tries so far are forgiven. The same PIN again
    /// (as read back from the database) changes nothing.
    pub fn set(&self, store: &str, pin: &str) {
        let previous = self
            .set_by_owner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), pin.to_string());
        if previous.as_deref() == Some(pin) {
            return;
        }
        self.stores
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(store);
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

    pub fn check(&self, store: &str, given: &str) -> Result<(), PinRefusal> {
        self.check_at(store, given, Instant::now())
    }

    fn check_at(&self, store: &str, given: &str, now: Instant) -> Result<(), PinRefusal> {
        let expected = self.expected(store).ok_or(PinRefusal::NotSet)?;
        let mut stores = self.stores.lock().unwrap_or_else(|p| p.into_inner());
        let tries = stores.entry(store.to_string()).or_default();
        if let Some(until) = tries.locked_until.filter(|u| *u > now) {
            return Err(PinRefusal::Locked {
                retry_after: until - now,
            });
        }
        if crate::auth::same_secret(given, &expected) {
            *tries = Tries::default();
            return Ok(());
        }
        tries.wrong_in_a_row = tries.wrong_in_a_row.saturating_add(1);
        let locked_for = lock_after(tries.wrong_in_a_row);
        tries.locked_until = locked_for.map(|d| now + d);
        Err(PinRefusal::Wrong { locked_for })
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

    #[test]
    fn wrong_tries_lock_the_whole_store_for_longer_each_time() {
        let pin = StaffPin::new(Some("482913".into()));
        let t0 = Instant::now();
        for _ in 0..FREE_TRIES - 1 {
            assert_eq!(
                pin.check_at("demo", "000000", t0),
                Err(PinRefusal::Wrong { locked_for: None })
            );
        }
        // Another store is not touched by this one's tries.
        assert_eq!(pin.check_at("other", "482913", t0), Ok(()));
        assert_eq!(
            pin.check_at("demo", "000001", t0),
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK)
            })
        );
        // While locked even the right PIN is not compared.
        assert!(matches!(
            pin.check_at("demo", "482913", t0 + Duration::from_secs(10)),
            Err(PinRefusal::Locked { retry_after }) if retry_after == Duration::from_secs(20)
        ));
        let t1 = t0 + FIRST_LOCK;
        assert_eq!(
            pin.check_at("demo", "000002", t1),
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK * 2)
            })
        );
        let t2 = t1 + FIRST_LOCK * 2;
        assert_eq!(
            pin.check_at("demo", "000003", t2),
            Err(PinRefusal::Wrong {
                locked_for: Some(FIRST_LOCK * 4)
            })
        );
        let t3 = t2 + FIRST_LOCK * 4;
        assert_eq!(
            pin.check_at("demo", "482913", t3),
            Ok(()),
            "right PIN resets"
        );
        assert_eq!(
            pin.check_at("demo", "000004", t3),
            Err(PinRefusal::Wrong { locked_for: None })
        );
        assert_eq!(lock_after(FREE_TRIES + 40), Some(LONGEST_LOCK));
        pin.set("demo", "7777");
        assert_eq!(pin.check_at("demo", "7777", t3), Ok(()));
        assert_eq!(
            pin.check_at("other", "482913", t3),
            Ok(()),
            "other stores keep theirs"
        );
        assert_eq!(
            StaffPin::new(None).check_at("demo", "1234", t3),
            Err(PinRefusal::NotSet)
        );
    }
}
