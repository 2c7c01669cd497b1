//! The Order Agent and the Smile POS behind it, as one pure state machine.
//!
//! Every call takes `now` (milliseconds since the Unix epoch); nothing here reads a clock,
//! sleeps or does I/O, so each rule of the guide can be tested exactly, in microseconds.
//! Delivery is decided when an order is received and read off against `now` when asked.

use crate::dialect::Dialect;
use crate::fixture::{shown, Fixture, MenuItem, STAFF_CALL_MEMO};
use crate::wire::{inquiry_entry, EntryStatus, OrderAck, OrderBody};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub type Millis = i64;

pub const STATUS_RECEIVED: &str = "SMRO000068";
pub const STATUS_DONE: &str = "SMRO000069";
pub const STATUS_CANCELLED: &str = "SMRO000070";
pub const STATUS_RETURNED: &str = "SMRO000071";
pub const STATUS_PAID: &str = "SMRO000088";

/// How long things take between the Agent and the POS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// An order not delivered within this long of its receipt never is; it then vanishes.
    pub accept_window_ms: Millis,
    /// Receipt to delivery on the POS, when delivery works.
    pub delivery_delay_ms: Millis,
    /// Delivery (접수) to completion (완료) on the POS.
    pub complete_after_ms: Millis,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            accept_window_ms: 60_000,
            delivery_delay_ms: 1_500,
            complete_after_ms: 30_000,
        }
    }
}

/// How received orders reach the POS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum Delivery {
    /// After the configured delivery delay.
    Normal,
    /// After `delay_ms`; at or past the acceptance window that means never.
    Delay {
        #[serde(rename = "delayMs")]
        delay_ms: Millis,
    },
    /// Never: the POS cannot be reached. The order shows as failed, then vanishes.
    Drop,
}

/// Why the upstream refuses a call. Codes are the simulator's (assumed) ERRCODEs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PosError {
    #[error("credentials rejected")]
    Credentials,
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("table occupied on the POS")]
    Occupied,
    #[error("business not opened on the POS today")]
    BusinessClosed,
    #[error("the Order Agent is not running")]
    AgentStopped,
    #[error("the table already has an open order")]
    HasOpenOrder,
    #[error("the order to add onto is not open on this table")]
    NotOpenOrder,
    #[error("unusable item or option: {0}")]
    BadItem(String),
    #[error("no such table")]
    UnknownTable,
    #[error("no such order")]
    UnknownOrder,
}

impl PosError {
    pub fn errcode(&self) -> &'static str {
        match self {
            PosError::Credentials => "E0001",
            PosError::BadRequest(_) => "E0002",
            PosError::Occupied => "E1001",
            PosError::BusinessClosed | PosError::AgentStopped => "E1002",
            PosError::HasOpenOrder => "E1003",
            PosError::NotOpenOrder => "E1004",
            PosError::BadItem(_) => "E2001",
            PosError::UnknownTable => "E2002",
            PosError::UnknownOrder => "E3001",
        }
    }

    /// The Korean text a person at the partner reads (MSG).
    pub fn msg(&self) -> &'static str {
        match self {
            PosError::Credentials => "인증 정보가 올바르지 않습니다.",
            PosError::BadRequest(_) => "요청 형식이 올바르지 않습니다.",
            PosError::Occupied => "POS에서 테이블을 사용 중입니다. 잠시 후 다시 시도해 주세요.",
            PosError::BusinessClosed => "POS 영업 개시 전입니다.",
            PosError::AgentStopped => "주문 에이전트가 실행 중이 아닙니다.",
            PosError::HasOpenOrder => "이미 주문이 있는 테이블입니다. 추가주문으로 요청해 주세요.",
            PosError::NotOpenOrder => "테이블에 진행 중인 해당 주문이 없습니다.",
            PosError::BadItem(_) => "상품 정보가 올바르지 않습니다.",
            PosError::UnknownTable => "테이블 정보가 없습니다.",
            PosError::UnknownOrder => "주문 정보가 없습니다.",
        }
    }

    /// Which refusal this is, by the name a dialect gives its code under (`dialect::REFUSALS`).
    pub fn refusal(&self) -> &'static str {
        match self {
            PosError::Credentials => "credentials",
            PosError::BadRequest(_) => "bad_request",
            PosError::Occupied => "occupied",
            PosError::BusinessClosed | PosError::AgentStopped => "closed",
            PosError::HasOpenOrder => "open_bill",
            PosError::NotOpenOrder => "mismatch",
            PosError::BadItem(_) => "bad_item",
            PosError::UnknownTable => "unknown_table",
            PosError::UnknownOrder => "unknown_order",
        }
    }

    /// Detail for MSG2.
    pub fn detail(&self) -> String {
        match self {
            PosError::BadRequest(d) | PosError::BadItem(d) => d.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    New,
    Add,
}

/// What the POS did with a delivered order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Settlement {
    Open,
    Cancelled,
    Returned,
    Paid,
}

