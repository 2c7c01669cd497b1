//! A model upstream at the public API (the proxy in front of Smartro, as UPSTREAM.md and the
//! guide describe it) and a driver that runs submissions against it on a virtual clock.
#![allow(dead_code)]

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

/// A small deterministic generator (splitmix64), so a failing case replays exactly.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Open,
    Cancelled,
    Paid,
}

#[derive(Debug, Clone)]
pub struct ModelOrder {
    pub order_no: String,
    pub bill: String,
    pub client_order_id: String,
    pub kind: OrderKind,
    pub received_at: Millis,
    /// `None`: never reaches the POS.
    pub deliver_at: Option<Millis>,
    /// Reads as failed from the first attempt until it is delivered after all.
    pub late: bool,
    pub settled: Settled,
    pub prepaid: bool,
    pub total: Won,
}

/// The upstream lists a table's newest orders only (as the simulator does; assumed).
pub const INQUIRY_LIMIT: usize = 10;

/// One table at a restaurant, behind the proxy. The upstream part behaves as the evidence
/// says the real one does: it never de-duplicates, a delivered order reads as received and
/// later done, and a refusal places nothing. The proxy in front keeps one record per
/// clientOrderId; when it lost an answer it looks for the order before sending again.
#[derive(Debug, Clone)]
pub struct Model {
    pub window: Millis,
    pub delay: Millis,
    /// Delivery to completion (완료) on the POS.
    pub complete_after: Millis,
    /// The next order placed reads "failed" first and is delivered this much later, still
    /// inside the window (the guide: a failed order may yet be delivered).
    pub next_late: Option<Millis>,
    /// The proxy's records: the first answer per clientOrderId.
    receipts: std::collections::BTreeMap<String, OrderReceipt>,
    /// The proxy sent these but lost the answer: look before sending again.
    in_doubt: std::collections::BTreeSet<String>,
    /// The newest order on the POS when the proxy last sent each clientOrderId upstream.
    anchors: std::collections::BTreeMap<String, Option<String>>,
    strangers: u32,
    pub occupied: bool,
    pub open: bool,
    pub delivery_works: bool,
    pub orders: Vec<ModelOrder>,
    seq: u32,
}

fn refused(code: ErrorCode) -> ErrorBody {
    ErrorBody {
        code,
        message: code.to_string(),
        retry_after_ms: (code == ErrorCode::TableOccupied).then_some(10_000),
    }
}

impl Model {
    pub fn new() -> Model {
        Model {
            window: 60_000,
            delay: 1_500,
            complete_after: 30_000,
            next_late: None,
            receipts: Default::default(),
            in_doubt: Default::default(),
            anchors: Default::default(),
            strangers: 0,
            occupied: false,
            open: true,
            delivery_works: true,
            orders: vec![],
            seq: 0,
        }
    }

    pub fn delivered(&self, o: &ModelOrder, now: Millis) -> bool {
        o.deliver_at.is_some_and(|at| at <= now)
    }

    /// May this order still reach the POS after `now`?
    pub fn may_arrive(&self, o: &ModelOrder, now: Millis) -> bool {
        o.deliver_at.is_some_and(|at| at > now)
    }

    fn status(&self, o: &ModelOrder, now: Millis) -> Option<OrderStatus> {
        if self.delivered(o, now) {
            let done = o
                .deliver_at
                .is_some_and(|at| now >= at + self.complete_after);
            return Some(match o.settled {
                Settled::Open if done => OrderStatus::Done,
                Settled::Open => OrderStatus::Accepted,
                Settled::Cancelled => OrderStatus::Cancelled,
                Settled::Paid => OrderStatus::Paid,
            });
        }
        if now >= o.received_at + self.window {
            return None; // vanished
        }
        if (o.deliver_at.is_none() || o.late) && now >= o.received_at + self.delay {
            return Some(OrderStatus::Failed);
        }
        Some(OrderStatus::Waiting)
    }

