//! How a real host may answer differently from what the evidence shows: one switch for each
//! difference UPSTREAM.md leaves open ("assumed"). The default is the host as assumed there;
//! `Dialect::variants` names one host for each way it may differ, and the tests go through
//! them all.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the host keeps of the partner's MCHT_ORDERNO, and so echoes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum Echo {
    /// Kept whole.
    Exact,
    /// Cut to the column's width (many order-number columns are 20 wide).
    Width { width: usize },
    /// Not kept: echoed empty.
    Absent,
    /// The same value for every order, whatever was sent.
    Constant { value: String },
}

impl Echo {
    /// What the host keeps of `sent`.
    pub fn kept(&self, sent: &str) -> String {
        match self {
            Echo::Exact => sent.to_string(),
            Echo::Width { width } => sent.chars().take(*width).collect(),
            Echo::Absent => String::new(),
            Echo::Constant { value } => value.clone(),
        }
    }
}

/// The refusals the host tells apart, each with a code of its own.
pub const REFUSALS: [&str; 9] = [
    "credentials",
    "bad_request",
    "occupied",
    "closed",
    "open_bill",
    "mismatch",
    "bad_item",
    "unknown_table",
    "unknown_order",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Dialect {
    pub echo: Echo,
    /// ORDER_DATE and ORDER_TIME are written in UTC plus this many seconds.
    pub utc_offset_secs: i32,
    /// A new order is listed by the inquiries only this long after it was received.
    pub listing_delay_ms: i64,
    /// The most orders a table's inquiry lists (its newest).
    pub table_inquiry_limit: usize,
    /// The most orders per table the store-wide inquiry lists.
    pub store_inquiry_per_table: usize,
    /// A successful order answer carries no OBJ at all.
    pub ack_without_obj: bool,
    /// The host's own ERRCODE for a refusal (keys from `REFUSALS`); those not named keep
    /// the assumed code.
    pub codes: BTreeMap<String, String>,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            echo: Echo::Exact,
            utc_offset_secs: 9 * 3600,
            listing_delay_ms: 0,
            table_inquiry_limit: 10,
            store_inquiry_per_table: 5,
            ack_without_obj: false,
            codes: BTreeMap::new(),
        }
    }
}

impl Dialect {
    /// One host for each way the evidence allows it to differ from the assumed one, by name.
    pub fn variants() -> Vec<(&'static str, Dialect)> {
        let with = |change: fn(&mut Dialect)| {
            let mut d = Dialect::default();
            change(&mut d);
            d
        };
        vec![
            ("assumed", Dialect::default()),
            ("short-echo", with(|d| d.echo = Echo::Width { width: 10 })),
            ("no-echo", with(|d| d.echo = Echo::Absent)),
            (
                "same-echo",
                with(|d| {
                    d.echo = Echo::Constant {
                        value: "130".into(),
                    }
                }),
            ),
            ("utc-times", with(|d| d.utc_offset_secs = 0)),
            ("slow-listing", with(|d| d.listing_delay_ms = 800)),
            ("no-obj", with(|d| d.ack_without_obj = true)),
            ("other-codes", with(|d| d.codes = other_codes())),
            (
                "short-list",
                with(|d| {
                    d.table_inquiry_limit = 5;
                    d.store_inquiry_per_table = 3;
                }),
            ),
        ]
    }

    pub fn named(name: &str) -> Option<Dialect> {
        Dialect::variants()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d)
    }

    /// The code this host sends for a refusal, `assumed` when it names none of its own.
    pub fn code<'a>(&'a self, refusal: &str, assumed: &'a str) -> &'a str {
        self.codes.get(refusal).map_or(assumed, String::as_str)
    }
}

/// Codes unlike the assumed ones, as a host nobody outside Smartro has seen may send.
pub fn other_codes() -> BTreeMap<String, String> {
    REFUSALS
        .iter()
        .enumerate()
        .map(|(n, r)| (r.to_string(), format!("{}", 9001 + n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_differs_from_the_assumed_host_in_one_way_and_reads_back() {
        let variants = Dialect::variants();
        assert_eq!(variants[0], ("assumed", Dialect::default()));
        for (name, d) in &variants[1..] {
            assert_ne!(*d, Dialect::default(), "{name}");
            let json = serde_json::to_string(d).unwrap();
            assert_eq!(&serde_json::from_str::<Dialect>(&json).unwrap(), d);
            assert_eq!(Dialect::named(name).as_ref(), Some(d));
        }
        assert_eq!(Echo::Width { width: 4 }.kept("123456"), "1234");
        assert_eq!(Echo::Absent.kept("123456"), "");
        let other = Dialect::named("other-codes").unwrap();
        assert_eq!(other.code("occupied", "E1001"), "9003");
        assert_eq!(Dialect::default().code("occupied", "E1001"), "E1001");
    }
}
