//! The ordering flow of one cart submission, as a state machine with no I/O.
//!
//! The shell (the widget) feeds it events — answers, timer expiries, the guest's taps —
//! with the current time, and executes the commands it returns: fetch, wake me at, persist,
//! ask the host page for payment. Time is a parameter: the same code runs under a fake clock
//! in tests, through thousands of interleavings.
//!
//! The rules, from Smartro's guide: inquire the table first, then a new order or an add onto
//! the open one; the 1st answer means received; delivery to the POS is seen only by polling;
//! an order not delivered within the acceptance window never will be, and only then is a
//! resend safe. A lost answer is never taken as a failure: the same clientOrderId is looked
//! for in the inquiry and sent again, never a new one.

use crate::api::{
    Approval, ClientConfig, ErrorBody, ErrorCode, OrderKind, OrderLine, OrderReceipt, OrderRequest,
    OrderStatus, Payment, PaymentMethod, PlacedOrder, TableOrders,
};
use crate::money::Won;
use serde::{Deserialize, Serialize};

/// Milliseconds on a clock the shell keeps (e.g. `Date.now()`); only differences matter.
pub type Millis = u64;

/// Longest pause between automatic retries.
const MAX_BACKOFF_MS: Millis = 30_000;
/// How long a request the proxy may still be working on can take to land upstream
/// (the proxy's own request timeout), on top of the acceptance window.
const IN_FLIGHT_MS: Millis = 30_000;
/// After this many automatic attempts without an answer, the guest is asked (postpaid).
const MAX_UNANSWERED: u32 = 6;

/// How the order is paid; decides the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMode {
    /// QR ordering: inquire, then new or add; pay at the counter.
    Postpaid,
    /// Tablet/kiosk: the host page takes payment, then one `new` with the approvals.
    Prepaid,
    /// Tablet: staff confirm cash with their PIN, then one `new` with a cash payment.
    Cash,
}

/// What went wrong with a call, as the shell saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    /// No answer (offline, connection broken, timeout): what was sent may have arrived.
    NoAnswer,
    /// The proxy answered with an error.
    Refused(ErrorBody),
}

impl Failure {
    fn code(&self) -> Option<ErrorCode> {
        match self {
            Failure::NoAnswer => None,
            Failure::Refused(e) => Some(e.code),
        }
    }

    /// The answer says nothing certain about whether an order was made.
    fn is_ambiguous(&self) -> bool {
        matches!(self.code(), None | Some(ErrorCode::UpstreamUnavailable))
    }
}

/// A request the machine is waiting on; answers carry its number so stale ones are dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A `wake_at` time has come.
    Timer,
    InquiryAnswered(Ticket, Result<TableOrders, Failure>),
    SendAnswered(Ticket, Result<OrderReceipt, Failure>),
    /// The host page's payment went through (prepaid).
    PaymentApproved(Vec<Approval>),
    PaymentFailed(String),
    /// The host page's payment answered, but not with an approval this page can read: money
    /// may have been taken, so it is neither declined nor asked for again.
    PaymentUnreadable(String),
    /// Staff entered their PIN (cash).
    StaffConfirmed {
        pin: String,
    },
    /// Stop trying. Honoured at once when nothing can have reached the POS, otherwise as soon
    /// as that is certain.
    GuestCancel,
    /// Try again after the guest was asked (occupied too long, store closed, unreachable).
    GuestRetry,
    /// The page was reloaded and this state restored: whatever was in flight is gone.
    Resumed,
}

/// What the shell must do for the machine. Dropping one loses a request or an answer.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// GET the table's orders; answer with `InquiryAnswered(ticket, …)`.
    Inquire(Ticket),
    /// POST this order; answer with `SendAnswered(ticket, …)`.
    Send(Ticket, OrderRequest),
    /// Ask the host page to take payment (prepaid), once.
    RequestPayment {
        client_order_id: String,
        amount: Won,
    },
    /// Save the state (it survives a reload).
    Persist,
}