    fn open_bill(&self, now: Millis) -> Option<String> {
        self.orders
            .iter()
            .rev()
            .find(|o| !o.prepaid && o.settled == Settled::Open && self.delivered(o, now))
            .map(|o| o.bill.clone())
    }

    /// What the proxy answers a phone that follows `mine`: the table's newest orders (the
    /// upstream lists at most `INQUIRY_LIMIT`), and `mine` as unseen when it is not listed,
    /// the list is full and no longer holds the order newest on the POS when it was sent.
    pub fn inquiry(&self, now: Millis, mine: Option<&str>) -> TableOrders {
        let visible: Vec<&ModelOrder> = self
            .orders
            .iter()
            .rev()
            .filter(|o| self.status(o, now).is_some())
            .collect();
        let listed = &visible[..visible.len().min(INQUIRY_LIMIT)];
        let orders = listed
            .iter()
            .filter_map(|o| {
                Some(PlacedOrder {
                    order_no: o.order_no.clone(),
                    client_order_id: Some(o.client_order_id.clone()),
                    status: self.status(o, now)?,
                    received_at: String::new(),
                    total: o.total,
                    lines: vec![],
                    staff_call: false,
                })
            })
            .collect::<Vec<_>>();
        let unseen = mine
            .filter(|id| {
                !orders
                    .iter()
                    .any(|o| o.client_order_id.as_deref() == Some(id))
            })
            .filter(|id| !self.covers(listed, id))
            .map(|id| vec![id.to_string()])
            .unwrap_or_default();
        TableOrders {
            open_order_no: self.open_bill(now),
            orders,
            unseen,
        }
    }

    /// Would `id`'s order be in `listed` if it were there at all?
    fn covers(&self, listed: &[&ModelOrder], id: &str) -> bool {
        let Some(anchor) = self.anchors.get(id) else {
            return true; // never sent: certainly absent
        };
        listed.len() < INQUIRY_LIMIT
            || anchor
                .as_ref()
                .is_some_and(|a| listed.iter().any(|o| &o.order_no == a))
    }

    /// The newest order on the POS now (one not yet there may vanish).
    fn newest_listed(&self, now: Millis) -> Option<String> {
        self.orders
            .iter()
            .rev()
            .find(|o| self.delivered(o, now))
            .map(|o| o.order_no.clone())
    }

    /// Others at the table order too: each order pushes older ones toward the end of the
    /// upstream's list.
    pub fn stranger_orders(&mut self, now: Millis) {
        self.strangers += 1;
        self.seq += 1;
        let order_no = format!("TO{:07}", self.seq);
        self.orders.push(ModelOrder {
            bill: order_no.clone(),
            order_no,
            client_order_id: format!("stranger-{}", self.strangers),
            kind: OrderKind::New,
            received_at: now,
            deliver_at: Some(now + self.delay),
            late: false,
            settled: Settled::Open,
            prepaid: true,
            total: Won(9_000),
        });
    }

    /// The proxy: the first answer repeated; an order in doubt looked for in the inquiry
    /// (where it is listed until it vanishes) before it is ever sent again.
    pub fn place(&mut self, req: &OrderRequest, now: Millis) -> Result<OrderReceipt, ErrorBody> {
        let id = &req.client_order_id;
        if let Some(receipt) = self.receipts.get(id) {
            return Ok(receipt.clone());
        }
        if self.in_doubt.contains(id) {
            let listed = self.inquiry(now, Some(id));
            if listed.is_unseen(id) {
                // It may be beyond the list: never sent again on a guess.
                return Err(refused(ErrorCode::UpstreamUnavailable));
            }
            if let Some(o) = listed.find_client_order(id) {
                let receipt = OrderReceipt {
                    order_no: o.order_no.clone(),
                    client_order_id: id.clone(),
                    received_at: String::new(),
                    total: o.total,
                };
                self.receipts.insert(id.clone(), receipt.clone());
                return Ok(receipt);
            }
        }
        let anchor = self.newest_listed(now);
        let receipt = self.upstream_place(req, now)?;
        // A refused send leaves no record: nothing was placed under this id.
        self.anchors.insert(id.clone(), anchor);
        self.receipts.insert(id.clone(), receipt.clone());
        Ok(receipt)
    }

