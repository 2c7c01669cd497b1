use super::wording::refusal_text;
use crate::clock::now_ms;
use crate::guest_cart::use_guest_cart;
use crate::language::*;
use crate::ordering::Ordering;
use crate::shop::use_shop;
use leptos::either::*;
use leptos::prelude::*;
use leptos_use::{use_interval_fn_with_options, UseIntervalFnOptions};
use order_core::flow::{Event, Stage};
use order_core::ErrorCode;

fn seconds_until(at: u64, now: u64) -> u64 {
    at.saturating_sub(now).div_ceil(1000)
}

/// Where the guest's order stands, live; a polite live region reads every change aloud.
#[component]
pub fn StatusPanel() -> impl IntoView {
    let ordering = expect_context::<Ordering>();
    let now = RwSignal::new(now_ms());
    // Countdowns tick once a second while a card shows, and the page stays still otherwise;
    // leptos-use stops the interval with the page.
    let ticking = use_interval_fn_with_options(
        move || now.set(now_ms()),
        1000,
        UseIntervalFnOptions::default().immediate(false),
    );
    let stage = Memo::new(move |_| {
        ordering
            .submission
            .with(|s| s.as_ref().map(|s| s.stage().clone()))
    });
    let showing = Memo::new(move |_| stage.with(Option::is_some));
    Effect::new(move |_| {
        if showing.get() {
            now.set(now_ms());
            (ticking.resume)();
        } else {
            (ticking.pause)();
        }
    });
    view! {
        <section
            class="to-status"
            aria-live="polite"
            aria-atomic="true"
            class:to-hidden=move || !showing.get()
        >
            {move || stage.get().map(|stage| view! { <StatusBody stage=stage now=now /> })}
        </section>
    }
}

#[component]
pub fn StatusBody(stage: Stage, now: RwSignal<u64>) -> impl IntoView {
    let shop = use_shop();
    let ordering = expect_context::<Ordering>();
    let approvals = ordering
        .submission
        .with_untracked(|s| {
            s.as_ref().map(|s| {
                s.approvals()
                    .iter()
                    .map(|a| a.approval_no.clone())
                    .collect::<Vec<_>>()
            })
        })
        .unwrap_or_default();
    let deadline = stage.acceptance_deadline(&shop.config).unwrap_or_default();
    let kind = match &stage {
        Stage::Accepted { .. } => "to-ok",
        Stage::Unconfirmed { .. } => "to-warn",
        Stage::Sending | Stage::Received { .. } | Stage::Cancelling | Stage::Paying => "to-busy",
        _ if stage.is_final() => "to-bad",
        _ => "to-warn",
    };
    // After payment the order is never abandoned from the page: staff take over if need be.
    let paid = !approvals.is_empty();
    let body = match under_way(stage, deadline, now, paid) {
        Ok(card) => Either::Left(card),
        Err(stage) => Either::Right(ended(stage)),
    };
    view! {
        <div class=format!(
            "to-status-card {kind}",
        )>{body} {paid.then(|| view! { <Approvals approvals=approvals /> })}</div>
    }
}

/// The approvals a paid order holds, for staff to see.
#[component]
fn Approvals(approvals: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="to-approval">
            {approvals
                .into_iter()
                .map(|n| view! { <li>{t!(i18n, approval_no, number = move || n.clone())}</li> })
                .collect_view()}
        </ul>
        <p class="to-muted">{t!(i18n, show_staff)}</p>
    }
}

/// A way out for the guest while the order is under way, unless it was paid for.
#[component]
pub(super) fn CancelButton(paid: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ordering = expect_context::<Ordering>();
    (!paid).then(|| {
        view! {
            <button
                type="button"
                class="to-button"
                on:click=move |_| ordering.dispatch(Event::GuestCancel)
            >
                {t!(i18n, cancel)}
            </button>
        }
    })
}

/// The card that closes an ended order and brings the cart back as it should be.
#[component]
fn DismissButton() -> impl IntoView {
    let i18n = use_i18n();
    let guest = use_guest_cart();
    let ordering = expect_context::<Ordering>();
    view! {
        <button type="button" class="to-button" on:click=move |_| ordering.dismiss(guest.cart)>
            {t!(i18n, ok)}
        </button>
    }
}

/// A line with the spinner: something is under way.
fn busy(text: impl IntoView + 'static) -> impl IntoView {
    view! {
        <p>
            <span class="to-spinner" aria-hidden="true"></span>
            {text}
        </p>
    }
}

