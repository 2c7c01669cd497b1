//! A busy table: newer orders push older ones out of the upstream's list. An order that is
//! no longer listed is not "not delivered": it may well be on the POS.
mod common;
use common::*;
use order_core::flow::{PayMode, Stage};

#[test]
fn an_order_pushed_out_of_the_list_is_unconfirmed_never_offered_again() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.delivery_works = false); // it would read "waiting", then vanish…
    m.answer_inquiry();
    m.answer_send();
    let Stage::Received { order_no, .. } = m.sub.stage().clone() else {
        panic!("{:?}", m.sub.stage())
    };
    // …but before that, ten others at the table order: it drops off the end of the list.
    m.now += 1_000;
    for _ in 0..INQUIRY_LIMIT {
        m.model.stranger_orders(m.now);
    }
    m.run(40);
    assert_eq!(
        m.sub.stage(),
        Stage::Unconfirmed {
            order_no: Some(order_no)
        }
    );
    assert!(
        m.sub.resend("client-000002".into()).is_none(),
        "no resend on a guess"
    );
}

#[test]
fn a_few_others_ordering_change_nothing() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    m.answer_send();
    m.now += 500;
    for _ in 0..INQUIRY_LIMIT - 1 {
        m.model.stranger_orders(m.now);
    }
    m.run(40);
    assert!(
        matches!(m.sub.stage(), Stage::Accepted { .. }),
        "{:?}",
        m.sub.stage()
    );
}

#[test]
fn a_server_that_cannot_confirm_an_earlier_send_ends_it_unconfirmed_never_resent() {
    use order_core::ErrorCode;
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    // The server holds this id from an earlier send (another tab, a reload) that nobody
    // can confirm any more.
    m.refuse_send_as(ErrorCode::OrderUnconfirmed);
    assert_eq!(m.sub.stage(), Stage::Unconfirmed { order_no: None });
    assert!(
        m.sub.resend("client-000002".into()).is_none(),
        "no resend on a guess"
    );
}
