//! What a partner learns about its Smartro host on the first day and teaches here without a
//! new release: the host's refusal codes, the time zone of its order times, and how many
//! orders a table's inquiry lists. The defaults are UPSTREAM.md's assumptions.

use super::Refusal;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// `[upstream.refusals]`: which ERRCODE values mean what. A code no list names is still a
/// definite refusal, shown in the POS's own words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RefusalCodes {
    pub occupied: Vec<String>,
    pub closed: Vec<String>,
    pub open_bill: Vec<String>,
    pub mismatch: Vec<String>,
    pub bad_item: Vec<String>,
    pub unknown_table: Vec<String>,
    pub credentials: Vec<String>,
}

impl Default for RefusalCodes {
    /// (assumed) No real ERRCODE is public: these are the simulator's.
    fn default() -> Self {
        let one = |c: &str| vec![c.to_string()];
        RefusalCodes {
            occupied: one("E1001"),
            closed: one("E1002"),
            open_bill: one("E1003"),
            mismatch: one("E1004"),
            bad_item: one("E2001"),
            unknown_table: one("E2002"),
            credentials: one("E0001"),
        }
    }
}

impl RefusalCodes {
    fn lists(&self) -> [(&Vec<String>, Refusal); 7] {
        [
            (&self.occupied, Refusal::TableOccupied),
            (&self.closed, Refusal::StoreClosed),
            (&self.open_bill, Refusal::TableHasOpenOrder),
            (&self.mismatch, Refusal::OpenOrderMismatch),
            (&self.bad_item, Refusal::BadItem),
            (&self.unknown_table, Refusal::UnknownTable),
            (&self.credentials, Refusal::CredentialsRejected),
        ]
    }

    pub fn refusal_for(&self, code: &str) -> Refusal {
        let code = code.trim();
        self.lists()
            .into_iter()
            .find(|(codes, _)| codes.iter().any(|c| c.trim() == code))
            .map_or(Refusal::Other, |(_, refusal)| refusal)
    }

    /// A code named for two meanings cannot be read: said at start-up, not guessed.
    pub fn check(&self) -> Result<(), String> {
        let mut meaning: BTreeMap<&str, Refusal> = BTreeMap::new();
        for (codes, refusal) in self.lists() {
            for code in codes {
                let code = code.trim();
                if code.is_empty() {
                    return Err("an empty refusal code".into());
                }
                if let Some(other) = meaning.insert(code, refusal) {
                    if other != refusal {
                        return Err(format!(
                            "code {code:?} is listed as {other:?} and {refusal:?}"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The host as taught: what `Upstream` reads its answers by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSettings {
    pub refusals: RefusalCodes,
    /// The zone ORDER_DATE and ORDER_TIME are written in.
    pub time_zone: FixedOffset,
    /// The most orders a table's inquiry lists: a list this long may hide older ones.
    pub table_inquiry_limit: usize,
}

impl Default for HostSettings {
    fn default() -> Self {
        HostSettings {
            refusals: RefusalCodes::default(),
            time_zone: crate::kst::KST,
            // (assumed) Nothing in the evidence says how many the real service lists.
            table_inquiry_limit: 10,
        }
    }
}

/// `"+09:00"`, `"-05:30"`, `"UTC"`, `"KST"` or `"Asia/Seoul"`.
pub fn parse_time_zone(text: &str) -> Result<FixedOffset, String> {
    let t = text.trim();
    match t {
        "UTC" | "utc" | "Z" | "GMT" => return Ok(FixedOffset::east_opt(0).expect("UTC")),
        "KST" | "Asia/Seoul" => return Ok(crate::kst::KST),
        _ => {}
    }
    let bad = || format!("time zone {text:?}: use an offset such as \"+09:00\", or UTC / KST");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// One refusal code a host sent, for the owner to read the mapping off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSeen {
    pub code: String,
    /// The host's MSG the last time it sent the code.
    pub message: String,
    pub count: u64,
    /// What it was read as: a taught code's meaning, or `other`.
    pub read_as: Refusal,
    pub last_at_ms: i64,
}

/// The codes each store's host sent since the start, by STORE_ID.
#[derive(Debug, Default)]
pub struct SeenCodes(Mutex<BTreeMap<String, BTreeMap<String, CodeSeen>>>);

/// A host that sends a new code with every answer cannot grow this without end.
const CODES_KEPT: usize = 50;

impl SeenCodes {
    pub fn note(&self, store_id: &str, code: &str, message: &str, read_as: Refusal) {
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let codes = all.entry(store_id.to_string()).or_default();
        if codes.len() >= CODES_KEPT && !codes.contains_key(code) {
            return;
        }
        let seen = codes.entry(code.to_string()).or_insert_with(|| CodeSeen {
            code: code.to_string(),
            message: String::new(),
            count: 0,
            read_as,
            last_at_ms: 0,
        });
        seen.count += 1;
        seen.message = message.chars().take(200).collect();
        seen.read_as = read_as;
        seen.last_at_ms = crate::ledger::now_ms();
    }

    pub fn of(&self, store_id: &str) -> Vec<CodeSeen> {
        let all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        all.get(store_id)
            .map(|codes| codes.values().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taught_codes_are_read_and_anything_else_is_a_refusal_in_the_hosts_words() {
        let mut codes = RefusalCodes::default();
        assert_eq!(codes.refusal_for("E1001"), Refusal::TableOccupied);
        codes.occupied = vec!["9003".into(), "9010".into()];
        assert_eq!(codes.refusal_for(" 9010 "), Refusal::TableOccupied);
        assert_eq!(codes.refusal_for("E1001"), Refusal::Other);
        assert!(codes.check().is_ok());
        codes.closed.push("9003".into());
        assert!(codes.check().unwrap_err().contains("9003"));
    }

    #[test]
    fn time_zones_are_offsets_or_the_two_names_a_korean_host_may_use() {
        assert_eq!(parse_time_zone("+09:00").unwrap(), crate::kst::KST);
        assert_eq!(parse_time_zone("KST").unwrap(), crate::kst::KST);
        assert_eq!(parse_time_zone("UTC").unwrap().local_minus_utc(), 0);
        assert_eq!(
            parse_time_zone("-05:30").unwrap().local_minus_utc(),
            -19_800
        );
        for bad in ["", "9", "+25:00", "Seoul", "+09:75"] {
            assert!(parse_time_zone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_seen_are_counted_with_their_last_words() {
        let seen = SeenCodes::default();
        seen.note("S1", "9003", "사용 중", Refusal::Other);
        seen.note("S1", "9003", "사용 중입니다", Refusal::TableOccupied);
        seen.note("S2", "X", "", Refusal::Other);
        let s1 = seen.of("S1");
        assert_eq!(s1.len(), 1);
        assert_eq!(
            (s1[0].count, s1[0].message.as_str(), s1[0].read_as),
            (2, "사용 중입니다", Refusal::TableOccupied)
        );
        assert!(seen.of("S3").is_empty());
    }
}
