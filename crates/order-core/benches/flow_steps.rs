//! How many state-machine steps per second the order flow runs: whole postpaid submissions
//! (inquire, send, a lost answer, look again, poll, accepted) driven with synthetic answers.
//! Prints `name value unit`.

use order_core::flow::{Command, Event, Failure, PayMode, Stage, Submission};
use order_core::{
    ClientConfig, OrderKind, OrderLine, OrderReceipt, OrderStatus, PlacedOrder, TableOrders, Won,
};
use std::hint::black_box;
use std::time::Instant;

fn table(order: Option<(&str, &str, OrderStatus)>) -> TableOrders {
    TableOrders {
        open_order_no: None,
        orders: order
            .map(|(no, id, status)| PlacedOrder {
                order_no: no.into(),
                client_order_id: Some(id.into()),
                status,
                received_at: String::new(),
                total: Won(32_000),
                lines: vec![],
                staff_call: false,
                from_this_phone: false,
            })
            .into_iter()
            .collect(),
        unseen: vec![],
        next_poll_ms: None,
    }
}

/// One submission from start to accepted; returns the number of events handled.
fn one_submission(n: u64) -> u64 {
    let id = format!("client-{n:010}");
    let lines = vec![OrderLine {
        item_id: "I0201".into(),
        count: 2,
        options: vec![],
        memo: None,
    }];
    let (mut s, mut out) = Submission::start(
        id.clone(),
        lines,
        None,
        Won(32_000),
        PayMode::Postpaid,
        ClientConfig::default(),
    );
    let mut now = 1_000_000;
    let mut steps = 0;
    let mut lost_once = false;
    while !s.stage().is_final() {
        let event = match out
            .iter()
            .find(|c| matches!(c, Command::Inquire(_) | Command::Send(..)))
        {
            Some(Command::Inquire(t)) => {
                let found = match (&s.stage(), lost_once) {
                    (Stage::Received { .. }, _) => {
                        Some(("TO1", id.as_str(), OrderStatus::Accepted))
                    }
                    (_, true) => Some(("TO1", id.as_str(), OrderStatus::Waiting)),
                    _ => None,
                };
                Event::InquiryAnswered(*t, Ok(table(found)))
            }
            Some(Command::Send(t, req)) => {
                assert_eq!(req.kind, OrderKind::New);
                if lost_once {
                    Event::SendAnswered(
                        *t,
                        Ok(OrderReceipt {
                            order_no: "TO1".into(),
                            client_order_id: id.clone(),
                            received_at: String::new(),
                            total: Won(32_000),
                        }),
                    )
                } else {
                    lost_once = true;
                    Event::SendAnswered(*t, Err(Failure::NoAnswer))
                }
            }
            _ => {
                now = s.wake_at().unwrap_or(now);
                Event::Timer
            }
        };
        out = s.handle(event, now);
        steps += 1;
    }
    black_box(&s);
    steps
}

fn main() {
    // Warm up, then measure for about two seconds.
    for n in 0..1_000 {
        one_submission(n);
    }
    let started = Instant::now();
    let (mut steps, mut submissions) = (0u64, 0u64);
    while started.elapsed().as_secs_f64() < 2.0 {
        for _ in 0..1_000 {
            steps += one_submission(submissions);
            submissions += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!("flow_steps_per_second {:.0} steps/s", steps as f64 / secs);
    println!(
        "flow_submissions_per_second {:.0} submissions/s",
        submissions as f64 / secs
    );
    println!(
        "flow_steps_per_submission {:.1} steps",
        steps as f64 / submissions as f64
    );
}
