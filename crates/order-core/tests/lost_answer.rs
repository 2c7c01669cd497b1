//! The answer to an order is lost: look for it, resend the same clientOrderId, never a new one.
mod common;
use common::*;
use order_core::flow::{Command, Event, Failure, PayMode, Stage};
use order_core::ErrorCode;

#[test]
fn a_lost_answer_is_followed_by_an_inquiry_that_finds_the_order() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let first = m.lose_send_answer();
    assert!(matches!(m.sub.stage(), Stage::Unreachable { .. }));
    assert!(
        !m.out.iter().any(|c| matches!(c, Command::Send(..))),
        "no blind resend"
    );
    m.wake();
    m.answer_inquiry();
    // Found by its clientOrderId (already delivered by the time of the look).
    m.assert_placed();
    m.run_to_accepted(10);
    assert_eq!(m.model.orders_of(&first.client_order_id).len(), 1);
    assert_eq!(m.model.orders.len(), 1);
}

#[test]
fn when_it_did_not_arrive_the_same_id_is_sent_again() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let (t, first) = m.sent();
    m.handle(Event::SendAnswered(t, Err(Failure::NoAnswer))); // never reached anyone
    m.wake();
    m.answer_inquiry();
    let (_, again) = m.sent();
    assert_eq!(again.client_order_id, first.client_order_id);
    m.run_to_accepted(10);
}

#[test]
fn a_gateway_timeout_is_as_ambiguous_as_silence() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let (t, req) = m.sent();
    let _ = m.model.place(&req, m.now);
    let timeout = refused(ErrorCode::UpstreamUnavailable);
    m.handle(Event::SendAnswered(t, Err(Failure::Refused(timeout))));
    m.run_to_one_order(20);
}

#[test]
fn cancelling_after_a_lost_answer_waits_until_it_is_certain() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.delivery_works = false);
    m.answer_inquiry();
    m.lose_send_answer();
    m.handle(Event::GuestCancel);
    assert_eq!(m.sub.stage(), Stage::Cancelling, "it may have landed");
    m.run(60);
    // It had landed: the flow follows it rather than claiming it was cancelled.
    assert!(
        matches!(m.sub.stage(), Stage::NotDelivered | Stage::Cancelled),
        "{:?}",
        m.sub.stage()
    );
    let o = &m.model.orders[0];
    assert!(!m.model.delivered(o, m.now) && !m.model.may_arrive(o, m.now));
}

#[test]
fn answers_to_old_requests_are_ignored() {
    let mut m = Manual::start(PayMode::Postpaid);
    let stale = m.inquiry_ticket();
    m.answer_inquiry();
    let before = m.sub.clone();
    m.handle(Event::InquiryAnswered(stale, Err(Failure::NoAnswer)));
    assert_eq!(m.sub.stage(), before.stage());
}

#[test]
fn a_refused_resend_does_not_prove_an_earlier_send_did_not_land() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let (_, first) = m.sent(); // on the wire, slow
                               // The page reloads; the resumed flow looks, finds nothing yet, and sends again.
    m.reload();
    m.answer_inquiry();
    m.model.open = false;
    m.answer_send(); // the second attempt arrives first and is refused
    assert_eq!(m.sub.stage(), Stage::StoreClosed);
    // Then the first one arrives and is placed.
    m.model.open = true;
    let _ = m.model.place(&first, m.now);
    m.handle(Event::GuestCancel);
    assert_eq!(
        m.sub.stage(),
        Stage::Cancelling,
        "not 'cancelled': the first send may have landed"
    );
    m.run(20);
    m.assert_placed();
    assert_eq!(m.model.orders.len(), 1);
}
