//! The POS screen holds the table: a notice, automatic retries, then the guest decides.
mod common;
use common::*;
use order_core::flow::{Event, PayMode, Stage};

#[test]
fn occupied_then_released_goes_through_by_itself() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.occupied = true);
    m.answer_inquiry();
    m.answer_send();
    let Stage::Occupied { retry_at, attempt } = m.sub.stage() else {
        panic!("{:?}", m.sub.stage())
    };
    assert_eq!(*attempt, 1);
    assert_eq!(*retry_at, m.now + 10_000, "the server's retryAfterMs");
    m.model.occupied = false;
    m.run_to_accepted(10);
}

#[test]
fn occupied_through_every_retry_asks_the_guest_who_may_cancel() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.occupied = true);
    m.run(30);
    assert_eq!(m.sub.stage(), Stage::OccupiedAsk);
    assert!(!m.sub.is_moving(), "waits for the guest");
    assert_eq!(m.sub.lines(), cart(), "the cart is kept");
    m.handle(Event::GuestCancel);
    assert_eq!(m.sub.stage(), Stage::Cancelled);
    assert!(m.model.orders.is_empty());
}

#[test]
fn the_guest_can_retry_after_being_asked() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.occupied = true);
    m.run(30);
    m.model.occupied = false;
    m.handle(Event::GuestRetry);
    m.run_to_accepted(10);
}

#[test]
fn cancelling_while_occupied_stops_at_once() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.occupied = true);
    m.answer_inquiry();
    m.answer_send();
    m.handle(Event::GuestCancel);
    assert_eq!(m.sub.stage(), Stage::Cancelled);
    assert!(!m.sub.is_moving());
}
