//! Many guests at one table, over an unreliable network, on a virtual clock.

use super::*;

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
        assert_not_stuck(&self.guests[g].sub, || self.trace_tail());
        let stage = self.guests[g].sub.stage().clone();
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
