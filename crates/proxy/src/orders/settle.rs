//! Which of a table's listed orders is one of ours, and what becomes of an order in doubt:
//! pure decisions, in the manner of `order_core::flow`. Records, what the table's list shows
//! and `now` come in; a sighting and a decision go out. The order desk does the looking and
//! the writing down.
//!
//! A host may echo the partner's order number whole, cut short, not at all, or the same for
//! every order (the public client sends `"130"` each time). So an order is known, in turn,
//! by the number Smartro gave it, by its echo (whole, or a prefix long enough to tell orders
//! apart), and, when the list echoes none of our numbers, by what it is: its lines and total,
//! listed after the send. Where two of the table's orders could be the one, it is not
//! guessed: the order is unconfirmed and staff look. No clocks are compared: the host's and
//! ours may disagree, and its time zone is an assumption.

use order_core::{PlacedOrder, Won};
use serde::{Deserialize, Serialize};

/// What an order is, as the host lists it back: each item's count (by item id) and the total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderShape {
    pub lines: Vec<(String, u32)>,
    pub total: Won,
}

impl OrderShape {
    /// Lines of the same item count together; the order of lines does not matter.
    pub fn new(lines: impl IntoIterator<Item = (String, u32)>, total: Won) -> OrderShape {
        let mut merged: Vec<(String, u32)> = Vec::new();
        for (item, count) in lines {
            match merged.iter_mut().find(|(i, _)| *i == item) {
                Some((_, n)) => *n += count,
                None => merged.push((item, count)),
            }
        }
        merged.sort();
        OrderShape {
            lines: merged,
            total,
        }
    }

    pub fn of_placed(order: &PlacedOrder) -> OrderShape {
        OrderShape::new(
            order.lines.iter().map(|l| (l.item_id.clone(), l.count)),
            order.total,
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// As written by `to_json`; none when it is not.
    pub fn from_json(json: &str) -> Option<OrderShape> {
        serde_json::from_str(json).ok()
    }
}

/// One order on the table's list, as matching reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<'a> {
    pub order_no: &'a str,
    /// The partner's order number as the host echoes it (empty: none).
    pub echo: &'a str,
    pub shape: OrderShape,
}

/// What the table's list shows, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<'a> {
    pub entries: Vec<Listed<'a>>,
    /// As long as the host lists at most: orders older than the oldest may be unseen.
    pub full: bool,
}

/// One of our records at the table, as matching needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ours<'a> {
    pub client_order_id: &'a str,
    /// The partner's order number it went under.
    pub partner_order_no: &'a str,
    /// None for a record from before shapes were kept: never matched by what it is.
    pub shape: Option<&'a OrderShape>,
    /// The newest order on the POS at the table before it was sent.
    pub anchor: Option<&'a str>,
    /// The number Smartro gave it, once known.
    pub order_no: Option<&'a str>,
}

/// An echo this long that begins our number is ours: among a table's orders, six digits of
/// a number derived from a hash tell them apart.
pub const MIN_ECHO: usize = 6;

/// How an order was told on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    OrderNo,
    Echo,
    ShortEcho,
    Content,
}

/// What the table's list shows of one of our orders.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sighting {
    /// Listed, at this place on the list.
    Found { index: usize, by: MatchedBy },
    /// Not listed, and the list reaches back past when it was sent.
    Absent,
    /// Not listed, on a list too full to reach back to it.
    Unseen,
    /// More than one listed order could be it, and nothing tells which.
    Ambiguous,
}

/// Is `echo` the host's echo of `number` (whole, or its beginning, long enough)?
fn echoes(echo: &str, number: &str) -> bool {
    echo.len() >= MIN_ECHO && number.starts_with(echo)
}

/// The table's records other than `mine` (which `table` may hold too).
fn others<'a>(mine: &'a Ours, table: &'a [Ours<'a>]) -> impl Iterator<Item = &'a Ours<'a>> {
    table
        .iter()
        .filter(move |o| o.client_order_id != mine.client_order_id)
}

