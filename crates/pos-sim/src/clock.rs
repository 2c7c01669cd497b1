//! The simulator's one clock: wall time plus an offset a test can move forward.

use crate::pos::Millis;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Millis {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        wall + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Jumps the POS's time forward, so the 60 s rule can be seen without waiting 60 s.
    pub fn advance(&self, ms: Millis) {
        self.offset_ms.fetch_add(ms.max(0), Ordering::Relaxed);
    }
}
