//! Received but never delivered within the window: say so, and resend safely.
mod common;
use common::*;
use order_core::flow::{Command, PayMode, Stage};

#[test]
fn an_order_that_never_reaches_the_pos_is_reported_then_resent_once() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.delivery_works = false);
    m.answer_inquiry();
    m.answer_send();
    assert!(matches!(m.sub.stage(), Stage::Received { .. }));
    m.run(40);
    assert_eq!(m.sub.stage(), Stage::NotDelivered);
    let first = m.model.orders[0].clone();
    assert!(!m.model.delivered(&first, m.now) && !m.model.may_arrive(&first, m.now));

    m.model.delivery_works = true;
    let (next, out) = m.sub.resend("client-000002".into()).unwrap();
    assert!(matches!(out[0], Command::Inquire(_)));
    assert_ne!(next.client_order_id(), m.sub.client_order_id());
    m.sub = next;
    m.out = out;
    m.run_to_accepted(20);
    let on_pos = m
        .model
        .orders
        .iter()
        .filter(|o| m.model.delivered(o, m.now))
        .count();
    assert_eq!(on_pos, 1, "exactly one order on the POS");
}

#[test]
fn resend_is_only_offered_after_not_delivered() {
    let m = Manual::start(PayMode::Postpaid);
    assert!(m.sub.resend("client-x".into()).is_none());
}

#[test]
fn a_vanished_order_is_not_delivered_only_after_the_window() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    m.answer_send();
    // The inquiry loses it (e.g. pushed out of the latest ten) before the window ends.
    m.model.orders.clear();
    m.wake();
    m.answer_inquiry();
    assert!(
        matches!(m.sub.stage(), Stage::Received { .. }),
        "too early to tell"
    );
    m.run(40);
    assert_eq!(m.sub.stage(), Stage::NotDelivered);
}