#[derive(Debug, Clone)]
struct Entry {
    ack: OrderAck,
    kind: OrderKind,
    received_at: Millis,
    /// `None`: this order will never reach the POS.
    deliver_at: Option<Millis>,
    /// When a failed delivery attempt is known; only for orders that will not arrive.
    fails_at: Millis,
    settlement: Settlement,
    body: OrderBody,
}

/// Where an entry stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Waiting,
    Failed,
    /// Past the acceptance window without delivery: no longer listed, never delivered.
    Vanished,
    Delivered,
}

impl Entry {
    fn stage(&self, now: Millis, window: Millis) -> Stage {
        match self.deliver_at {
            Some(at) if at <= now => Stage::Delivered,
            _ if now >= self.received_at + window => Stage::Vanished,
            None if now >= self.fails_at => Stage::Failed,
            _ => Stage::Waiting,
        }
    }

    fn prepaid(&self) -> bool {
        self.body.prepay_flag == "Y"
    }

    fn table(&self) -> (&str, &str) {
        (&self.body.flr_code, &self.body.tbl_code)
    }
}

/// One row of `GET /sim/orders`: what the POS holds, for tests that count orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PosOrder {
    pub order_no: String,
    pub org_order_no: String,
    /// MCHT_ORDERNO as the partner sent it.
    pub mcht_order_no: String,
    /// What the host kept of it, and echoes.
    pub kept_mcht_order_no: String,
    pub table: String,
    pub kind: OrderKind,
    pub stage: Stage,
    /// Delivered to the POS: the kitchen has it.
    pub on_pos: bool,
    pub status: String,
    pub prepaid: bool,
    pub amount: String,
    /// A call for staff (memo 직원호출), not food.
    pub staff_call: bool,
}

/// The answer to a new or additional order.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub ack: OrderAck,
    /// The same MCHT_ORDERNO was seen before: this is the first order's answer.
    pub replayed: bool,
}

pub struct Pos {
    fixture: Fixture,
    timing: Timing,
    business_open: bool,
    agent_running: bool,
    delivery: Delivery,
    dedupe_mcht_orderno: bool,
    /// Also refuse amounts that do not add up (the real service was seen to take them).
    strict: bool,
    occupied: BTreeSet<(String, String)>,
    entries: Vec<Entry>,
    seq: u64,
    dialect: Dialect,
}

const KST_SECONDS: i32 = 9 * 3600;

fn kst(now: Millis) -> DateTime<FixedOffset> {
    in_zone(now, KST_SECONDS)
}

