//! The shell around `order_core::flow`: it runs the commands the machine returns (fetch,
//! wake me, persist) and feeds the results back as events. No decision is made here.

use crate::api::{Api, ApiFailure};
use crate::clock::{fresh_client_order_id, now_ms};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_timeout_fn;
use order_core::cart::{Cart, CartLine};
use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{Approval, ClientConfig, Won};

/// An approval, or a list of them for a split payment, as the host page resolves it. Read
/// leniently; whatever else the terminal said is kept in `extra` for the record.
fn approvals_from_js(value: &wasm_bindgen::JsValue) -> Result<Vec<Approval>, String> {
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::JsCast;
    let text = |v: &wasm_bindgen::JsValue| JSON::stringify(v).ok().and_then(|s| s.as_string());
    let entries: Vec<wasm_bindgen::JsValue> = if Array::is_array(value) {
        Array::from(value).iter().collect()
    } else {
        vec![value.clone()]
    };
    let mut approvals = Vec::with_capacity(entries.len());
    for entry in entries {
        let json = text(&entry).ok_or("the payment answered nothing")?;
        let mut approval: Approval = serde_json::from_str(&json)
            .map_err(|e| format!("the payment's answer is not an approval: {e}"))?;
        // What this page does not know is kept as the terminal said it.
        let known = serde_json::to_string(&approval)
            .ok()
            .and_then(|k| JSON::parse(&k).ok())
            .unwrap_or_default();
        if let Some(fields) = entry.dyn_ref::<Object>() {
            for key in Object::keys(fields).iter() {
                let unknown = !Reflect::has(&known, &key).unwrap_or(true);
                let value = Reflect::get(fields, &key).ok();
                if let (true, Some(name), Some(said)) =
                    (unknown, key.as_string(), value.as_ref().and_then(text))
                {
                    approval.extra.insert(name, said);
                }
            }
        }
        approvals.push(approval);
    }
    if approvals.is_empty() {
        return Err("the payment answered no approval".into());
    }
    Ok(approvals)
}

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
        let lines = self.submission.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| serde_json::to_string(&s.lines()).ok())
                .and_then(|json| js_sys::JSON::parse(&json).ok())
                .unwrap_or(wasm_bindgen::JsValue::NULL)
        });
        let request = js_sys::Object::new();
        let set = |k: &str, v: wasm_bindgen::JsValue| {
            let _ = js_sys::Reflect::set(&request, &k.into(), &v);
        };
        set("amount", (amount.0 as f64).into());
        set("clientOrderId", client_order_id.into());
        set("lines", lines);
        let this = *self;
        let promise = pay
            .call1(&wasm_bindgen::JsValue::NULL, &request)
            .map(|v| js_sys::Promise::resolve(&v))
            .map_err(|e| e.as_string().unwrap_or_default());
        spawn_local(async move {
            let answer = match promise {
                Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.map_err(|e| {
                    e.as_string()
                        .or_else(|| {
                            js_sys::Reflect::get(&e, &"message".into())
                                .ok()
                                .and_then(|m| m.as_string())
                        })
                        .unwrap_or_default()
                }),
                Err(message) => Err(message),
            };
            // A rejected promise is a declined payment; a fulfilled one whose answer cannot be
            // read may have taken the money: staff must look, the guest is not asked again.
            let event = match answer {
                Err(message) => Event::PaymentFailed(message),
                Ok(v) => match approvals_from_js(&v) {
                    Ok(approvals) => Event::PaymentApproved(approvals),
                    Err(message) => Event::PaymentUnreadable(message),
                },
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
