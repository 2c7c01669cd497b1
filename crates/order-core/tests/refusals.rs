//! A refusal is final for what it refused, but not proof about anything sent before it; and a
//! "failed" order is not final until it has vanished.
mod common;
use common::*;
use order_core::flow::{Command, PayMode, Stage};
use order_core::ErrorCode;

#[test]
fn a_refusal_in_the_pos_words_ends_it_without_a_retry() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    m.refuse_send();
    assert_eq!(
        m.sub.stage(),
        Stage::Rejected {
            code: ErrorCode::PosRefused,
            message: "포스 점검 중입니다.".into()
        }
    );
    assert!(
        m.sub.wake_at().is_none() && !m.sub.is_moving(),
        "nothing retried by itself"
    );
    assert!(m.sub.resend("client-000002".into()).is_none());
    assert!(m.model.orders.is_empty());
}

#[test]
fn a_refused_resend_waits_until_the_earlier_send_cannot_land() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    let (_, first) = m.sent(); // slow on the wire
    m.reload();
    m.answer_inquiry();
    m.refuse_send();
    assert_eq!(
        m.sub.stage(),
        Stage::Cancelling,
        "checking before saying no"
    );
    // The first send lands after all: the flow follows it instead of saying "refused".
    m.model.place(&first, m.now).unwrap();
    m.run(20);
    m.assert_placed();
}

#[test]
fn a_refused_resend_is_shown_once_nothing_can_land() {
    let mut m = Manual::start(PayMode::Postpaid);
    m.answer_inquiry();
    m.sent(); // lost for good: never reaches anyone
    m.reload();
    m.answer_inquiry();
    m.refuse_send();
    assert_eq!(m.sub.stage(), Stage::Cancelling);
    m.run(60);
    assert!(
        matches!(
            &m.sub.stage(),
            Stage::Rejected {
                code: ErrorCode::PosRefused,
                ..
            }
        ),
        "{:?}",
        m.sub.stage()
    );
}

#[test]
fn a_failed_order_is_followed_until_it_vanishes_and_a_late_delivery_is_taken() {
    let mut m = Manual::start_on(PayMode::Postpaid, |pos| pos.next_late = Some(40_000));
    m.answer_inquiry();
    m.answer_send();
    // Past the first delivery attempt the inquiry says "failed"; the flow keeps watching.
    for _ in 0..4 {
        m.wake();
        m.answer_inquiry();
    }
    let status = m.model.inquiry(m.now, None).orders[0].status;
    assert_eq!(status, order_core::OrderStatus::Failed);
    assert!(
        matches!(m.sub.stage(), Stage::Received { .. }),
        "{:?}",
        m.sub.stage()
    );
    assert!(
        m.sub.resend("client-000002".into()).is_none(),
        "no resend offered yet"
    );
    m.run(20);
    assert!(
        matches!(m.sub.stage(), Stage::Accepted { .. }),
        "{:?}",
        m.sub.stage()
    );
    assert_eq!(m.model.orders.len(), 1);
    assert!(!m.out.iter().any(|c| matches!(c, Command::Send(..))));
}