/// `now` in UTC plus `offset_secs` (an offset out of range is taken as UTC).
fn in_zone(now: Millis, offset_secs: i32) -> DateTime<FixedOffset> {
    let offset =
        FixedOffset::east_opt(offset_secs).unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
    DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// `yyyyMMddHHmmss` in Korean time.
pub fn stamp(now: Millis) -> String {
    kst(now).format("%Y%m%d%H%M%S").to_string()
}

/// The menu's change stamp: to the millisecond, longer than the 14 characters a client keeps.
pub fn change_stamp(now: Millis) -> String {
    kst(now).format("%Y%m%d%H%M%S%3f").to_string()
}

impl Pos {
    pub fn new(fixture: Fixture, timing: Timing) -> Pos {
        Pos {
            fixture,
            timing,
            business_open: true,
            agent_running: true,
            delivery: Delivery::Normal,
            // The real service does not de-duplicate: the real client sends "130" every time.
            dedupe_mcht_orderno: false,
            strict: false,
            occupied: BTreeSet::new(),
            entries: Vec::new(),
            seq: 0,
            dialect: Dialect::default(),
        }
    }

    /// How this host differs from the assumed one.
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    pub fn set_dialect(&mut self, dialect: Dialect) {
        self.dialect = dialect;
    }

    /// Numbers the next orders after `count` more: a host's order numbers never repeat,
    /// so a simulator started again for the same store must not begin at 1.
    pub fn skip_order_numbers(&mut self, count: u64) {
        self.seq += count;
    }

    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    pub fn check_credentials(&self, store_id: &str, service_id: &str) -> Result<(), PosError> {
        if store_id == self.fixture.store_id && service_id == self.fixture.service_id {
            Ok(())
        } else {
            Err(PosError::Credentials)
        }
    }

    pub fn is_open(&self) -> bool {
        self.business_open && self.agent_running
    }

    pub fn set_business_open(&mut self, open: bool) {
        self.business_open = open;
    }

    pub fn set_agent_running(&mut self, running: bool) {
        self.agent_running = running;
    }

    pub fn set_delivery(&mut self, delivery: Delivery) {
        self.delivery = delivery;
    }

    pub fn set_dedupe(&mut self, on: bool) {
        self.dedupe_mcht_orderno = on;
    }

    pub fn set_strict(&mut self, on: bool) {
        self.strict = on;
    }

    pub fn is_strict(&self) -> bool {
        self.strict
    }

    pub fn set_occupied(&mut self, floor: &str, table: &str, on: bool) -> Result<(), PosError> {
        if !self.fixture.has_table(floor, table) {
            return Err(PosError::UnknownTable);
        }
        let key = (floor.to_string(), table.to_string());
        if on {
            self.occupied.insert(key);
        } else {
            self.occupied.remove(&key);
        }
        Ok(())
    }

    /// Marks an item sold out (or back) on the POS; the menu's change stamp moves.
    pub fn set_sold_out(&mut self, item_id: &str, on: bool, now: Millis) -> Result<(), PosError> {
        let item = self
            .fixture
            .item_mut(item_id)
            .ok_or_else(|| PosError::BadItem(format!("no item {item_id}")))?;
        item.sold_out_yn = Some(if on { "Y" } else { "N" }.into());
        self.fixture.update_dtime = change_stamp(now);
        Ok(())
    }

    /// The owner takes an item off the POS's menu (or puts it back): the menu no longer
    /// lists it (its use flag is no longer "N").
    pub fn set_in_use(&mut self, item_id: &str, on: bool, now: Millis) -> Result<(), PosError> {
        let item = self
            .fixture
            .item_group_list
            .iter_mut()
            .flat_map(|g| g.item_list.iter_mut())
            .find(|i| i.item_id == item_id)
            .ok_or_else(|| PosError::BadItem(format!("no item {item_id}")))?;
        item.item_use_flag = if on { "N" } else { "Y" }.into();
        self.fixture.update_dtime = change_stamp(now);
        Ok(())
    }

    /// `menu/state`: has the menu changed after `since` (`yyyyMMddHHmmss`)? To the second:
    /// the real client keeps only the stamp's first 14 characters and asks with those.
    pub fn menu_changed_since(&self, since: &str) -> bool {
        let stamp = &self.fixture.update_dtime;
        stamp.get(..14).unwrap_or(stamp) > since.get(..14).unwrap_or(since)
    }

    /// The open bill on a table at `now`: the ORG_ORDERNO further orders are added onto.
    pub fn open_order(&self, floor: &str, table: &str, now: Millis) -> Option<&str> {
        let window = self.timing.accept_window_ms;
        self.entries
            .iter()
            .rev()
            .find(|e| {
                e.table() == (floor, table)
                    && !e.prepaid()
                    && e.settlement == Settlement::Open
                    && e.stage(now, window) == Stage::Delivered
            })
            .map(|e| e.ack.org_orderno.as_str())
    }

    /// A `new` order on the table still on its way to the POS.
    fn new_order_pending(&self, floor: &str, table: &str, now: Millis) -> bool {
        let window = self.timing.accept_window_ms;
        self.entries.iter().any(|e| {
            e.table() == (floor, table)
                && e.kind == OrderKind::New
                && !e.prepaid()
                && e.stage(now, window) == Stage::Waiting
        })
    }

    /// 신규주문 / 추가주문: checks, then commits the order as received.
    pub fn place(
        &mut self,
        kind: OrderKind,
        mut body: OrderBody,
        now: Millis,
    ) -> Result<Placed, PosError> {
        if body.mcht_orderno.trim().is_empty() {
            return Err(PosError::BadRequest("MCHT_ORDERNO is required".into()));
        }
        // The partner's own order number makes a resend safe: answer it as the first time.
        if self.dedupe_mcht_orderno {
            if let Some(e) = self
                .entries
                .iter()
                .find(|e| e.body.mcht_orderno == body.mcht_orderno)
            {
                return Ok(Placed {
                    ack: e.ack.clone(),
                    replayed: true,
                });
            }
        }
        if !self.business_open {
            return Err(PosError::BusinessClosed);
        }
        if !self.agent_running {
            return Err(PosError::AgentStopped);
        }
        self.table_takes_orders(&body)?;
        let prepaid = match body.prepay_flag.as_str() {
            "Y" => true,
            "N" => false,
            other => {
                return Err(PosError::BadRequest(format!(
                    "PREPAY_FLAG must be Y or N, not {other:?}"
                )))
            }
        };
        let org_orderno = self.bill_taken(kind, prepaid, &body, now)?;
        self.check_amounts(&body, prepaid)?;

        self.seq += 1;
        let date = kst(now).format("%Y%m%d").to_string();
        let order_no = format!("TO{date}{:07}", self.seq);
        let ack = OrderAck {
            org_orderno: org_orderno.unwrap_or_else(|| order_no.clone()),
            orderno: order_no,
            mcht_orderno: self.dialect.echo.kept(&body.mcht_orderno),
            pos_orderno: format!("{:04}", self.seq % 10_000),
        };
        let (deliver_at, fails_at) = self.delivery_times(now);
        body.orderno.clear();
        body.org_orderno.clear();
        self.entries.push(Entry {
            ack: ack.clone(),
            kind,
            received_at: now,
            deliver_at,
            fails_at,
            settlement: Settlement::Open,
            body,
        });
        Ok(Placed {
            ack,
            replayed: false,
        })
    }

    /// Refuses an order at a table the POS does not have or that is held.
    fn table_takes_orders(&self, body: &OrderBody) -> Result<(), PosError> {
        let (floor, table) = (&body.flr_code, &body.tbl_code);
        if floor.is_empty() || table.is_empty() {
            return Err(PosError::BadRequest(
                "FLR_CODE and TBL_CODE are required".into(),
            ));
        }
        if !self.fixture.has_table(floor, table) {
            return Err(PosError::UnknownTable);
        }
        if self.occupied.contains(&(floor.clone(), table.clone())) {
            return Err(PosError::Occupied);
        }
        Ok(())
    }

    /// The bill an order goes on: none for a new one (refused while the table has a bill
    /// or a new order on its way), the open bill for an add (refused unless it names it).
    fn bill_taken(
        &self,
        kind: OrderKind,
        prepaid: bool,
        body: &OrderBody,
        now: Millis,
    ) -> Result<Option<String>, PosError> {
        let (floor, table) = (&body.flr_code, &body.tbl_code);
        match kind {
            OrderKind::New if prepaid => Ok(None),
            OrderKind::New => {
                if self.open_order(floor, table, now).is_some()
                    || self.new_order_pending(floor, table, now)
                {
                    return Err(PosError::HasOpenOrder);
                }
                Ok(None)
            }
            OrderKind::Add if prepaid => Err(PosError::BadRequest(
                "a prepaid order is always a new order".into(),
            )),
            OrderKind::Add => {
                let wanted = if body.org_orderno.is_empty() {
                    body.orderno.as_str()
                } else {
                    body.org_orderno.as_str()
                };
                match self.open_order(floor, table, now) {
                    Some(open) if open == wanted => Ok(Some(open.to_string())),
                    _ => Err(PosError::NotOpenOrder),
                }
            }
        }
    }

    /// When an order placed `now` reaches the kitchen (never, when deliveries drop), and
    /// when it counts as failed if it has not.
    fn delivery_times(&self, now: Millis) -> (Option<Millis>, Millis) {
        let window = self.timing.accept_window_ms;
        let delay = match self.delivery {
            Delivery::Normal => Some(self.timing.delivery_delay_ms),
            Delivery::Delay { delay_ms } => Some(delay_ms),
            Delivery::Drop => None,
        };
        let deliver_at = delay.filter(|d| *d < window).map(|d| now + d.max(0));
        // A dropped delivery is known to have failed after one attempt; a slow one just waits.
        let fails_at = match delay {
            None => now + self.timing.delivery_delay_ms.min(window),
            Some(_) => now + window,
        };
        (deliver_at, fails_at)
    }
}

mod amounts;
mod listing;

#[cfg(test)]
#[path = "pos_tests.rs"]
mod tests;
