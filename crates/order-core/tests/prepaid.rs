//! Prepaid (tablet/kiosk): the host page takes payment, then exactly one `new` order with it.
mod common;
use common::*;
use order_core::flow::{Command, Event, Failure, PayMode, Stage};
use order_core::{ErrorCode, OrderKind, PaymentMethod, Won};

#[test]
fn payment_first_then_one_new_order_with_the_approval() {
    let mut m = Manual::start(PayMode::Prepaid);
    assert_eq!(m.sub.stage(), Stage::Paying);
    assert!(m.out.iter().any(|c| matches!(
        c,
        Command::RequestPayment {
            amount: Won(32_000),
            ..
        }
    )));
    m.handle(Event::PaymentApproved(vec![approval(32_000)]));
    m.answer_inquiry();
    let req = m.answer_send();
    assert_eq!(req.kind, OrderKind::New);
    let payment = req.payment.unwrap();
    assert_eq!(payment.method, PaymentMethod::Card);
    assert_eq!(payment.approvals[0].approval_no, "30001234");
    m.run_to_accepted(10);
}

#[test]
fn after_payment_failures_keep_the_approval_and_keep_trying() {
    let mut m = Manual::start(PayMode::Prepaid);
    m.handle(Event::PaymentApproved(vec![approval(32_000)]));
    let down = || Failure::Refused(refused(ErrorCode::UpstreamUnavailable));
    for _ in 0..20 {
        let t = m.inquiry_ticket();
        m.handle(Event::InquiryAnswered(t, Err(down())));
        assert!(!m.sub.stage().is_final(), "a paid order is never dropped");
        assert!(m.sub.wake_at().is_some(), "retries by itself");
        m.handle(Event::GuestCancel);
        assert!(
            !m.sub.stage().is_final(),
            "cannot be cancelled away after payment"
        );
        m.wake();
    }
    assert!(m.sub.needs_staff_attention());
    assert_eq!(m.sub.approval_numbers(), ["30001234"]);
    m.run_to_one_order(10);
}

#[test]
fn a_declined_payment_places_nothing() {
    let mut m = Manual::start(PayMode::Prepaid);
    m.handle(Event::PaymentFailed("한도 초과".into()));
    assert_eq!(
        m.sub.stage(),
        Stage::PaymentDeclined {
            message: "한도 초과".into()
        }
    );
    assert!(m.model.orders.is_empty());
}

#[test]
fn a_refused_paid_order_goes_to_staff_with_the_approval() {
    let mut m = Manual::start(PayMode::Prepaid);
    m.handle(Event::PaymentApproved(vec![approval(32_000)]));
    m.answer_inquiry();
    m.refuse_send_as(ErrorCode::SoldOut);
    assert!(matches!(m.sub.stage(), Stage::NeedsStaff { .. }));
    assert_eq!(m.sub.approval_numbers(), ["30001234"]);
}

#[test]
fn a_reload_while_paying_never_asks_for_payment_again_by_itself() {
    let mut m = Manual::start(PayMode::Prepaid);
    let saved = serde_json::to_string(&m.sub).unwrap();
    m.sub = serde_json::from_str(&saved).unwrap();
    m.handle(Event::Resumed);
    assert_eq!(m.sub.stage(), Stage::PaymentUnclear);
    assert!(!m
        .out
        .iter()
        .any(|c| matches!(c, Command::RequestPayment { .. })));
}

#[test]
fn the_approval_is_saved_before_anything_else_is_done() {
    let mut m = Manual::start(PayMode::Prepaid);
    m.handle(Event::PaymentApproved(vec![approval(32_000)]));
    assert_eq!(m.out.first(), Some(&Command::Persist), "{:?}", m.out);
    assert!(m.out.iter().any(|c| matches!(c, Command::Inquire(_))));
}

#[test]
fn an_answer_the_page_cannot_read_is_not_a_decline_and_payment_is_not_asked_again() {
    let mut m = Manual::start(PayMode::Prepaid);
    m.handle(Event::PaymentUnreadable("not an approval".into()));
    assert_eq!(
        m.sub.stage(),
        Stage::PaymentUnclear,
        "money may have been taken"
    );
    assert!(!m
        .out
        .iter()
        .any(|c| matches!(c, Command::RequestPayment { .. })));
    m.handle(Event::Resumed);
    assert_eq!(m.sub.stage(), Stage::PaymentUnclear);
    assert!(!m
        .out
        .iter()
        .any(|c| matches!(c, Command::RequestPayment { .. })));
}