/// The card of an order under way; the stage back when the order has ended.
fn under_way(
    stage: Stage,
    deadline: u64,
    now: RwSignal<u64>,
    paid: bool,
) -> Result<impl IntoView, Stage> {
    let i18n = use_i18n();
    let ordering = expect_context::<Ordering>();
    let retry = move |_| ordering.dispatch(Event::GuestRetry);
    // One type for every card, without erasing it (`EitherOf` holds at most sixteen).
    Ok(match stage {
        Stage::Sending => EitherOf9::A(busy(t!(i18n, status_sending))),
        Stage::Received { order_no, .. } => EitherOf9::B(view! {
            {busy(t!(i18n, status_received))}
            <p class="to-muted">
                {t!(
                    i18n, status_received_countdown, seconds = move || seconds_until(deadline, now.get())
                )} " · " {t!(i18n, order_no, number = move || order_no.clone())}
            </p>
        }),
        Stage::Occupied { retry_at, .. } => EitherOf9::C(view! {
            <p>{t!(i18n, status_occupied, seconds = move || seconds_until(retry_at, now.get()))}</p>
            <CancelButton paid=paid />
        }),
        Stage::Unreachable { retry_at } => EitherOf9::D(view! {
            <p>
                {t!(i18n, status_unreachable, seconds = move || seconds_until(retry_at, now.get()))}
            </p>
            <CancelButton paid=paid />
        }),
        Stage::OccupiedAsk | Stage::StoreClosed | Stage::UnreachableAsk => {
            let text = match stage {
                Stage::OccupiedAsk => EitherOf3::A(t!(i18n, status_occupied_ask)),
                Stage::StoreClosed => EitherOf3::B(t!(i18n, status_store_closed)),
                _ => EitherOf3::C(t!(i18n, status_unreachable_ask)),
            };
            EitherOf9::E(view! {
                <p>{text}</p>
                <div class="to-actions">
                    <button type="button" class="to-button to-primary" on:click=retry>
                        {t!(i18n, retry)}
                    </button>
                    <CancelButton paid=paid />
                </div>
            })
        }
        Stage::Cancelling => EitherOf9::F(busy(t!(i18n, status_cancelling))),
        Stage::Paying => EitherOf9::G(busy(t!(i18n, status_paying))),
        Stage::StaffConfirm { wrong_pin } => {
            EitherOf9::H(view! { <super::StaffPin wrong_pin=wrong_pin /> })
        }
        Stage::PaymentUnclear => EitherOf9::I(view! { <p>{t!(i18n, status_payment_unclear)}</p> }),
        ended => return Err(ended),
    })
}

/// The card of an order that has ended, however it ended.
fn ended(stage: Stage) -> impl IntoView {
    let i18n = use_i18n();
    let ordering = expect_context::<Ordering>();
    let guest = use_guest_cart();
    let resend = move |_| ordering.resend();
    let dismiss = move |_| ordering.dismiss(guest.cart);
    match stage {
        Stage::Accepted { order_no } => EitherOf10::A(view! {
            <p class="to-strong">{t!(i18n, status_accepted)}</p>
            <p class="to-muted">{t!(i18n, order_no, number = move || order_no.clone())}</p>
            <DismissButton />
        }),
        Stage::CancelledByStore { .. } => EitherOf10::B(view! {
            <p>{t!(i18n, status_cancelled_by_store)}</p>
            <DismissButton />
        }),
        Stage::NotDelivered => EitherOf10::C(view! {
            <p>{t!(i18n, status_not_delivered)}</p>
            <div class="to-actions">
                <button type="button" class="to-button to-primary" on:click=resend>
                    {t!(i18n, resend)}
                </button>
                <button type="button" class="to-button" on:click=dismiss>
                    {t!(i18n, cancel)}
                </button>
            </div>
        }),
        // The POS's own words, when it gave them: the guest may be able to act on them.
        Stage::Rejected {
            code: ErrorCode::PosRefused,
            message,
        } => EitherOf10::D(view! {
            <p>{t!(i18n, err_pos_refused)}</p>
            {(!message.is_empty())
                .then(|| {
                    view! {
                        <p class="to-pos-words">
                            {t!(i18n, pos_words, message = move || message.clone())}
                        </p>
                    }
                })}
            <DismissButton />
        }),
        Stage::Rejected { code, .. } => EitherOf10::E(view! {
            <p>{refusal_text(code, i18n)}</p>
            <DismissButton />
        }),
        Stage::PaymentDeclined { message } if message == crate::ordering::PAY_NOT_CONFIGURED => {
            EitherOf10::F(view! {
                <p>{t!(i18n, pay_not_configured)}</p>
                <DismissButton />
            })
        }
        Stage::PaymentDeclined { message } => EitherOf10::G(view! {
            <p>{t!(i18n, status_payment_declined, reason = move || message.clone())}</p>
            <DismissButton />
        }),
        Stage::Unconfirmed { order_no } => EitherOf10::H(view! {
            <p class="to-strong">{t!(i18n, status_unconfirmed)}</p>
            {order_no
                .map(|no| {
                    view! {
                        <p class="to-muted">{t!(i18n, order_no, number = move || no.clone())}</p>
                    }
                })}
            <DismissButton />
        }),
        Stage::NeedsStaff { .. } => EitherOf10::I(view! {
            <p class="to-strong">{t!(i18n, status_needs_staff)}</p>
            <DismissButton />
        }),
        // Cancelled, and any stage under way (never shown here).
        _ => EitherOf10::J(view! {
            <p>{t!(i18n, status_cancelled)}</p>
            <DismissButton />
        }),
    }
}