/// Looks for `mine` on the list, told apart from the table's records (`table`; `mine` among
/// them or not).
pub fn sight(mine: &Ours, listing: &Listing, table: &[Ours]) -> Sighting {
    let entries = &listing.entries;
    let echoes_another = |echo: &str| others(mine, table).any(|o| echoes(echo, o.partner_order_no));
    if let Some(no) = mine.order_no {
        // The number is the host's; an entry under it that echoes another of our orders'
        // numbers is that order, not this one (a number seen again, on a host that reused it).
        let ours = |e: &Listed| echoes(e.echo, mine.partner_order_no) || !echoes_another(e.echo);
        return match entries.iter().position(|e| e.order_no == no && ours(e)) {
            Some(index) => Sighting::Found {
                index,
                by: MatchedBy::OrderNo,
            },
            None => not_listed(mine, listing),
        };
    }
    let by_echo: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            echoes(entries[i].echo, mine.partner_order_no) && !echoes_another(entries[i].echo)
        })
        .collect();
    match by_echo.as_slice() {
        [index] => {
            let whole = entries[*index].echo == mine.partner_order_no;
            let by = if whole {
                MatchedBy::Echo
            } else {
                MatchedBy::ShortEcho
            };
            return Sighting::Found { index: *index, by };
        }
        [] => {}
        _ => return Sighting::Ambiguous,
    }
    // A list that echoes any of our numbers echoes them all: ours is not on it.
    let host_echoes = entries
        .iter()
        .any(|e| echoes(e.echo, mine.partner_order_no) || echoes_another(e.echo));
    match mine.shape {
        Some(shape) if !host_echoes => by_content(mine, shape, listing, table),
        _ => not_listed(mine, listing),
    }
}

/// The one order after the send that is what ours is, and that no other record of ours
/// could be.
fn by_content(mine: &Ours, shape: &OrderShape, listing: &Listing, table: &[Ours]) -> Sighting {
    let entries = &listing.entries;
    // Newest first: what came after the send is above the anchor, when it is still listed.
    let after_send = mine
        .anchor
        .and_then(|a| entries.iter().position(|e| e.order_no == a))
        .unwrap_or(entries.len());
    let taken = |no: &str| others(mine, table).any(|o| o.order_no == Some(no));
    let candidates: Vec<usize> = (0..after_send)
        .filter(|&i| entries[i].shape == *shape && !taken(entries[i].order_no))
        .collect();
    let twins = others(mine, table).any(|o| o.order_no.is_none() && o.shape == Some(shape));
    match candidates.as_slice() {
        [] => not_listed(mine, listing),
        [index] if !twins => Sighting::Found {
            index: *index,
            by: MatchedBy::Content,
        },
        _ => Sighting::Ambiguous,
    }
}

fn not_listed(mine: &Ours, listing: &Listing) -> Sighting {
    let anchor_listed = mine
        .anchor
        .is_some_and(|a| listing.entries.iter().any(|e| e.order_no == a));
    if !listing.full || anchor_listed {
        Sighting::Absent
    } else {
        Sighting::Unseen
    }
}

/// What becomes of an order in doubt.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// It is on the table: Smartro has it under this number.
    Received { order_no: String },
    /// Not there, long enough after it was sent that it cannot still appear: it may be sent
    /// again.
    SendAgain,
    /// Not there yet, or not told apart yet: look again in this long.
    Wait { retry_after_ms: u64 },
    /// Nobody here can tell whether it is on the POS: never sent again; staff look.
    Unconfirmed,
}

/// `settle_after_ms`: how long after its send an order that reached the host is surely
/// listed (the upstream's timeout, and the time the host takes to list a new order).
pub fn settle(
    sighting: Sighting,
    listing: &Listing,
    sent_at_ms: i64,
    now_ms: i64,
    settle_after_ms: i64,
) -> Settle {
    let left = settle_after_ms - (now_ms - sent_at_ms);
    match sighting {
        Sighting::Found { index, .. } => Settle::Received {
            order_no: listing
                .entries
                .get(index)
                .map(|e| e.order_no.to_string())
                .unwrap_or_default(),
        },
        Sighting::Absent | Sighting::Ambiguous if left > 0 => Settle::Wait {
            retry_after_ms: u64::try_from(left).unwrap_or(0),
        },
        Sighting::Absent => Settle::SendAgain,
        // Time will not tell these apart, nor bring an order back onto a full list.
        Sighting::Ambiguous | Sighting::Unseen => Settle::Unconfirmed,
    }
}

#[cfg(test)]
#[path = "settle_tests.rs"]
mod tests;
