//! One look at the whole store per poll interval, shared by every table and phone, and when
//! it may answer for a table. The decisions here are pure; `inquiries.rs` carries them out.
//!
//! The store-wide inquiry lists only each table's newest few orders, and how few is the
//! host's own (assumed 5; the evidence allows fewer). So it is trusted on what it shows,
//! never on an assumed number. A table's part of it holds all the table's orders when
//! - it lists fewer orders than another table in the same list: the limit is at least that
//!   (learnt afresh each time, so a host that lowers its limit is never trusted on the old);
//! - it still lists every order of the table's last list known to be whole, one at least:
//!   a newest-first list that keeps an order keeps every newer one;
//! - it lists none: the list keeps at least one per table.
//!
//! Anything else (a busy table at the limit, a new day, an order that vanished) sends the
//! table to its own inquiry, which then says what "whole" is again.

use super::StoreInquiry;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the desk keeps of a store's inquiry.
#[derive(Default)]
pub(super) struct StoreCell {
    look: Option<StoreLook>,
    /// The store-wide inquiry failed: until then each table asks for itself, rather than
    /// every poll paying for a call that fails.
    failing_until: Option<Instant>,
}

/// The store-wide inquiry and when it was asked.
#[derive(Clone)]
pub(super) struct StoreLook {
    pub asked_at: Instant,
    pub inquiry: Arc<StoreInquiry>,
    /// The most orders any one table is listed with: the host's limit is no lower.
    pub most_per_table: usize,
}

impl StoreLook {
    /// The least the host's per-table limit can be: what this look shows, or what
    /// `check-upstream` taught (`taught`, 0 when it could not tell).
    pub fn limit_at_least(&self, taught: usize) -> usize {
        self.most_per_table.max(taught)
    }
}

/// How long a failing store-wide inquiry is left alone.
const FAILING_PAUSE: Duration = Duration::from_secs(60);

/// What to do for a caller that wants the store's look, asked no earlier than `not_before`.
#[derive(Debug, PartialEq, Eq)]
#[must_use]
pub(super) enum StoreStep {
    /// The look kept answers.
    Reuse,
    /// Ask the host now.
    Ask,
    /// The store-wide inquiry is failing: ask the table instead.
    TableOnly,
}

impl StoreCell {
    pub fn step(
        &self,
        now: Instant,
        fresh_for: Duration,
        not_before: Option<Instant>,
    ) -> StoreStep {
        if let Some(look) = &self.look {
            let fresh = now.saturating_duration_since(look.asked_at) < fresh_for;
            if fresh && not_before.is_none_or(|t| look.asked_at >= t) {
                return StoreStep::Reuse;
            }
        }
        match self.failing_until {
            Some(until) if now < until => StoreStep::TableOnly,
            _ => StoreStep::Ask,
        }
    }

    pub fn look(&self) -> Option<&StoreLook> {
        self.look.as_ref()
    }

    /// Keeps a new look; it comes back with what it says of the limit.
    pub fn answered(&mut self, mut look: StoreLook) -> StoreLook {
        let longest = look.inquiry.tables.values().map(|t| t.listed.len()).max();
        look.most_per_table = longest.unwrap_or(0);
        self.look = Some(look.clone());
        self.failing_until = None;
        look
    }

    pub fn failed(&mut self, now: Instant) {
        self.failing_until = Some(now + FAILING_PAUSE);
    }
}

