//! A model upstream at the public API (the proxy in front of Smartro, as UPSTREAM.md and the
//! guide describe it) and a driver that runs submissions against it on a virtual clock.
//!
//! `rng`: replayable randomness; `model`: the upstream; `world`: many guests and the weather;
//! `driver`: one submission by hand. Each test uses some of it.
// Each test binary uses a part of this.
#![allow(dead_code, unused_imports)]

mod driver;
mod model;
mod rng;
mod world;

pub use driver::*;
pub use model::*;
pub use rng::*;
pub use world::*;

use order_core::flow::{Command, Event, Failure, Millis, PayMode, Stage, Submission, Ticket};
use order_core::{
    Approval, ClientConfig, ErrorBody, ErrorCode, OrderKind, OrderLine, OrderReceipt, OrderRequest,
    OrderStatus, PaymentMethod, PlacedOrder, TableOrders, Won,
};
use std::collections::BTreeMap;

pub const PIN: &str = "4321";

pub fn config() -> ClientConfig {
    ClientConfig {
        poll_interval_ms: 5_000,
        accept_window_ms: 60_000,
        occupied_retry_ms: 10_000,
        max_occupied_retries: 3,
    }
}

pub fn cart() -> Vec<OrderLine> {
    vec![OrderLine {
        item_id: "I0201".into(),
        count: 2,
        options: vec![],
        memo: None,
    }]
}

pub fn approval(amount: i64) -> Approval {
    Approval {
        amount: Won(amount),
        approval_no: "30001234".into(),
        approved_at: "20261128191500".into(),
        terminal_id: "CAT01".into(),
        card_no_masked: "5365-10**-****-1234".into(),
        issuer: "신한카드".into(),
        acquirer: "신한카드".into(),
        instalment_months: 0,
        ..Approval::default()
    }
}

/// Nothing waits forever: a submission neither finished nor waiting for a person has a call
/// under way or a wake-up set.
pub fn assert_not_stuck(sub: &Submission, context: impl FnOnce() -> String) {
    let stage = sub.stage();
    if !stage.is_final() && !stage.awaits_person() {
        assert!(
            sub.is_moving(),
            "stuck in {stage:?} with nothing pending\n{}",
            context()
        );
    }
}