    /// The proxy sent the order but its answer was lost (it told the phone 504).
    pub fn place_answer_lost(&mut self, req: &OrderRequest, now: Millis) -> Result<(), ErrorBody> {
        let placed = self.place(req, now);
        if placed.is_ok() {
            self.receipts.remove(&req.client_order_id);
            self.in_doubt.insert(req.client_order_id.clone());
        }
        placed.map(|_| ())
    }

    /// The upstream itself: every order it takes is a new one, whatever its MCHT_ORDERNO.
    fn upstream_place(
        &mut self,
        req: &OrderRequest,
        now: Millis,
    ) -> Result<OrderReceipt, ErrorBody> {
        if !self.open {
            return Err(refused(ErrorCode::StoreClosed));
        }
        let prepaid = req.payment.is_some();
        if let Some(p) = &req.payment {
            if p.method == PaymentMethod::Cash && p.staff_pin.as_deref() != Some(PIN) {
                return Err(refused(ErrorCode::Unauthorized));
            }
            if req.kind == OrderKind::Add {
                return Err(refused(ErrorCode::InvalidRequest));
            }
        }
        if self.occupied {
            return Err(refused(ErrorCode::TableOccupied));
        }
        let bill = match req.kind {
            OrderKind::New if prepaid => None,
            OrderKind::New => {
                let pending_new = self.orders.iter().any(|o| {
                    o.kind == OrderKind::New
                        && !o.prepaid
                        && self.status(o, now) == Some(OrderStatus::Waiting)
                });
                if self.open_bill(now).is_some() || pending_new {
                    return Err(refused(ErrorCode::TableHasOpenOrder));
                }
                None
            }
            OrderKind::Add => match (self.open_bill(now), &req.open_order_no) {
                (Some(open), Some(wanted)) if &open == wanted => Some(open),
                _ => return Err(refused(ErrorCode::OpenOrderMismatch)),
            },
        };
        self.seq += 1;
        let order_no = format!("TO{:07}", self.seq);
        let late = self.next_late.take().filter(|d| *d < self.window);
        let deliver_at = match late {
            Some(d) => Some(now + d),
            None => (self.delivery_works && self.delay < self.window).then_some(now + self.delay),
        };
        self.orders.push(ModelOrder {
            bill: bill.unwrap_or_else(|| order_no.clone()),
            order_no: order_no.clone(),
            client_order_id: req.client_order_id.clone(),
            kind: req.kind,
            received_at: now,
            deliver_at,
            late: late.is_some(),
            settled: Settled::Open,
            prepaid,
            total: Won(32_000),
        });
        Ok(OrderReceipt {
            order_no,
            client_order_id: req.client_order_id.clone(),
            received_at: String::new(),
            total: Won(32_000),
        })
    }

    /// The POS refuses in a code nobody published: definite, nothing placed.
    pub fn refuse(&self) -> ErrorBody {
        ErrorBody {
            code: ErrorCode::PosRefused,
            message: "포스 점검 중입니다.".into(),
            retry_after_ms: None,
        }
    }

    pub fn orders_of(&self, client_order_id: &str) -> Vec<&ModelOrder> {
        self.orders
            .iter()
            .filter(|o| o.client_order_id == client_order_id)
            .collect()
    }
}

