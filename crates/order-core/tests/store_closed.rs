//! Business not opened, or the Agent down: a clear state; the cart kept; retry when open.
mod common;
use common::*;
use order_core::flow::{Event, PayMode, Stage};

#[test]
fn a_closed_store_says_so_and_the_guest_can_retry_later() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.open = false);
    m.answer_inquiry();
    m.answer_send();
    assert_eq!(m.sub.stage(), Stage::StoreClosed);
    assert!(!m.sub.is_moving());
    assert!(m.model.orders.is_empty());
    m.model.open = true;
    m.handle(Event::GuestRetry);
    m.run_to_accepted(10);
}

#[test]
fn an_unreachable_restaurant_is_retried_then_asked_about() {
    let mut m = Manual::start(PayMode::Postpaid);
    for _ in 0..20 {
        if m.sub.stage() == Stage::UnreachableAsk {
            break;
        }
        let t = m.inquiry_ticket();
        m.handle(Event::InquiryAnswered(
            t,
            Err(order_core::flow::Failure::NoAnswer),
        ));
        if let Stage::Unreachable { retry_at } = m.sub.stage() {
            assert!(*retry_at > m.now);
            m.wake();
        }
    }
    assert_eq!(
        m.sub.stage(),
        Stage::UnreachableAsk,
        "nothing was sent, so it is safe to ask"
    );
    m.handle(Event::GuestRetry);
    m.run_to_accepted(10);
}
