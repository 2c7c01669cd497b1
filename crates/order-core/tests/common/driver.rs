//! One submission driven by hand, step by step.

use super::*;

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

    /// Starts against a POS set up by `pos` first (occupied, closed, not delivering, …).
    pub fn start_on(mode: PayMode, pos: impl FnOnce(&mut Model)) -> Manual {
        let mut m = Manual::start(mode);
        pos(&mut m.model);
        m
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
        assert_not_stuck(&self.sub, String::new);
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

    /// The server answers the send just made with a refusal of this kind.
    pub fn refuse_send_as(&mut self, code: ErrorCode) {
        let (t, _) = self.sent();
        self.handle(Event::SendAnswered(t, Err(Failure::Refused(refused(code)))));
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

    /// Runs at most `max` rounds; the order must end accepted.
    #[track_caller]
    pub fn run_to_accepted(&mut self, max: usize) {
        self.run(max);
        let stage = self.sub.stage();
        assert!(matches!(stage, Stage::Accepted { .. }), "{stage:?}");
    }

    /// The same, and the POS holds that one order and no other.
    #[track_caller]
    pub fn run_to_one_order(&mut self, max: usize) {
        self.run_to_accepted(max);
        assert_eq!(self.model.orders.len(), 1, "{:?}", self.model.orders);
    }

    /// The order is on the POS or known to be on its way there.
    #[track_caller]
    pub fn assert_placed(&self) {
        let stage = self.sub.stage();
        assert!(
            matches!(stage, Stage::Received { .. } | Stage::Accepted { .. }),
            "{stage:?}"
        );
    }
}
