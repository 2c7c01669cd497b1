//! Korean time: the POS's and Smartro's only time zone. Their dates and times carry no
//! offset; this is the one place that says which.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// UTC+9, all year (Korea keeps no summer time).
pub const KST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

pub fn now() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&KST)
}

/// Milliseconds since the epoch, in Korean time.
pub fn from_ms(ms: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&KST))
}

/// A POS date and time (`yyyyMMdd`, `HHmmss`); none when they are not one.
pub fn from_pos(date: &str, time: &str) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(&format!("{date}{time}"), "%Y%m%d%H%M%S").ok()?;
    KST.from_local_datetime(&naive).single()
}

/// A date and time the host wrote in `zone`, as Korean time; none when they are not one.
pub fn from_pos_in(zone: FixedOffset, date: &str, time: &str) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(&format!("{date}{time}"), "%Y%m%d%H%M%S").ok()?;
    zone.from_local_datetime(&naive)
        .single()
        .map(|at| at.with_timezone(&KST))
}

/// Milliseconds Korean time is ahead of UTC.
pub const OFFSET_MS: i64 = KST.local_minus_utc() as i64 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pos_times_are_korean() {
        let at = from_pos("20261130", "093000").expect("a time");
        assert_eq!(at.to_rfc3339(), "2026-11-30T09:30:00+09:00");
        assert_eq!(at.timestamp(), 1_795_998_600);
        assert!(from_pos("20261130", "256000").is_none());
        assert!(from_pos("", "").is_none());
        let utc = FixedOffset::east_opt(0).expect("UTC");
        let read = from_pos_in(utc, "20261130", "003000").expect("a time");
        assert_eq!(read.to_rfc3339(), "2026-11-30T09:30:00+09:00");
        assert_eq!(OFFSET_MS, 9 * 3_600_000);
    }
}
