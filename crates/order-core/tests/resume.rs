//! A reload resumes the same submission at the right step, with the same clientOrderId.
mod common;
use common::*;
use order_core::flow::{Event, PayMode, Stage, Submission};

fn reload(m: &mut Manual) {
    let saved = serde_json::to_string(&m.sub).unwrap();
    m.sub = serde_json::from_str::<Submission>(&saved).unwrap();
    m.handle(Event::Resumed);
}

#[test]
fn a_reload_while_sending_looks_for_the_order_instead_of_ordering_twice() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let (_, req) = m.sent();
    let _ = m.model.place(&req, m.now); // it arrived; the page reloaded before the answer
    reload(&mut m);
    m.answer_inquiry();
    assert!(matches!(m.sub.stage(), Stage::Received { .. }));
    assert_eq!(m.sub.client_order_id(), req.client_order_id);
    m.run_to_one_order(10);
}

#[test]
fn a_reload_while_waiting_for_the_kitchen_keeps_polling() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    m.answer_send();
    let before = m.sub.stage().clone();
    reload(&mut m);
    assert_eq!(m.sub.stage(), before);
    m.answer_inquiry();
    m.run_to_one_order(10);
}

#[test]
fn a_finished_submission_stays_finished() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.run(10);
    let done = m.sub.stage().clone();
    reload(&mut m);
    assert_eq!(m.sub.stage(), done);
    assert!(m.out.is_empty());
}