/// What the guest is shown, and where the submission stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Prepaid: the host page is taking payment.
    Paying,
    /// Prepaid, after a reload while paying: the payment may or may not have gone through.
    PaymentUnclear,
    /// Cash: waiting for staff to confirm with their PIN.
    StaffConfirm { wrong_pin: bool },
    /// Inquiring and sending.
    Sending,
    /// The POS screen holds the table; retrying automatically at `retry_at`.
    Occupied { retry_at: Millis, attempt: u32 },
    /// Occupied through every automatic retry: ask the guest.
    OccupiedAsk,
    /// The store is not taking orders (business not opened, or the Agent is down).
    StoreClosed,
    /// No answer, or the restaurant's system is down; retrying at `retry_at`.
    Unreachable { retry_at: Millis },
    /// Unanswered through every automatic retry, and certainly nothing reached the POS.
    UnreachableAsk,
    /// The guest asked to stop; making sure nothing was placed before saying so.
    Cancelling,
    /// 1st answer: Smartro has it; waiting for delivery to the POS (the kitchen).
    Received { order_no: String, since: Millis },
    /// Final: the POS has it (the 2nd answer).
    Accepted { order_no: String },
    /// Final: the store cancelled it.
    CancelledByStore { order_no: String },
    /// Final: it never reached the POS and never will; resending is safe.
    NotDelivered,
    /// Final: the order may be on the POS, but the table's inquiry no longer reaches back to
    /// it (newer orders pushed it out of the list), so nobody here can tell. Resending could
    /// place it twice: staff must look. `order_no` when Smartro had answered with one.
    Unconfirmed { order_no: Option<String> },
    /// Final: the order cannot be taken as it is (menu changed, sold out, …); nothing placed.
    Rejected { code: ErrorCode, message: String },
    /// Final: the guest stopped; nothing was placed.
    Cancelled,
    /// Final, prepaid: the payment was declined; nothing was placed.
    PaymentDeclined { message: String },
    /// Final, after payment: the order could not be placed; staff must help (refund or enter).
    NeedsStaff { message: String },
}

/// Lets a stage read through `Submission::stage()` compare with a stage by value.
impl PartialEq<Stage> for &Stage {
    fn eq(&self, other: &Stage) -> bool {
        **self == *other
    }
}

/// By when the POS must take an order Smartro received at `since`, or it was not delivered.
fn accept_by(since: Millis, config: &ClientConfig) -> Millis {
    since + config.accept_window_ms
}

impl Stage {
    /// Received by Smartro: by when the POS must take the order (what the guest counts down to).
    pub fn acceptance_deadline(&self, config: &ClientConfig) -> Option<Millis> {
        match self {
            Stage::Received { since, .. } => Some(accept_by(*since, config)),
            _ => None,
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Stage::Accepted { .. }
                | Stage::CancelledByStore { .. }
                | Stage::NotDelivered
                | Stage::Unconfirmed { .. }
                | Stage::Rejected { .. }
                | Stage::Cancelled
                | Stage::PaymentDeclined { .. }
                | Stage::NeedsStaff { .. }
        )
    }

