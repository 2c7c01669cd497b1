//! Health and readiness: `/healthz` says the process answers; `/readyz` says whether this
//! server can take orders now — its database answers, every store's tables and menu are at
//! hand, and the upstream answered lately — and if not, why. A load balancer sends guests
//! elsewhere meanwhile. The verdict is the pure [`readiness`]; the heartbeat that keeps the
//! upstream's last answer fresh on a quiet server is [`heartbeat_due`].

use serde::Serialize;
use std::time::Duration;

/// What is known now, as readiness reads it.
#[derive(Debug, Clone)]
pub struct Facts {
    pub now_ms: i64,
    /// The database answered a trivial query (and how it failed, if not).
    pub database: Result<(), String>,
    /// Stores whose tables and menu were never fetched (none kept either).
    pub stores_without_base_info: Vec<String>,
    /// When the upstream last answered anything.
    pub upstream_answered_at_ms: Option<i64>,
    /// When this server started (an upstream not yet asked is given this long).
    pub started_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub ready: bool,
    /// Why not, in words an operator acts on; empty when ready.
    pub reasons: Vec<String>,
}

/// Whether the server is ready, given `facts`, when the upstream may be silent `silence`.
#[must_use]
pub fn readiness(facts: &Facts, silence: Duration) -> Readiness {
    let silence_ms = i64::try_from(silence.as_millis()).unwrap_or(i64::MAX);
    let mut reasons = Vec::new();
    if let Err(why) = &facts.database {
        reasons.push(format!("the database does not answer: {why}"));
    }
    for store in &facts.stores_without_base_info {
        reasons.push(format!(
            "store {store}: no tables and menu yet (the POS was never reached for them)"
        ));
    }
    let heard = facts.upstream_answered_at_ms.unwrap_or(facts.started_at_ms);
    if facts.now_ms - heard > silence_ms {
        let since = facts.upstream_answered_at_ms.map_or_else(
            || "since this server started".to_string(),
            |at| format!("for {} s", (facts.now_ms - at) / 1000),
        );
        reasons.push(format!("the POS (upstream) has not answered {since}"));
    }
    Readiness {
        ready: reasons.is_empty(),
        reasons,
    }
}

/// Whether the upstream is to be asked now, so that a quiet server still knows it answers:
/// when nothing was heard from it for a third of the allowed silence.
#[must_use]
pub fn heartbeat_due(now_ms: i64, answered_at_ms: Option<i64>, silence: Duration) -> bool {
    let every = i64::try_from(silence.as_millis() / 3).unwrap_or(i64::MAX);
    answered_at_ms.is_none_or(|at| now_ms - at >= every)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(now_ms: i64) -> Facts {
        Facts {
            now_ms,
            database: Ok(()),
            stores_without_base_info: Vec::new(),
            upstream_answered_at_ms: Some(1_000),
            started_at_ms: 0,
        }
    }

    #[test]
    fn ready_until_the_upstream_is_silent_too_long_and_again_once_it_answers() {
        let silence = Duration::from_secs(45);
        assert!(readiness(&facts(46_000), silence).ready);
        let silent = readiness(&facts(46_001), silence);
        assert!(!silent.ready);
        assert_eq!(
            silent.reasons,
            ["the POS (upstream) has not answered for 45 s"]
        );
        let mut f = facts(100_000);
        f.upstream_answered_at_ms = Some(99_000);
        assert!(readiness(&f, silence).ready);
        // Never asked yet: the server's start counts as the last word.
        f.upstream_answered_at_ms = None;
        f.started_at_ms = 90_000;
        assert!(readiness(&f, silence).ready);
        f.now_ms = 200_000;
        assert!(readiness(&f, silence).reasons[0].contains("since this server started"));
    }

    #[test]
    fn every_reason_is_told() {
        let mut f = facts(2_000);
        f.database = Err("disk I/O error".into());
        f.stores_without_base_info = vec!["gangnam".into()];
        let r = readiness(&f, Duration::from_secs(45));
        assert!(!r.ready);
        assert_eq!(r.reasons.len(), 2, "{r:?}");
        assert!(r.reasons[0].contains("disk I/O error"));
        assert!(r.reasons[1].contains("gangnam"));
    }

    #[test]
    fn the_heartbeat_asks_after_a_third_of_the_silence() {
        let silence = Duration::from_secs(45);
        assert!(heartbeat_due(0, None, silence));
        assert!(!heartbeat_due(14_999, Some(0), silence));
        assert!(heartbeat_due(15_000, Some(0), silence));
    }
}
