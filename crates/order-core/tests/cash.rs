//! Cash on a tablet: staff confirm with their PIN, then a `new` order with a cash payment.
mod common;
use common::*;
use order_core::flow::{Event, PayMode, Stage};
use order_core::PaymentMethod;

#[test]
fn a_wrong_pin_asks_again_and_the_right_one_places_the_order() {
    let mut m = Manual::start(PayMode::Cash);
    assert_eq!(m.sub.stage(), Stage::StaffConfirm { wrong_pin: false });
    assert!(!m.sub.is_moving());
    m.handle(Event::StaffConfirmed { pin: "0000".into() });
    m.answer_inquiry();
    m.answer_send();
    assert_eq!(m.sub.stage(), Stage::StaffConfirm { wrong_pin: true });
    assert!(m.model.orders.is_empty());
    m.handle(Event::StaffConfirmed { pin: PIN.into() });
    m.answer_inquiry();
    let req = m.answer_send();
    let payment = req.payment.unwrap();
    assert_eq!(payment.method, PaymentMethod::Cash);
    m.run_to_accepted(10);
}

#[test]
fn the_pin_is_never_persisted() {
    let mut m = Manual::start(PayMode::Cash);
    m.handle(Event::StaffConfirmed { pin: PIN.into() });
    let saved = serde_json::to_string(&m.sub).unwrap();
    assert!(!saved.contains(PIN));
}
