use super::sheet::Sheet;
use crate::api::{Api, ApiFailure};
use crate::clock::{fresh_client_order_id, now_ms};
use crate::language::*;
use crate::shop::use_shop;
use leptos::either::*;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_interval_fn;
use order_core::{ErrorCode, StaffCallReason, StaffCallRequest};

/// Where a call for staff stands.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    Choosing,
    Sending,
    Sent,
    /// The table called less than 30 s ago: it may call again at `until`.
    Wait {
        until: u64,
    },
    /// Not sent; the POS's own words when it refused.
    Failed(Option<String>),
}

impl Call {
    /// Where the call stands once the server answered (or did not).
    fn answered<T>(answer: Result<T, ApiFailure>) -> Call {
        match answer {
            Ok(_) => Call::Sent,
            Err(ApiFailure::Refused { error, .. }) if error.code == ErrorCode::RateLimited => {
                Call::Wait {
                    until: now_ms() + error.retry_after_ms.unwrap_or(30_000),
                }
            }
            Err(ApiFailure::Refused { error, .. }) if error.code == ErrorCode::PosRefused => {
                Call::Failed(Some(error.message))
            }
            Err(_) => Call::Failed(None),
        }
    }
}

/// The guest calls staff to the table for the reasons the POS lists (water, napkins, …).
#[component]
pub fn StaffCallSheet(store: String, table: String, api: Api) -> impl IntoView {
    let shop = use_shop();
    let place = StoredValue::new((store, table, api));
    view! {
        <Show when=move || {
            shop.staff_call_open.get()
        }>
            {move || {
                let (store, table, api) = place.get_value();
                view! { <StaffCallBody store=store table=table api=api /> }
            }}
        </Show>
    }
}

#[component]
fn StaffCallBody(store: String, table: String, api: Api) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let place = StoredValue::new((store, table, api));
    let reasons = shop.menu.with_value(|m| m.staff_calls.clone());
    let chosen = RwSignal::new(Vec::<String>::new());
    let call = RwSignal::new(Call::Choosing);
    // One id per call: a retry after no answer is the same call, never a second one.
    let call_id = StoredValue::new(fresh_client_order_id());
    let now = RwSignal::new(now_ms());
    use_interval_fn(move || now.set(now_ms()), 1000);
    let send = move |_| {
        let request = StaffCallRequest {
            client_call_id: call_id.get_value(),
            reasons: chosen.get_untracked(),
        };
        call.set(Call::Sending);
        let (store, table, api) = place.get_value();
        spawn_local(async move {
            let next = Call::answered(api.call_staff(&store, &table, &request).await);
            now.set(now_ms());
            if matches!(next, Call::Sent | Call::Wait { .. }) {
                call_id.set_value(fresh_client_order_id());
                chosen.set(Vec::new());
            }
            call.set(next);
        });
    };
    let busy = move || call.with(|c| *c == Call::Sending);
    let waiting = move || call.with(|c| matches!(c, Call::Wait { until } if *until > now.get()));
    let close = move || shop.staff_call_open.set(false);
    view! {
        <Sheet title_id="to-call-title" title=t!(i18n, call_staff_title) on_close=close>
            <p class="to-muted">{t!(i18n, call_staff_hint)}</p>
            <ReasonChoices reasons chosen />
            <CallSaid call now />
            <div class="to-sheet-foot">
                <button
                    type="button"
                    class="to-button to-primary to-call-send"
                    disabled=move || busy() || waiting() || chosen.with(Vec::is_empty)
                    on:click=send
                >
                    {t!(i18n, call_staff_send)}
                </button>
            </div>
        </Sheet>
    }
}

/// The store's reasons for a call, each ticked or not.
#[component]
fn ReasonChoices(reasons: Vec<StaffCallReason>, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="to-options">
            <legend class="to-visually-hidden">{t!(i18n, call_staff)}</legend>
            {reasons
                .into_iter()
                .map(|r| {
                    let id = StoredValue::new(r.id);
                    let checked = move || chosen.with(|c| c.contains(&id.get_value()));
                    let toggle = move |_| {
                        chosen
                            .update(|c| {
                                let id = id.get_value();
                                match c.iter().position(|x| *x == id) {
                                    Some(i) => {
                                        c.remove(i);
                                    }
                                    None => c.push(id),
                                }
                            })
                    };
                    view! {
                        <label class="to-option">
                            <input type="checkbox" prop:checked=checked on:change=toggle />
                            <span class="to-option-name">{r.name}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// What the call's line says: sending, sent, how long to wait, or why it failed.
#[component]
fn CallSaid(call: RwSignal<Call>, now: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let status = move || match call.get() {
        Call::Choosing => EitherOf6::A(()),
        Call::Sending => EitherOf6::B(t!(i18n, call_staff_sending)),
        Call::Sent => EitherOf6::C(t!(i18n, call_staff_sent)),
        Call::Wait { until } => {
            let seconds = move || until.saturating_sub(now.get()).div_ceil(1000);
            EitherOf6::D(
                view! { <Show when=move || { seconds() > 0 }>{t!(i18n, call_staff_wait, seconds = seconds)}</Show> },
            )
        }
        Call::Failed(Some(words)) => {
            EitherOf6::E(t!(i18n, pos_words, message = move || words.clone()))
        }
        Call::Failed(None) => EitherOf6::F(t!(i18n, call_staff_failed)),
    };
    view! {
        <p
            class=move || {
                if call.with(|c| matches!(c, Call::Sent | Call::Sending)) {
                    "to-call-ok"
                } else {
                    "to-reason"
                }
            }
            role="status"
        >
            {status}
        </p>
    }
}