    /// Waiting on the guest, the staff or the host page: no timer is due.
    pub fn awaits_person(&self) -> bool {
        matches!(
            self,
            Stage::Paying
                | Stage::PaymentUnclear
                | Stage::StaffConfirm { .. }
                | Stage::OccupiedAsk
                | Stage::StoreClosed
                | Stage::UnreachableAsk
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Pending {
    Inquiry(Ticket),
    Send(Ticket),
}

/// One cart submission, from the order button to its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    client_order_id: String,
    lines: Vec<OrderLine>,
    memo: Option<String>,
    /// What the guest pays, priced from the menu (for the payment request).
    total: Won,
    mode: PayMode,
    config: ClientConfig,
    stage: Stage,
    /// Prepaid: the approvals, kept whatever happens after payment.
    approvals: Vec<Approval>,
    /// Never persisted: after a reload staff confirm again.
    #[serde(skip)]
    staff_pin: Option<String>,
    pending: Option<Pending>,
    next_ticket: u32,
    wake_at: Option<Millis>,
    /// When a send was made that may have reached the upstream without an answer reaching
    /// us. Only evidence clears it: a receipt, the order found, or its absence proven.
    /// A later attempt's refusal does not: the earlier one may still be on the wire.
    unsure_since: Option<Millis>,
    last_send_at: Option<Millis>,
    /// The last time an answered inquiry did not show this order.
    absent_at: Option<Millis>,
    /// How the submission ends once nothing sent can still reach the POS: set when the guest
    /// cancels, or when a refusal came while an earlier send is still in doubt.
    #[serde(default)]
    settle_to: Option<Stage>,
    occupied_retries: u32,
    unanswered: u32,
    conflicts: u32,
}

impl Submission {
    /// Starts a submission; `client_order_id` is fresh and unique (made by the shell).
    #[must_use]
    pub fn start(
        client_order_id: String,
        lines: Vec<OrderLine>,
        memo: Option<String>,
        total: Won,
        mode: PayMode,
        config: ClientConfig,
    ) -> (Submission, Vec<Command>) {
        let mut s = Submission {
            client_order_id,
            lines,
            memo,
            total,
            mode,
            config,
            stage: Stage::Sending,
            approvals: Vec::new(),
            staff_pin: None,
            pending: None,
            next_ticket: 0,
            wake_at: None,
            unsure_since: None,
            last_send_at: None,
            absent_at: None,
            settle_to: None,
            occupied_retries: 0,
            unanswered: 0,
            conflicts: 0,
        };
        let mut out = Vec::new();
        match mode {
            PayMode::Postpaid => s.inquire(&mut out),
            PayMode::Prepaid => {
                s.stage = Stage::Paying;
                out.push(Command::RequestPayment {
                    client_order_id: s.client_order_id.clone(),
                    amount: s.total,
                });
            }
            PayMode::Cash => s.stage = Stage::StaffConfirm { wrong_pin: false },
        }
        out.push(Command::Persist);
        (s, out)
    }

    /// After "not delivered": the same cart again under a fresh clientOrderId. Safe, because
    /// the first can no longer reach the POS.
    #[must_use]
    pub fn resend(&self, client_order_id: String) -> Option<(Submission, Vec<Command>)> {
        if self.stage != Stage::NotDelivered {
            return None;
        }
        let (mut s, mut out) = Submission::start(
            client_order_id,
            self.lines.clone(),
            self.memo.clone(),
            self.total,
            self.mode,
            self.config,
        );
        if !self.approvals.is_empty() {
            // Paid already: never ask for payment twice.
            s.approvals = self.approvals.clone();
            s.stage = Stage::Sending;
            out.clear();
            s.inquire(&mut out);
            out.push(Command::Persist);
        }
        Some((s, out))
    }

    /// When the shell should next deliver `Event::Timer`, if at all. The one place the
    /// next deadline is kept: the shell asks after every step rather than copying it.
    pub fn wake_at(&self) -> Option<Millis> {
        self.wake_at
    }

    /// What the guest is shown, and where the submission stands.
    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    pub fn client_order_id(&self) -> &str {
        &self.client_order_id
    }

    /// The cart as it was submitted.
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }

    pub fn memo(&self) -> Option<&str> {
        self.memo.as_deref()
    }

    pub fn total(&self) -> Won {
        self.total
    }

    pub fn mode(&self) -> PayMode {
        self.mode
    }

    /// Prepaid: the approvals, kept whatever happens after payment.
    pub fn approvals(&self) -> &[Approval] {
        &self.approvals
    }

    /// Something is in flight or a timer is set: the machine will move by itself.
    pub fn is_moving(&self) -> bool {
        self.pending.is_some() || self.wake_at.is_some()
    }

    /// After payment, the approval numbers staff need when something goes wrong.
    pub fn approval_numbers(&self) -> Vec<&str> {
        self.approvals
            .iter()
            .map(|a| a.approval_no.as_str())
            .collect()
    }

    /// Too many attempts without success after payment: show the approval to staff.
    pub fn needs_staff_attention(&self) -> bool {
        !self.approvals.is_empty() && (self.unanswered >= 3 || self.occupied_retries >= 3)
    }

    fn ticket(&mut self) -> Ticket {
        self.next_ticket = self.next_ticket.wrapping_add(1);
        Ticket(self.next_ticket)
    }

    fn inquire(&mut self, out: &mut Vec<Command>) {
        let t = self.ticket();
        self.pending = Some(Pending::Inquiry(t));
        self.wake_at = None;
        out.push(Command::Inquire(t));
    }

    fn wake(&mut self, at: Millis) {
        self.wake_at = Some(at);
    }

    fn backoff(&self, attempt: u32) -> Millis {
        let base = self.config.poll_interval_ms.clamp(500, 5_000);
        base.saturating_mul(1 << attempt.min(6)).min(MAX_BACKOFF_MS)
    }

    fn payment(&self) -> Option<Payment> {
        match self.mode {
            PayMode::Postpaid => None,
            PayMode::Prepaid => Some(Payment {
                method: PaymentMethod::Card,
                approvals: self.approvals.clone(),
                staff_pin: None,
            }),
            PayMode::Cash => Some(Payment {
                method: PaymentMethod::Cash,
                approvals: Vec::new(),
                staff_pin: self.staff_pin.clone(),
            }),
        }
    }

    fn send(
        &mut self,
        kind: OrderKind,
        open_order_no: Option<String>,
        now: Millis,
        out: &mut Vec<Command>,
    ) {
        let t = self.ticket();
        self.pending = Some(Pending::Send(t));
        self.wake_at = None;
        self.last_send_at = Some(now);
        self.stage = Stage::Sending;
        out.push(Command::Send(
            t,
            OrderRequest {
                client_order_id: self.client_order_id.clone(),
                kind,
                open_order_no,
                lines: self.lines.clone(),
                memo: self.memo.clone(),
                payment: self.payment(),
            },
        ));
    }

    /// Nothing sent can be on the POS or still reach it: no send is in doubt, or an answered
    /// inquiry did not show it so long after the doubtful send that, had it landed
    /// undelivered, it would have vanished — and had it been delivered, it would be listed.
    /// Time passing alone proves nothing: a delivered order never vanishes.
    fn certainly_not_placed(&self) -> bool {
        match (self.unsure_since, self.absent_at) {
            (None, _) => true,
            (Some(sent), Some(absent)) => {
                absent >= sent + self.config.accept_window_ms + IN_FLIGHT_MS
            }
            (Some(_), None) => false,
        }
    }

    /// The send just made may have landed without our hearing of it.
    fn became_unsure(&mut self) {
        if let Some(sent) = self.last_send_at {
            self.unsure_since = Some(self.unsure_since.map_or(sent, |earlier| earlier.max(sent)));
        }
    }

    fn finish(&mut self, stage: Stage, out: &mut Vec<Command>) {
        self.stage = stage;
        self.pending = None;
        self.wake_at = None;
        out.push(Command::Persist);
    }

    /// The one way a submission ends without an order: with `outcome` at once when nothing
    /// sent can still reach the POS, otherwise after looking until that is certain (an
    /// earlier send found meanwhile is adopted instead).
    fn settle(&mut self, outcome: Stage, now: Millis, out: &mut Vec<Command>) {
        let send_in_flight = matches!(self.pending, Some(Pending::Send(_)));
        if !send_in_flight && self.certainly_not_placed() {
            return self.finish(outcome, out);
        }
        self.settle_to = Some(outcome);
        self.stage = Stage::Cancelling;
        if self.pending.is_none() {
            let at = now + self.config.poll_interval_ms;
            self.wake(at);
        }
    }
}

mod events;
