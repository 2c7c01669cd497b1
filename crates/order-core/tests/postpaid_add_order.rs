//! Postpaid onto an occupied bill: inquire → add; and two phones at one table at once.
mod common;
use common::*;
use order_core::flow::{PayMode, Stage};
use order_core::OrderKind;

#[test]
fn an_open_order_on_the_table_means_add_onto_it() {
    let mut first = Manual::start_with(PayMode::Postpaid, "client-first");
    first.run(10);
    let Stage::Accepted { order_no } = first.sub.stage().clone() else {
        panic!()
    };

    let mut second = Manual::start_with(PayMode::Postpaid, "client-second");
    second.model = first.model.clone();
    second.now = first.now;
    second.answer_inquiry();
    let req = second.answer_send();
    assert_eq!(req.kind, OrderKind::Add);
    assert_eq!(req.open_order_no.as_deref(), Some(order_no.as_str()));
    second.run(10);
    assert!(matches!(second.sub.stage(), Stage::Accepted { .. }));
}

#[test]
fn two_phones_at_once_both_land_one_new_one_add() {
    let mut w = World::new(7, Weather::calm(), 0);
    w.add_guest(PayMode::Postpaid);
    w.add_guest(PayMode::Postpaid);
    w.run_to_end(10 * 60_000);
    w.check_promises();
    let kinds: Vec<OrderKind> = w.model.orders.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        [OrderKind::New, OrderKind::Add],
        "the slower phone adds onto the faster one's order"
    );
    assert!(w
        .guests
        .iter()
        .all(|g| matches!(g.sub.stage(), Stage::Accepted { .. })));
}

#[test]
fn the_faster_phone_wins_and_the_other_looks_again() {
    let mut a = Manual::start_with(PayMode::Postpaid, "client-a");
    let mut b = Manual::start_with(PayMode::Postpaid, "client-b");
    // Both see a free table.
    a.answer_inquiry();
    b.model = a.model.clone();
    b.answer_inquiry();
    a.answer_send();
    b.model = a.model.clone();
    b.answer_send(); // refused: table_has_open_order
    b.inquiry_ticket(); // looks again at once
                        // While the first order is still on its way, the next try waits a poll interval.
    b.answer_inquiry();
    b.answer_send();
    assert!(b.sub.wake_at().is_some());
    b.now += 5_000;
    b.model
        .orders
        .iter_mut()
        .for_each(|o| o.deliver_at = Some(0));
    b.run(10);
    assert!(matches!(b.sub.stage(), Stage::Accepted { .. }));
    assert_eq!(b.model.orders[1].kind, OrderKind::Add);
}