/// How unreliable the world is, until it calms down.
#[derive(Debug, Clone, Copy)]
pub struct Weather {
    /// An answer lost on the way back (the call itself happened).
    pub lost: f64,
    /// The proxy answers 502 before doing anything.
    pub error: f64,
    /// The order is placed but the proxy answers 504.
    pub placed_then_timeout: f64,
    /// The POS refuses an order in a code nobody published.
    pub refusal: f64,
    /// An order reads "failed", then is delivered after all, inside the window.
    pub late_delivery: f64,
    pub max_latency: Millis,
    /// Per chaos tick: the POS screen grabs or releases the table, etc.
    pub occupancy: f64,
    pub closing: f64,
    pub delivery_outage: f64,
    pub pos_settles: f64,
    pub reloads: f64,
    pub guest_cancels: f64,
    /// Per chaos tick: others at the table order, pushing older orders out of the list.
    pub busy: f64,
}

impl Weather {
    pub fn calm() -> Weather {
        Weather {
            lost: 0.0,
            error: 0.0,
            placed_then_timeout: 0.0,
            refusal: 0.0,
            late_delivery: 0.0,
            max_latency: 300,
            occupancy: 0.0,
            closing: 0.0,
            delivery_outage: 0.0,
            pos_settles: 0.0,
            reloads: 0.0,
            guest_cancels: 0.0,
            busy: 0.0,
        }
    }
}

#[derive(Debug, Clone)]
enum Due {
    Machine(usize, Event),
    ServerInquiry(usize, Ticket),
    ServerSend(usize, Ticket, OrderRequest),
    GuestActs(usize),
    Chaos,
}

pub struct Guest {
    pub sub: Submission,
    /// Ended submissions of the same cart (before a resend).
    pub history: Vec<Submission>,
    pub payment_requests: u32,
    pub resends_left: u32,
    /// What `Persist` saved last: a reload restores exactly this.
    saved: String,
    /// The wake-up last scheduled for this guest's machine.
    timer: Option<Millis>,
    acting: bool,
}

impl Guest {
    pub fn client_order_ids(&self) -> Vec<String> {
        self.history
            .iter()
            .chain(std::iter::once(&self.sub))
            .map(|s| s.client_order_id().to_string())
            .collect()
    }
}

pub struct World {
    pub now: Millis,
    pub model: Model,
    pub rng: Rng,
    pub weather: Weather,
    pub calm_at: Millis,
    pub guests: Vec<Guest>,
    queue: BTreeMap<(Millis, u64), Due>,
    seq: u64,
    ids: u64,
    pub steps: u64,
    pub trace: Vec<String>,
}

impl World {
    pub fn new(seed: u64, weather: Weather, calm_at: Millis) -> World {
        World {
            now: 1_000_000,
            model: Model::new(),
            rng: Rng::new(seed),
            weather,
            calm_at: 1_000_000 + calm_at,
            guests: vec![],
            queue: BTreeMap::new(),
            seq: 0,
            ids: 0,
            steps: 0,
            trace: vec![],
        }
    }

    fn at(&mut self, at: Millis, due: Due) {
        self.seq += 1;
        self.queue.insert((at, self.seq), due);
    }

    fn weather(&self) -> Weather {
        if self.now >= self.calm_at {
            Weather::calm()
        } else {
            self.weather
        }
    }

    fn latency(&mut self) -> Millis {
        let max = self.weather().max_latency.max(10);
        self.rng.range(10, max)
    }

    fn maybe_late(&mut self, w: Weather) {
        self.model.next_late = self
            .rng
            .chance(w.late_delivery)
            .then(|| self.rng.range(self.model.delay + 1, self.model.window - 1));
    }

    fn fresh_id(&mut self) -> String {
        self.ids += 1;
        format!("client-{:06}", self.ids)
    }

