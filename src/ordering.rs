//! The shell around `order_core::flow`: it runs the commands the machine returns (fetch,
//! wake me, persist) and feeds the results back as events. No decision is made here.

use crate::api::{Api, ApiFailure};
use crate::clock::{fresh_client_order_id, now_ms};
use crate::payment::{self, HostAnswer};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_timeout_fn;
use order_core::cart::{Cart, CartLine};
use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{ClientConfig, Won};

/// The order in flight at this table, and the means to move it.
#[derive(Clone, Copy)]
pub struct Ordering {
    pub submission: RwSignal<Option<Submission>>,
    /// The machine's next deadline, read from it (never kept a second time here).
    wake_at: Memo<Option<u64>>,
    api: StoredValue<Api>,
    place: StoredValue<(String, String)>,
    config: ClientConfig,
    mode: PayMode,
    /// The host page's payment (prepaid).
    pay: StoredValue<Option<js_sys::Function>, LocalStorage>,
}

/// Said when prepaid ordering runs on a page that gave no way to pay.
pub const PAY_NOT_CONFIGURED: &str = "pay_not_configured";

impl From<ApiFailure> for Failure {
    fn from(e: ApiFailure) -> Failure {
        match e {
            ApiFailure::Refused { error, .. } => Failure::Refused(error),
            // No readable answer: what was sent may have arrived.
            ApiFailure::Network(_) | ApiFailure::Unexpected(_) => Failure::NoAnswer,
        }
    }
}

impl Ordering {
    /// Creates the driver for one table and resumes an order left in flight by a reload.
    pub fn provide(
        api: Api,
        store: String,
        table: String,
        config: ClientConfig,
        mode: PayMode,
        pay: Option<js_sys::Function>,
    ) -> Ordering {
        let key = storage::key(&store, &table, "order");
        let submission = RwSignal::new(None);
        let ordering = Ordering {
            submission,
            wake_at: Memo::new(move |_| {
                submission.with(|s| s.as_ref().and_then(Submission::wake_at))
            }),
            api: StoredValue::new(api),
            place: StoredValue::new((store, table)),
            config,
            mode,
            pay: StoredValue::new_local(pay),
        };
        // One timer for the machine's next wake-up; leptos-use stops it with the component.
        let delay = RwSignal::new(0.0);
        let timer = use_timeout_fn(move |_: ()| ordering.dispatch(Event::Timer), delay);
        Effect::new(move |_| {
            (timer.stop)();
            if let Some(at) = ordering.wake_at.get() {
                delay.set(at.saturating_sub(now_ms()) as f64);
                (timer.start)(());
            }
        });
        storage::restore_kept(move || {
            submission.set(storage::load::<Submission>(&key));
            if submission.with_untracked(|s| s.as_ref().is_some_and(|s| !s.stage().is_final())) {
                ordering.dispatch(Event::Resumed);
            }
        });
        provide_context(ordering);
        ordering
    }

    /// Asks the host page for payment; its answer becomes the machine's next event.
    fn request_payment(&self, client_order_id: String, amount: Won) {
        let Some(pay) = self.pay.get_value() else {
            self.dispatch(Event::PaymentFailed(PAY_NOT_CONFIGURED.into()));
            return;
        };
        let lines = self
            .submission
            .with_untracked(|s| s.as_ref().map(|s| s.lines().to_vec()))
            .unwrap_or_default();
        let this = *self;
        spawn_local(async move {
            let event = match payment::ask_host(&pay, &client_order_id, amount, &lines).await {
                HostAnswer::Approved(approvals) => Event::PaymentApproved(approvals),
                HostAnswer::Declined(message) => Event::PaymentFailed(message),
                HostAnswer::Unreadable(message) => Event::PaymentUnreadable(message),
            };
            this.dispatch(event);
        });
    }

    fn key(&self) -> String {
        self.place.with_value(|(s, t)| storage::key(s, t, "order"))
    }

    /// True while an order is under way: one at a time per phone.
    pub fn busy(&self) -> bool {
        self.submission
            .with(|s| s.as_ref().is_some_and(|s| !s.stage().is_final()))
    }

    /// The guest pressed "order": the cart moves into a submission.
    pub fn submit(&self, cart: RwSignal<Cart>, total: Won) {
        if self.busy() {
            return;
        }
        let taken = cart.get_untracked();
        if taken.is_empty() {
            return;
        }
        let (submission, commands) = Submission::start(
            fresh_client_order_id(),
            taken.order_lines(),
            taken.order_memo(),
            total,
            self.mode,
            self.config,
        );
        cart.set(Cart::default());
        self.submission.set(Some(submission));
        self.run(commands);
    }

    /// Feeds one event to the machine and runs what it asks for.
    pub fn dispatch(&self, event: Event) {
        let now = now_ms();
        let commands = self
            .submission
            .try_update(|s| s.as_mut().map(|s| s.handle(event, now)))
            .flatten()
            .unwrap_or_default();
        self.run(commands);
    }

    /// After "not delivered": the same lines under a fresh clientOrderId.
    pub fn resend(&self) {
        let next = self
            .submission
            .with_untracked(|s| s.as_ref().and_then(|s| s.resend(fresh_client_order_id())));
        if let Some((submission, commands)) = next {
            self.submission.set(Some(submission));
            self.run(commands);
        }
    }

    /// The guest closes a finished order. Unless it reached the kitchen, its lines go back
    /// into the cart: nothing the guest picked is ever lost.
    pub fn dismiss(&self, cart: RwSignal<Cart>) {
        let Some(done) = self.submission.get_untracked() else {
            return;
        };
        if !done.stage().is_final() {
            return;
        }
        // An unconfirmed order may be in the kitchen: its lines are not offered again.
        if !matches!(
            done.stage(),
            Stage::Accepted { .. } | Stage::CancelledByStore { .. } | Stage::Unconfirmed { .. }
        ) {
            cart.update(|c| {
                for l in done.lines() {
                    c.add(CartLine {
                        item_id: l.item_id.clone(),
                        options: l.options.clone(),
                        count: l.count,
                        memo: l.memo.clone().unwrap_or_default(),
                    });
                }
                if c.memo.is_empty() {
                    c.memo = done.memo().unwrap_or_default().to_string();
                }
            });
        }
        self.submission.set(None);
        storage::remove(&self.key());
    }

    fn run(&self, commands: Vec<Command>) {
        for command in commands {
            let this = *self;
            match command {
                Command::Inquire(ticket) => {
                    let (api, (store, table)) = (self.api.get_value(), self.place.get_value());
                    // The order being followed is listed even once its bill is paid.
                    let mine = self
                        .submission
                        .with_untracked(|s| s.as_ref().map(|s| s.client_order_id().to_string()));
                    spawn_local(async move {
                        let result = api
                            .table_orders(&store, &table, mine.as_deref())
                            .await
                            .map_err(Failure::from);
                        this.dispatch(Event::InquiryAnswered(ticket, result));
                    });
                }
                Command::Send(ticket, request) => {
                    let (api, (store, table)) = (self.api.get_value(), self.place.get_value());
                    spawn_local(async move {
                        let result = api
                            .place(&store, &table, &request)
                            .await
                            .map_err(Failure::from);
                        this.dispatch(Event::SendAnswered(ticket, result));
                    });
                }
                Command::RequestPayment {
                    client_order_id,
                    amount,
                } => self.request_payment(client_order_id, amount),
                Command::Persist => {
                    let key = self.key();
                    self.submission.with_untracked(|s| match s {
                        Some(s) => storage::save(&key, s),
                        None => storage::remove(&key),
                    });
                }
            }
        }
    }
}