/// Whether the store-wide list's part for a table (`listed`, newest first) holds all the
/// table's orders, given `whole`: the orders of its last list known to be whole (`None`:
/// none known), and the most orders any table is listed with.
pub(super) fn store_list_answers(
    whole: Option<&[String]>,
    listed: &[String],
    most_per_table: usize,
) -> bool {
    if listed.len() < most_per_table || listed.is_empty() {
        return true;
    }
    match whole {
        Some(before) if !before.is_empty() => before.iter().all(|no| listed.contains(no)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nos(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_table_the_list_does_not_name_has_nothing_and_one_it_names_must_be_asked_once() {
        assert!(store_list_answers(None, &[], 0));
        assert!(!store_list_answers(None, &nos(&["3"]), 0));
        assert!(!store_list_answers(None, &nos(&["3"]), 1));
    }

    #[test]
    fn a_list_shorter_than_another_tables_is_not_cut_short() {
        assert!(store_list_answers(None, &nos(&["3", "2"]), 3));
        assert!(!store_list_answers(None, &nos(&["3", "2", "1"]), 3));
    }

    #[test]
    fn newcomers_on_top_of_a_whole_list_keep_it_whole_whatever_the_hosts_limit() {
        let whole = nos(&["2", "1"]);
        assert!(store_list_answers(Some(&whole), &nos(&["3", "2", "1"]), 3));
        assert!(store_list_answers(Some(&whole), &nos(&["2", "1"]), 2));
        // The limit was 3: the oldest dropped out, so older ones may hide too.
        let whole = nos(&["3", "2", "1"]);
        assert!(!store_list_answers(Some(&whole), &nos(&["4", "3", "2"]), 3));
        // An order that never reached the POS vanished: gone, if the list is short of the
        // limit; if it is at the limit, older ones may hide.
        assert!(store_list_answers(Some(&whole), &nos(&["3", "1"]), 3));
        assert!(!store_list_answers(Some(&whole), &nos(&["3", "1"]), 2));
        assert!(store_list_answers(Some(&whole), &[], 3));
        // Nothing at the table before: six may have come since and two dropped unseen.
        assert!(!store_list_answers(
            Some(&[]),
            &nos(&["6", "5", "4", "3"]),
            4
        ));
        assert!(store_list_answers(Some(&[]), &nos(&["1"]), 2));
    }

    #[test]
    fn each_look_says_what_it_shows_of_the_limit_and_only_that() {
        let mut cell = StoreCell::default();
        let with = |tables: &[(&str, usize)]| StoreLook {
            asked_at: Instant::now(),
            inquiry: Arc::new(StoreInquiry {
                orders: Vec::new(),
                tables: tables
                    .iter()
                    .map(|(t, n)| {
                        let listed = (0..*n).map(|k| k.to_string()).collect();
                        let inquiry = crate::upstream::TableInquiry {
                            listed,
                            ..Default::default()
                        };
                        (t.to_string(), inquiry)
                    })
                    .collect(),
            }),
            most_per_table: 0,
        };
        assert_eq!(cell.answered(with(&[("a", 2), ("b", 4)])).most_per_table, 4);
        // A host that lowered its limit since: the old figure is not trusted.
        let look = cell.answered(with(&[("a", 1)]));
        assert_eq!(look.most_per_table, 1);
        // What check-upstream saw of the host counts as much as what a list shows.
        assert_eq!(look.limit_at_least(5), 5);
        assert_eq!(look.limit_at_least(0), 1);
    }

    fn look(asked_at: Instant) -> StoreLook {
        StoreLook {
            asked_at,
            inquiry: Arc::new(StoreInquiry::default()),
            most_per_table: 0,
        }
    }

    #[test]
    fn a_look_is_reused_while_fresh_and_not_older_than_asked_for() {
        let t0 = Instant::now();
        let fresh_for = Duration::from_millis(2700);
        let mut cell = StoreCell::default();
        assert_eq!(cell.step(t0, fresh_for, None), StoreStep::Ask);
        let _ = cell.answered(look(t0));
        let later = |ms| t0 + Duration::from_millis(ms);
        assert_eq!(cell.step(later(2000), fresh_for, None), StoreStep::Reuse);
        assert_eq!(cell.step(later(2700), fresh_for, None), StoreStep::Ask);
        // A send at 1 s: only a look asked after it will do.
        assert_eq!(
            cell.step(later(1500), fresh_for, Some(later(1000))),
            StoreStep::Ask
        );
        assert_eq!(
            cell.step(later(1500), fresh_for, Some(t0)),
            StoreStep::Reuse
        );
    }

    #[test]
    fn a_failing_store_inquiry_is_left_alone_for_a_while_then_tried_again() {
        let t0 = Instant::now();
        let fresh_for = Duration::from_millis(2700);
        let mut cell = StoreCell::default();
        cell.failed(t0);
        assert_eq!(cell.step(t0, fresh_for, None), StoreStep::TableOnly);
        assert_eq!(
            cell.step(t0 + FAILING_PAUSE, fresh_for, None),
            StoreStep::Ask
        );
        let _ = cell.answered(look(t0 + FAILING_PAUSE));
        assert_eq!(
            cell.step(t0 + FAILING_PAUSE, fresh_for, None),
            StoreStep::Reuse
        );
    }
}