    /// A guest presses "order" at `at`.
    pub fn add_guest(&mut self, mode: PayMode) -> usize {
        let id = self.fresh_id();
        let (sub, commands) = Submission::start(id, cart(), None, Won(32_000), mode, config());
        let g = self.guests.len();
        let saved = serde_json::to_string(&sub).unwrap();
        self.guests.push(Guest {
            sub,
            history: vec![],
            payment_requests: 0,
            resends_left: 2,
            saved,
            timer: None,
            acting: false,
        });
        self.run_commands(g, commands);
        self.after_step(g);
        g
    }

    pub fn start_chaos(&mut self) {
        let at = self.now + 1_000;
        self.at(at, Due::Chaos);
    }

    fn run_commands(&mut self, g: usize, commands: Vec<Command>) {
        for c in commands {
            match c {
                Command::Inquire(t) => {
                    let at = self.now + self.latency();
                    self.at(at, Due::ServerInquiry(g, t));
                }
                Command::Send(t, req) => {
                    let at = self.now + self.latency();
                    self.at(at, Due::ServerSend(g, t, req));
                }
                Command::RequestPayment { amount, .. } => {
                    assert_eq!(amount, Won(32_000));
                    self.guests[g].payment_requests += 1;
                }
                Command::Persist => {
                    self.guests[g].saved = serde_json::to_string(&self.guests[g].sub).unwrap();
                }
            }
        }
        // The machine keeps its one deadline; the shell asks for it after every step.
        let next = self.guests[g].sub.wake_at();
        if next.is_some() && next != self.guests[g].timer {
            self.guests[g].timer = next;
            let at = next.unwrap_or(self.now).max(self.now);
            self.at(at, Due::Machine(g, Event::Timer));
        }
    }

    fn deliver(&mut self, g: usize, event: Event) {
        self.trace.push(format!(
            "{} g{g} {:?} in {:?}",
            self.now,
            event,
            self.guests[g].sub.stage()
        ));
        let commands = self.guests[g].sub.handle(event, self.now);
        self.run_commands(g, commands);
        self.after_step(g);
    }

    /// Checks that nothing waits forever, and lets people react to what they see.
    fn after_step(&mut self, g: usize) {
        let sub = &self.guests[g].sub;
        let stage = sub.stage().clone();
        if !stage.is_final() && !stage.awaits_person() {
            assert!(
                sub.is_moving(),
                "stuck in {stage:?} with nothing pending\n{}",
                self.trace_tail()
            );
        }
        let needs_person = stage.awaits_person()
            || (stage == Stage::NotDelivered && self.guests[g].resends_left > 0);
        if needs_person && !self.guests[g].acting {
            self.guests[g].acting = true;
            let at = self.now + self.rng.range(500, 20_000);
            self.at(at, Due::GuestActs(g));
        }
    }

    pub fn trace_tail(&self) -> String {
        let start = self.trace.len().saturating_sub(40);
        self.trace[start..].join("\n")
    }

    fn guest_acts(&mut self, g: usize) {
        self.guests[g].acting = false;
        let stage = self.guests[g].sub.stage().clone();
        match stage {
            Stage::Paying | Stage::PaymentUnclear => {
                let event = if self.rng.chance(0.9) {
                    Event::PaymentApproved(vec![approval(32_000)])
                } else {
                    Event::PaymentFailed("한도 초과".into())
                };
                self.deliver(g, event);
            }
            Stage::StaffConfirm { .. } => {
                let pin = if self.rng.chance(0.3) { "0000" } else { PIN };
                self.deliver(g, Event::StaffConfirmed { pin: pin.into() });
            }
            Stage::OccupiedAsk | Stage::StoreClosed | Stage::UnreachableAsk => {
                let event = if self.rng.chance(0.85) {
                    Event::GuestRetry
                } else {
                    Event::GuestCancel
                };
                self.deliver(g, event);
            }
            Stage::NotDelivered if self.guests[g].resends_left > 0 => {
                let id = self.fresh_id();
                let (next, commands) = self.guests[g]
                    .sub
                    .resend(id)
                    .expect("resend after not delivered");
                let guest = &mut self.guests[g];
                guest.resends_left -= 1;
                let old = std::mem::replace(&mut guest.sub, next);
                guest.history.push(old);
                self.run_commands(g, commands);
                self.after_step(g);
            }
            _ => {}
        }
    }

