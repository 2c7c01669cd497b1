//! Each assumption `check-upstream` checks, judged from what was seen: pure functions, so
//! every verdict is tested without a host.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    Differs,
    Unknown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Holds => "holds",
            Verdict::Differs => "DIFFERS",
            Verdict::Unknown => "unknown",
        })
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub assumption: &'static str,
    pub assumed: String,
    pub seen: String,
    pub verdict: Verdict,
    /// What to do about a difference, or how to find out.
    pub next: String,
}

pub fn row(assumption: &'static str, assumed: impl Into<String>) -> RowBuilder {
    RowBuilder {
        assumption,
        assumed: assumed.into(),
    }
}

pub struct RowBuilder {
    assumption: &'static str,
    assumed: String,
}

impl RowBuilder {
    pub fn holds(self, seen: impl Into<String>) -> Row {
        self.with(Verdict::Holds, seen, String::new())
    }

    pub fn differs(self, seen: impl Into<String>, next: impl Into<String>) -> Row {
        self.with(Verdict::Differs, seen, next)
    }

    pub fn unknown(self, seen: impl Into<String>, next: impl Into<String>) -> Row {
        self.with(Verdict::Unknown, seen, next)
    }

    fn with(self, verdict: Verdict, seen: impl Into<String>, next: impl Into<String>) -> Row {
        Row {
            assumption: self.assumption,
            assumed: self.assumed,
            seen: seen.into(),
            verdict,
            next: next.into(),
        }
    }
}

/// The report as printed: one row per assumption, and the next step under each that does
/// not hold.
pub fn render(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&format!(
            "{:<8} {}: seen {} (assumed {})\n",
            r.verdict.to_string(),
            r.assumption,
            r.seen,
            r.assumed
        ));
        if r.verdict != Verdict::Holds && !r.next.is_empty() {
            out.push_str(&format!("         next: {}\n", r.next));
        }
    }
    let differs = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Differs)
        .count();
    let unknown = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Unknown)
        .count();
    out.push_str(&format!(
        "{} hold, {differs} differ, {unknown} unknown\n",
        rows.len() - differs - unknown
    ));
    out
}

/// How the host gave back the partner's order number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EchoSeen {
    Exact,
    Shortened(usize),
    Absent,
    /// Something else: the same for every order, or the host's own.
    Other(String),
}

pub fn classify_echo(sent: &str, echo: &str) -> EchoSeen {
    if echo == sent {
        EchoSeen::Exact
    } else if echo.is_empty() {
        EchoSeen::Absent
    } else if sent.starts_with(echo) {
        EchoSeen::Shortened(echo.len())
    } else {
        EchoSeen::Other(echo.to_string())
    }
}

pub fn echo_row(assumption: &'static str, sent: &str, echo: Option<&str>) -> Row {
    let r = row(assumption, "MCHT_ORDERNO echoed whole");
    let Some(echo) = echo else {
        return r.unknown("not listed", "place the test call again (--test-table)");
    };
    let min = crate::orders::settle::MIN_ECHO;
    match classify_echo(sent, echo) {
        EchoSeen::Exact => r.holds(format!("whole ({} characters)", sent.len())),
        EchoSeen::Shortened(n) if n >= min => r.differs(
            format!("cut to its first {n} characters"),
            "nothing to teach: orders are told by the shortened echo",
        ),
        EchoSeen::Shortened(n) => r.differs(
            format!("cut to its first {n} characters, too short to tell orders apart"),
            "nothing to teach: orders are told by what they are; two alike at a table within \
             minutes are flagged for staff on the owner's page",
        ),
        EchoSeen::Absent => r.differs(
            "not echoed",
            "nothing to teach: orders are told by what they are; two alike at a table within \
             minutes are flagged for staff on the owner's page",
        ),
        EchoSeen::Other(v) => r.differs(
            format!("{v:?} in place of ours"),
            "nothing to teach: orders are told by what they are; ask Smartro whether the \
             partner's order number is kept",
        ),
    }
}

/// The offset, in whole quarter hours, that makes the host's time of our call agree with
/// ours; `None` when it already agrees (within two minutes).
pub fn zone_correction(host_minus_ours_secs: i64) -> Option<i64> {
    if host_minus_ours_secs.abs() <= 120 {
        return None;
    }
    let quarter = 15 * 60;
    Some((host_minus_ours_secs as f64 / quarter as f64).round() as i64 * quarter)
}

/// `+09:00` for 32400 seconds.
pub fn offset_text(secs: i64) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// How long a table's list is, judged from the longest lists seen.
pub fn list_length_row(assumed: usize, lengths: &[usize]) -> Row {
    let r = row("table inquiry lists at most", assumed.to_string());
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let at_longest = lengths.iter().filter(|n| **n == longest).count();
    let seen = format!(
        "{longest} at most, on {at_longest} of {} tables",
        lengths.len()
    );
    if longest == assumed {
        r.holds(seen)
    } else if longest > assumed {
        r.differs(
            seen,
            format!("set [upstream] table_inquiry_limit = {longest} (or run again when busier)"),
        )
    } else if at_longest >= 2 && longest >= 3 {
        r.differs(
            seen,
            format!(
                "several tables stop at {longest}: set [upstream] table_inquiry_limit = {longest}"
            ),
        )
    } else {
        r.unknown(
            seen,
            "no table has enough orders yet: run again on a busy evening",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_are_told_whole_cut_short_absent_or_another() {
        let sent = "12345678901234567890";
        assert_eq!(classify_echo(sent, sent), EchoSeen::Exact);
        assert_eq!(classify_echo(sent, "1234567890"), EchoSeen::Shortened(10));
        assert_eq!(classify_echo(sent, ""), EchoSeen::Absent);
        assert_eq!(classify_echo(sent, "130"), EchoSeen::Other("130".into()));
        assert_eq!(echo_row("echo", sent, Some(sent)).verdict, Verdict::Holds);
        assert_eq!(
            echo_row("echo", sent, Some("123")).verdict,
            Verdict::Differs
        );
        assert_eq!(echo_row("echo", sent, None).verdict, Verdict::Unknown);
    }

    #[test]
    fn a_clock_nine_hours_off_asks_for_the_zone_nine_hours_off() {
        assert_eq!(zone_correction(30), None);
        assert_eq!(zone_correction(-9 * 3600 + 40), Some(-9 * 3600));
        assert_eq!(offset_text(-9 * 3600), "-09:00");
        assert_eq!(offset_text(9 * 3600 + 1800), "+09:30");
    }

    #[test]
    fn a_list_length_is_known_only_from_lists_that_reach_it() {
        assert_eq!(list_length_row(10, &[10, 3, 0]).verdict, Verdict::Holds);
        assert_eq!(list_length_row(10, &[5, 5, 2]).verdict, Verdict::Differs);
        assert_eq!(list_length_row(10, &[12, 1]).verdict, Verdict::Differs);
        assert_eq!(list_length_row(10, &[4, 1]).verdict, Verdict::Unknown);
        assert_eq!(list_length_row(10, &[]).verdict, Verdict::Unknown);
        let printed = render(&[list_length_row(10, &[5, 5])]);
        assert!(printed.contains("DIFFERS") && printed.contains("table_inquiry_limit = 5"));
        assert!(
            printed.ends_with("0 hold, 1 differ, 0 unknown\n"),
            "{printed}"
        );
    }
}
