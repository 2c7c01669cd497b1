//! Postpaid, free table: inquire → new → received (1st answer) → delivered (2nd answer).
mod common;
use common::*;
use order_core::flow::{Command, PayMode, Stage};
use order_core::OrderKind;

#[test]
fn a_free_table_gets_a_new_order_accepted_by_polling() {
    let mut m = Manual::start(PayMode::Postpaid);
    assert!(
        matches!(m.out[0], Command::Inquire(_)),
        "inquire before ordering"
    );
    m.answer_inquiry();
    let req = m.answer_send();
    assert_eq!(req.kind, OrderKind::New);
    assert_eq!(req.open_order_no, None);
    assert!(req.payment.is_none());
    let Stage::Received { order_no, .. } = m.sub.stage().clone() else {
        panic!("{:?}", m.sub.stage())
    };
    assert_eq!(
        m.sub.wake_at(),
        Some(m.now + config().poll_interval_ms),
        "poll every interval"
    );
    // Not delivered yet at the first poll (delivery takes 1.5 s, the poll comes at 5 s).
    m.wake();
    m.answer_inquiry();
    assert_eq!(m.sub.stage(), Stage::Accepted { order_no });
    assert!(m.out.contains(&Command::Persist));
    assert_eq!(m.model.orders.len(), 1);
}

#[test]
fn while_the_order_is_on_its_way_the_phone_asks_again_when_the_server_says() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.delivery_works = false);
    m.answer_inquiry();
    m.answer_send();
    m.wake();
    // The server's next look at the POS is 1.2 s away: asked then, not a whole interval on.
    let t = m.inquiry_ticket();
    let mine = m.sub.client_order_id().to_string();
    let mut orders = m.model.inquiry(m.now, Some(&mine));
    orders.next_poll_ms = Some(1_200);
    m.handle(order_core::flow::Event::InquiryAnswered(t, Ok(orders)));
    assert!(matches!(m.sub.stage(), Stage::Received { .. }));
    assert_eq!(m.sub.wake_at(), Some(m.now + 1_200));
}