    fn chaos(&mut self) {
        let w = self.weather();
        if self.rng.chance(w.occupancy) {
            self.model.occupied = !self.model.occupied;
        }
        if self.rng.chance(w.closing) {
            self.model.open = !self.model.open;
        }
        if self.rng.chance(w.delivery_outage) {
            self.model.delivery_works = !self.model.delivery_works;
        }
        if self.rng.chance(w.busy) {
            for _ in 0..self.rng.range(1, 6) {
                self.model.stranger_orders(self.now);
            }
        }
        if self.rng.chance(w.pos_settles) {
            let now = self.now;
            let delivered: Vec<usize> = (0..self.model.orders.len())
                .filter(|&i| {
                    self.model.delivered(&self.model.orders[i], now)
                        && self.model.orders[i].settled == Settled::Open
                })
                .collect();
            if !delivered.is_empty() {
                let i = delivered[self.rng.range(0, delivered.len() as u64 - 1) as usize];
                let bill = self.model.orders[i].bill.clone();
                let settle = if self.rng.chance(0.5) {
                    Settled::Paid
                } else {
                    Settled::Cancelled
                };
                for o in self.model.orders.iter_mut().filter(|o| o.bill == bill) {
                    o.settled = settle;
                }
            }
        }
        for g in 0..self.guests.len() {
            if self.rng.chance(w.reloads) {
                self.reload(g);
            }
            if self.rng.chance(w.guest_cancels) {
                self.deliver(g, Event::GuestCancel);
            }
        }
        if self.now < self.calm_at {
            let at = self.now + self.rng.range(1_000, 8_000);
            self.at(at, Due::Chaos);
        } else {
            self.model.occupied = false;
            self.model.open = true;
            self.model.delivery_works = true;
        }
    }

    /// The page reloads: the state comes back from what was last persisted.
    pub fn reload(&mut self, g: usize) {
        let restored: Submission = serde_json::from_str(&self.guests[g].saved).unwrap();
        self.trace.push(format!(
            "{} g{g} reload in {:?}",
            self.now,
            restored.stage()
        ));
        self.guests[g].sub = restored;
        self.guests[g].acting = false;
        self.guests[g].timer = None;
        self.deliver(g, Event::Resumed);
    }

    fn answer<T>(
        &mut self,
        g: usize,
        result: Result<T, ErrorBody>,
        wrap: impl Fn(Result<T, Failure>) -> Event,
    ) {
        let w = self.weather();
        let back = self.latency();
        let event = if self.rng.chance(w.lost) {
            wrap(Err(Failure::NoAnswer))
        } else {
            wrap(result.map_err(Failure::Refused))
        };
        let at = self.now + back;
        self.at(at, Due::Machine(g, event));
    }

    fn step(&mut self) -> bool {
        let Some(((at, _), due)) = self.queue.pop_first() else {
            return false;
        };
        self.now = at;
        self.steps += 1;
        match due {
            Due::Machine(g, event) => self.deliver(g, event),
            Due::GuestActs(g) => self.guest_acts(g),
            Due::Chaos => self.chaos(),
            Due::ServerInquiry(g, t) => {
                let w = self.weather();
                let result = if self.rng.chance(w.error) {
                    Err(refused(ErrorCode::UpstreamUnavailable))
                } else {
                    let mine = self.guests[g].sub.client_order_id().to_string();
                    Ok(self.model.inquiry(self.now, Some(&mine)))
                };
                self.answer(g, result, |r| Event::InquiryAnswered(t, r));
            }
            Due::ServerSend(g, t, req) => {
                let w = self.weather();
                let result = if self.rng.chance(w.error) {
                    Err(refused(ErrorCode::UpstreamUnavailable))
                } else if self.rng.chance(w.refusal) {
                    Err(self.model.refuse())
                } else if self.rng.chance(w.placed_then_timeout) {
                    self.maybe_late(w);
                    self.model
                        .place_answer_lost(&req, self.now)
                        .and(Err(refused(ErrorCode::UpstreamUnavailable)))
                } else {
                    self.maybe_late(w);
                    self.model.place(&req, self.now)
                };
                self.answer(g, result, |r| Event::SendAnswered(t, r));
            }
        }
        true
    }

