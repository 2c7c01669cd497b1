//! What goes upstream, in the restaurant's words: an order ready to send, its payments, the
//! partner's order number it goes under, and a staff call as the real client sends one.

use order_core::pricing::PricedOrder;
use order_core::{OrderKind, StaffCallReason, Won};

/// A payment already made for a prepaid order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub kind: PaymentKind,
    pub amount: Won,
    pub vat: Won,
    pub terminal_id: String,
    pub approval_no: String,
    /// `yyyyMMdd`
    pub approval_date: String,
    /// `HHmmss`
    pub approval_time: String,
    pub card_no_masked: String,
    pub issuer: String,
    pub acquirer: String,
    pub instalment_months: u8,
    /// Passed through from the terminal's answer, never computed here.
    pub acquirer_code: String,
    pub issuer_code: String,
    pub merchant_no: String,
    /// `M`/`I`/`R`/`X`; empty: `M` for a card.
    pub card_pay_type: String,
    pub ddcedi: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    Card,
    Cash,
    Other,
}

/// The partner's order number sent for a clientOrderId: 20 digits, derived from it (the
/// same after a restart). (assumed) Many hosts keep order numbers in 20-character columns, and
/// digits fit any kind of column; a host that keeps fewer still echoes a prefix, which tells
/// orders apart from about 6 digits on.
pub fn partner_order_no(store: &str, client_order_id: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{store}\n{client_order_id}").as_bytes());
    let mut digits = String::with_capacity(PARTNER_ORDER_NO_LEN);
    for chunk in digest.chunks(8).take(2) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        digits.push_str(&format!(
            "{:010}",
            u64::from_be_bytes(word) % 10_000_000_000
        ));
    }
    digits
}

/// How long `partner_order_no` is: at most 20, as the issue of column widths asks.
pub const PARTNER_ORDER_NO_LEN: usize = 20;

/// An order ready to send: priced from the cached menu, for one table.
#[derive(Debug, Clone)]
pub struct OutgoingOrder<'a> {
    /// The partner's order number (MCHT_ORDERNO) this order goes under.
    pub partner_order_no: &'a str,
    pub floor: &'a str,
    pub table: &'a str,
    pub kind: OrderKind,
    pub open_order_no: Option<&'a str>,
    /// An add: the newest order on the table (ORDERNO), beside the bill (ORG_ORDERNO).
    pub latest_order_no: Option<&'a str>,
    pub priced: &'a PricedOrder,
    pub payments: &'a [PaymentRecord],
    /// A call for staff: nothing printed, memo `직원호출`.
    pub staff_call: bool,
}

/// The memo that marks an order as a call for staff, as the real client sends it.
pub const STAFF_CALL_MEMO: &str = "직원호출";

/// A staff call as the real client sends it: the reasons from group 99999 as lines at no
/// cost, memo `직원호출`. (assumed) Reasons the POS does not list travel in the memo alone.
pub fn staff_call_order(reasons: &[&StaffCallReason], on_pos: bool) -> PricedOrder {
    use order_core::pricing::PricedLine;
    if !on_pos {
        let names: Vec<&str> = reasons.iter().map(|r| r.name.as_str()).collect();
        return PricedOrder {
            lines: Vec::new(),
            memo: format!("{STAFF_CALL_MEMO}: {}", names.join(", ")),
            total: Won::ZERO,
        };
    }
    PricedOrder {
        lines: reasons
            .iter()
            .map(|r| PricedLine {
                item_id: r.id.clone(),
                name: r.name.clone(),
                set_menu: false,
                item_price: Won::ZERO,
                options: Vec::new(),
                count: 1,
                memo: String::new(),
            })
            .collect(),
        memo: STAFF_CALL_MEMO.to_string(),
        total: Won::ZERO,
    }
}
