//! How the flow moves: each event the shell feeds it, and the commands that follow.

use super::*;

impl Submission {
    /// Moves the machine by one event; returns what the shell must do. `Persist` is among
    /// them only when the state changed.
    #[must_use]
    pub fn handle(&mut self, event: Event, now: Millis) -> Vec<Command> {
        if self.stage.is_final() {
            return Vec::new();
        }
        let before = self.clone();
        let mut out = self.step(event, now);
        if !out.contains(&Command::Persist) && *self != before {
            out.push(Command::Persist);
        }
        out
    }

    fn step(&mut self, event: Event, now: Millis) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::Timer => {
                if self.wake_at.is_some_and(|at| at <= now) {
                    self.wake_at = None;
                    self.inquire(&mut out);
                }
            }
            Event::InquiryAnswered(t, result) => {
                if self.pending != Some(Pending::Inquiry(t)) {
                    return out;
                }
                self.pending = None;
                self.on_inquiry(result, now, &mut out);
            }
            Event::SendAnswered(t, result) => {
                if self.pending != Some(Pending::Send(t)) {
                    return out;
                }
                self.pending = None;
                self.on_send(result, now, &mut out);
            }
            Event::PaymentApproved(approvals) => {
                if matches!(self.stage, Stage::Paying | Stage::PaymentUnclear)
                    && !approvals.is_empty()
                {
                    self.approvals = approvals;
                    self.stage = Stage::Sending;
                    // Saved before anything else happens: paid is paid, even across a reload.
                    out.push(Command::Persist);
                    self.inquire(&mut out);
                }
            }
            Event::PaymentUnreadable(_) => {
                if self.stage == Stage::Paying {
                    self.stage = Stage::PaymentUnclear;
                }
            }
            Event::PaymentFailed(message) => {
                if matches!(self.stage, Stage::Paying | Stage::PaymentUnclear) {
                    self.finish(Stage::PaymentDeclined { message }, &mut out);
                    return out;
                }
            }
            Event::StaffConfirmed { pin } => {
                if matches!(self.stage, Stage::StaffConfirm { .. }) {
                    self.staff_pin = Some(pin);
                    self.stage = Stage::Sending;
                    self.inquire(&mut out);
                }
            }
            Event::GuestCancel => self.on_cancel(now, &mut out),
            Event::GuestRetry => {
                if matches!(
                    self.stage,
                    Stage::OccupiedAsk | Stage::StoreClosed | Stage::UnreachableAsk
                ) {
                    self.occupied_retries = 0;
                    self.unanswered = 0;
                    self.stage = Stage::Sending;
                    self.inquire(&mut out);
                }
            }
            Event::Resumed => self.on_resume(&mut out),
        }
        out
    }

    fn on_cancel(&mut self, now: Millis, out: &mut Vec<Command>) {
        match self.stage {
            Stage::Received { .. } => {} // It is with the restaurant now: staff can cancel it.
            Stage::Paying | Stage::PaymentUnclear if !self.approvals.is_empty() => {}
            _ if !self.approvals.is_empty() => {} // Paid: never drop it.
            Stage::Cancelling => {}
            _ => {
                self.wake_at = None;
                self.settle(Stage::Cancelled, now, out);
                if self.stage == Stage::Cancelling && self.pending.is_none() {
                    // Look now rather than at the next wake-up: it may have landed.
                    self.inquire(out);
                }
            }
        }
    }

    fn on_resume(&mut self, out: &mut Vec<Command>) {
        if matches!(self.pending, Some(Pending::Send(_))) {
            self.became_unsure();
        }
        self.pending = None;
        match &self.stage {
            Stage::Paying => self.stage = Stage::PaymentUnclear,
            Stage::PaymentUnclear
            | Stage::OccupiedAsk
            | Stage::StoreClosed
            | Stage::UnreachableAsk => {}
            Stage::StaffConfirm { .. } => {}
            Stage::Received { .. } => self.inquire(out),
            _ if self.mode == PayMode::Cash
                && self.staff_pin.is_none()
                && self.unsure_since.is_none() =>
            {
                self.stage = Stage::StaffConfirm { wrong_pin: false };
                self.wake_at = None;
            }
            _ => {
                // Whatever was under way: look first, it may have landed.
                self.inquire(out);
            }
        }
    }

    fn on_inquiry(
        &mut self,
        result: Result<TableOrders, Failure>,
        now: Millis,
        out: &mut Vec<Command>,
    ) {
        let orders = match result {
            Ok(orders) => orders,
            Err(failure) => return self.on_unanswered_inquiry(failure, now, out),
        };
        if let Stage::Received { order_no, since } = self.stage.clone() {
            return self.on_poll(&orders, &order_no, since, now, out);
        }
        if let Some(placed) = orders.find_client_order(&self.client_order_id) {
            let next = orders.next_poll_after(&self.config);
            return self.adopt(placed, now, next, out);
        }
        if orders.is_unseen(&self.client_order_id) {
            // Sent long ago and now beyond what the inquiry lists: absent proves nothing.
            return self.finish(Stage::Unconfirmed { order_no: None }, out);
        }
        // Not found: nothing of ours is there (yet).
        self.absent_at = Some(now);
        if let Some(outcome) = self.settle_to.clone() {
            return self.settle(outcome, now, out);
        }
        if self.mode == PayMode::Cash && self.staff_pin.is_none() {
            self.stage = Stage::StaffConfirm { wrong_pin: false };
            return;
        }
        match (self.mode, orders.open_order_no) {
            (PayMode::Postpaid, Some(open)) => self.send(OrderKind::Add, Some(open), now, out),
            _ => self.send(OrderKind::New, None, now, out),
        }
    }

    /// The order is in the inquiry: carry on from where it stands; `next`: when to look
    /// again if it is still on its way.
    fn adopt(&mut self, placed: &PlacedOrder, now: Millis, next: Millis, out: &mut Vec<Command>) {
        self.unsure_since = None;
        let order_no = placed.order_no.clone();
        match placed.status {
            // A failed order may still be delivered inside the window: wait for it to vanish.
            OrderStatus::Waiting | OrderStatus::Failed => {
                self.stage = Stage::Received {
                    order_no,
                    since: now,
                };
                self.wake(now + next);
            }
            OrderStatus::Accepted | OrderStatus::Done | OrderStatus::Paid => {
                self.finish(Stage::Accepted { order_no }, out)
            }
            OrderStatus::Cancelled | OrderStatus::Returned => {
                self.finish(Stage::CancelledByStore { order_no }, out)
            }
        }
    }

    /// Paid or not, the page offers a resend; after payment it keeps the approval on screen.
    fn not_delivered(&mut self, out: &mut Vec<Command>) {
        self.finish(Stage::NotDelivered, out);
    }

    fn on_poll(
        &mut self,
        orders: &TableOrders,
        order_no: &str,
        since: Millis,
        now: Millis,
        out: &mut Vec<Command>,
    ) {
        let found = orders.orders.iter().find(|o| {
            o.order_no == order_no || o.client_order_id.as_deref() == Some(&self.client_order_id)
        });
        let window_over = now >= accept_by(since, &self.config) + 2 * self.config.poll_interval_ms;
        match found {
            Some(o) if !matches!(o.status, OrderStatus::Waiting | OrderStatus::Failed) => {
                return self.adopt(o, now, orders.next_poll_after(&self.config), out)
            }
            // Gone from a list that no longer reaches back to it: it may well be on the POS.
            None if orders.is_unseen(&self.client_order_id) => {
                let order_no = Some(order_no.to_string());
                return self.finish(Stage::Unconfirmed { order_no }, out);
            }
            // Past the window and still waiting, or gone from the inquiry: it will never arrive.
            Some(_) | None if window_over => return self.not_delivered(out),
            None if now >= accept_by(since, &self.config) => return self.not_delivered(out),
            _ => {}
        }
        let at = now + orders.next_poll_after(&self.config);
        self.wake(at);
    }

    fn on_unanswered_inquiry(&mut self, failure: Failure, now: Millis, out: &mut Vec<Command>) {
        if let Stage::Received { .. } = self.stage {
            // Keep polling through trouble: the order is with Smartro already.
            let at = now + self.config.poll_interval_ms;
            return self.wake(at);
        }
        match failure.code() {
            Some(ErrorCode::StoreClosed)
                if self.unsure_since.is_none() && self.approvals.is_empty() =>
            {
                self.stage = Stage::StoreClosed;
                self.wake_at = None;
            }
            Some(ErrorCode::NotFound) if self.unsure_since.is_none() => {
                self.reject(failure, now, out)
            }
            _ => self.retry_later(&failure, now),
        }
    }

    fn retry_later(&mut self, failure: &Failure, now: Millis) {
        self.unanswered += 1;
        let postpaid_give_up = self.approvals.is_empty()
            && self.unanswered >= MAX_UNANSWERED
            && self.settle_to.is_none();
        if postpaid_give_up && self.certainly_not_placed() {
            self.stage = Stage::UnreachableAsk;
            self.wake_at = None;
            return;
        }
        let wait = match failure {
            Failure::Refused(e)
                if matches!(
                    e.code,
                    ErrorCode::RateLimited | ErrorCode::ServerUnavailable
                ) =>
            {
                e.retry_after_ms.unwrap_or(5_000)
            }
            _ => self.backoff(self.unanswered.saturating_sub(1)),
        };
        let retry_at = now + wait;
        self.stage = if self.settle_to.is_some() {
            Stage::Cancelling
        } else {
            Stage::Unreachable { retry_at }
        };
        self.wake(retry_at);
    }

    /// The order cannot be taken as it is. Shown once nothing sent earlier can still land.
    fn reject(&mut self, failure: Failure, now: Millis, out: &mut Vec<Command>) {
        let (code, message) = match failure {
            Failure::Refused(e) => (e.code, e.message),
            Failure::NoAnswer => (ErrorCode::UpstreamUnavailable, String::new()),
        };
        let outcome = if self.approvals.is_empty() {
            Stage::Rejected { code, message }
        } else {
            Stage::NeedsStaff { message }
        };
        self.settle(outcome, now, out);
    }

    fn on_send(
        &mut self,
        result: Result<OrderReceipt, Failure>,
        now: Millis,
        out: &mut Vec<Command>,
    ) {
        let failure = match result {
            Ok(receipt) => {
                self.unsure_since = None;
                self.stage = Stage::Received {
                    order_no: receipt.order_no,
                    since: now,
                };
                let at = now + self.config.poll_interval_ms;
                return self.wake(at);
            }
            Err(f) => f,
        };
        if failure.is_ambiguous() {
            // It may have landed: look for it before anything else.
            self.became_unsure();
            return self.retry_later(&failure, now);
        }
        // A definite refusal: this attempt placed nothing (an earlier one still might have).
        let Failure::Refused(error) = &failure else {
            return;
        };
        if error.code == ErrorCode::OrderUnconfirmed {
            // An earlier send may be on the POS and nobody can tell: never sent again.
            return self.finish(Stage::Unconfirmed { order_no: None }, out);
        }
        if let Some(outcome) = self.settle_to.clone() {
            if !matches!(
                error.code,
                ErrorCode::RateLimited | ErrorCode::ServerUnavailable
            ) {
                return self.settle(outcome, now, out);
            }
        }
        match error.code {
            ErrorCode::TableOccupied => self.occupied(error.retry_after_ms, now),
            ErrorCode::TableHasOpenOrder | ErrorCode::OpenOrderMismatch => {
                self.bill_changed(now, out)
            }
            ErrorCode::StoreClosed => {
                if self.approvals.is_empty() {
                    self.stage = Stage::StoreClosed;
                    self.wake_at = None;
                } else {
                    self.retry_later(&failure, now);
                }
            }
            ErrorCode::RateLimited | ErrorCode::ServerUnavailable => {
                self.retry_later(&failure, now)
            }
            ErrorCode::Unauthorized if self.mode == PayMode::Cash => {
                self.staff_pin = None;
                self.stage = Stage::StaffConfirm { wrong_pin: true };
                self.wake_at = None;
            }
            _ => self.reject(failure, now, out),
        }
    }

    /// The table is held by another order: tried again after the wait the server asks for,
    /// on its own a few times (always while a payment stands behind the order), then the
    /// guest is asked.
    fn occupied(&mut self, retry_after_ms: Option<u64>, now: Millis) {
        self.occupied_retries += 1;
        let automatic =
            !self.approvals.is_empty() || self.occupied_retries <= self.config.max_occupied_retries;
        if automatic {
            let wait = retry_after_ms.unwrap_or(self.config.occupied_retry_ms);
            let retry_at = now + wait.max(500);
            self.stage = Stage::Occupied {
                retry_at,
                attempt: self.occupied_retries,
            };
            self.wake(retry_at);
        } else {
            self.stage = Stage::OccupiedAsk;
            self.wake_at = None;
        }
    }

    /// Another phone was faster, or the bill changed: look again at once, then add; the
    /// next time after a poll interval.
    fn bill_changed(&mut self, now: Millis, out: &mut Vec<Command>) {
        self.conflicts += 1;
        if self.conflicts == 1 {
            self.inquire(out);
        } else {
            let at = now + self.config.poll_interval_ms;
            self.wake(at);
        }
    }
}