    /// Runs until nothing is left to happen, or `limit` of virtual time has passed.
    pub fn run_for(&mut self, limit: Millis) {
        let end = self.now + limit;
        while self
            .queue
            .first_key_value()
            .is_some_and(|((at, _), _)| *at <= end)
        {
            self.step();
        }
        self.now = self.now.max(end.min(self.now.max(end)));
    }

    /// Runs until every submission has ended (or panics after `limit`).
    pub fn run_to_end(&mut self, limit: Millis) {
        let end = self.now + limit;
        while !self.all_final() {
            assert!(
                self.now <= end,
                "not finished by the limit\n{}",
                self.trace_tail()
            );
            if !self.step() {
                break;
            }
        }
    }

    pub fn all_final(&self) -> bool {
        self.guests.iter().all(|g| g.sub.stage().is_final())
    }

    /// The promises of the flow, checked against what the POS holds.
    pub fn check_promises(&self) {
        let now = self.now;
        for (i, g) in self.guests.iter().enumerate() {
            let stage = &g.sub.stage();
            assert!(
                stage.is_final(),
                "guest {i} not finished: {stage:?}\n{}",
                self.trace_tail()
            );
            let mut on_pos = 0;
            for id in g.client_order_ids() {
                let orders = self.model.orders_of(&id);
                let live = orders
                    .iter()
                    .filter(|o| self.model.delivered(o, now) || self.model.may_arrive(o, now))
                    .count();
                // The upstream does not de-duplicate: a second order under one id is only
                // allowed once the first vanished, never reaching the POS.
                assert!(
                    live <= 1,
                    "two live upstream orders for {id}\n{}",
                    self.trace_tail()
                );
                on_pos += orders
                    .iter()
                    .filter(|o| self.model.delivered(o, now))
                    .count();
            }
            assert!(
                on_pos <= 1,
                "guest {i}: one cart placed {on_pos} times\n{}",
                self.trace_tail()
            );
            for ended in &g.history {
                for o in self.model.orders_of(ended.client_order_id()) {
                    assert!(
                        !self.model.delivered(o, now) && !self.model.may_arrive(o, now),
                        "guest {i} resent after {:?} but the first ({}) is on the POS",
                        ended.stage(),
                        o.order_no
                    );
                }
            }
            let mine = self.model.orders_of(g.sub.client_order_id());
            match stage {
                Stage::Accepted { order_no } => {
                    let on_pos: Vec<_> = mine
                        .iter()
                        .filter(|o| self.model.delivered(o, now))
                        .collect();
                    assert_eq!(on_pos.len(), 1, "accepted but not on the POS");
                    assert_eq!(&on_pos[0].order_no, order_no);
                }
                Stage::CancelledByStore { order_no } => {
                    assert!(mine
                        .iter()
                        .any(|o| &o.order_no == order_no && o.settled == Settled::Cancelled));
                }
                // Nothing claimed either way: staff look at the POS.
                Stage::Unconfirmed { .. } => {}
                _ => {
                    for o in &mine {
                        assert!(
                            !self.model.delivered(o, now) && !self.model.may_arrive(o, now),
                            "guest {i} told {stage:?} but {} is (or will be) on the POS\n{}",
                            o.order_no,
                            self.trace_tail()
                        );
                    }
                }
            }
            if g.sub.mode() == PayMode::Prepaid {
                assert!(g.payment_requests <= 1, "paid twice");
            }
        }
    }
}

/// Drives one submission by hand against the model, for scenarios that need exact control.
pub struct Manual {
    pub sub: Submission,
    pub model: Model,
    pub now: Millis,
    pub out: Vec<Command>,
}

impl Manual {
    pub fn start(mode: PayMode) -> Manual {
        Manual::start_with(mode, "client-000001")
    }

    pub fn start_with(mode: PayMode, id: &str) -> Manual {
        let (sub, out) = Submission::start(id.into(), cart(), None, Won(32_000), mode, config());
        Manual {
            sub,
            model: Model::new(),
            now: 1_000_000,
            out,
        }
    }

    pub fn handle(&mut self, event: Event) {
        self.out = self.sub.handle(event, self.now);
        if !self.sub.stage().is_final() && !self.sub.stage().awaits_person() {
            assert!(self.sub.is_moving(), "stuck in {:?}", self.sub.stage());
        }
    }

    pub fn inquiry_ticket(&self) -> Ticket {
        self.out
            .iter()
            .find_map(|c| match c {
                Command::Inquire(t) => Some(*t),
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!(
                    "expected an inquiry, got {:?} in {:?}",
                    self.out,
                    self.sub.stage()
                )
            })
    }

    pub fn sent(&self) -> (Ticket, OrderRequest) {
        self.out
            .iter()
            .find_map(|c| match c {
                Command::Send(t, r) => Some((*t, r.clone())),
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!(
                    "expected a send, got {:?} in {:?}",
                    self.out,
                    self.sub.stage()
                )
            })
    }

    pub fn answer_inquiry(&mut self) {
        let t = self.inquiry_ticket();
        let mine = self.sub.client_order_id().to_string();
        let orders = self.model.inquiry(self.now, Some(&mine));
        self.handle(Event::InquiryAnswered(t, Ok(orders)));
    }

    pub fn answer_send(&mut self) -> OrderRequest {
        let (t, req) = self.sent();
        let result = self.model.place(&req, self.now).map_err(Failure::Refused);
        self.handle(Event::SendAnswered(t, result));
        req
    }

    /// The page reloads from what it saved last, and resumes.
    pub fn reload(&mut self) {
        let saved = serde_json::to_string(&self.sub).unwrap();
        self.sub = serde_json::from_str(&saved).unwrap();
        self.handle(Event::Resumed);
    }

    /// The POS refuses the order just sent, in a code nobody published.
    pub fn refuse_send(&mut self) {
        let (t, _) = self.sent();
        let refusal = self.model.refuse();
        self.handle(Event::SendAnswered(t, Err(Failure::Refused(refusal))));
    }

    /// The order reaches the upstream, the answer does not reach the phone.
    pub fn lose_send_answer(&mut self) -> OrderRequest {
        let (t, req) = self.sent();
        let _ = self.model.place_answer_lost(&req, self.now);
        self.handle(Event::SendAnswered(t, Err(Failure::NoAnswer)));
        req
    }

    /// Moves the clock to the next wake-up and delivers it.
    pub fn wake(&mut self) {
        let at = self
            .sub
            .wake_at()
            .unwrap_or_else(|| panic!("no wake-up in {:?}", self.sub.stage()));
        self.now = self.now.max(at);
        self.handle(Event::Timer);
    }

    /// Inquire/send/poll until the submission ends or `max` rounds pass.
    pub fn run(&mut self, max: usize) {
        for _ in 0..max {
            if self.sub.stage().is_final() || self.sub.stage().awaits_person() {
                return;
            }
            if self.out.iter().any(|c| matches!(c, Command::Send(..))) {
                self.answer_send();
            } else if self.out.iter().any(|c| matches!(c, Command::Inquire(_))) {
                self.answer_inquiry();
            } else {
                self.wake();
            }
        }
    }
}
