//! One tap is one order against every host the evidence allows (`pos_sim::Dialect`): one
//! that echoes our order number whole, cut short, not at all or the same for every order,
//! writes its times in another zone, lists a new order only after a while, answers without
//! OBJ, refuses in codes of its own, or lists fewer orders per table. The server is taught
//! only what `check-upstream` reports and a partner writes into `[upstream]`.

use crate::common::{assert_error, error_message, start_with, Harness};
use pos_sim::Dialect;
use serde_json::{json, Value};
use std::time::Duration;

const ORDERS: &str = "/api/v1/stores/demo/tables/0001-0001/orders";

/// A server on a host speaking `dialect`, taught how many orders its table list holds.
async fn on_host(dialect: &Dialect) -> Harness {
    let limit = dialect.table_inquiry_limit;
    let h = start_with(|c| {
        c.upstream.table_inquiry_limit = limit;
        // A quicker settling than in production, so the tests wait less.
        c.limits.upstream_timeout_ms = 1_000;
    })
    .await;
    sim(&h).pos().set_dialect(dialect.clone());
    h
}

fn sim(h: &Harness) -> &pos_sim::Sim {
    h.running.sim.as_deref().expect("the embedded simulator")
}

/// How many orders the POS holds under the partner number sent for `id`.
fn on_pos(h: &Harness, id: &str) -> usize {
    let number = tableorder_proxy::upstream::partner_order_no("demo", id);
    let sim = sim(h);
    let now = sim.clock.now();
    sim.pos()
        .all_orders(now)
        .iter()
        .filter(|o| o.mcht_order_no == number)
        .count()
}

fn tagged<'a>(seen: &'a Value, id: &str) -> Option<&'a Value> {
    seen["orders"]
        .as_array()?
        .iter()
        .find(|o| o["clientOrderId"] == id)
}

#[tokio::test]
async fn an_order_whose_answer_is_lost_is_found_and_never_placed_twice_on_every_host() {
    for (name, dialect) in Dialect::variants() {
        let h = on_host(&dialect).await;
        let id = format!("lost-answer-{name}");
        // Committed on the host, and the answer lost on the wire.
        h.post(
            "/sim/faults",
            json!({"dropAfterCommitRate": 1.0, "dedupeMchtOrderNo": false}),
        )
        .await;
        let (status, first) = h.new_order("0001-0001", &id).await;
        assert!(matches!(status, 202 | 502), "{name}: {status} {first}");
        h.post("/sim/faults", json!({})).await;
        // Resent as the phone does until it has an answer.
        let mut answer = (0, Value::Null);
        for _ in 0..40 {
            answer = h.new_order("0001-0001", &id).await;
            if answer.0 == 202 {
                break;
            }
            assert_eq!(answer.0, 502, "{name}: {}", answer.1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(answer.0, 202, "{name}: {}", answer.1);
        assert_eq!(on_pos(&h, &id), 1, "{name}: one tap, one order");
        let (_, seen) = h.get(&format!("{ORDERS}?mine={id}")).await;
        let listed = tagged(&seen, &id).unwrap_or_else(|| panic!("{name}: {seen}"));
        assert_eq!(listed["orderNo"], answer.1["orderNo"], "{name}");
        // The number we sent is short enough for a 20-wide column, whatever the id.
        let number = tableorder_proxy::upstream::partner_order_no("demo", &id);
        assert!(number.len() <= 20 && number.bytes().all(|b| b.is_ascii_digit()));
    }
}

#[tokio::test]
async fn an_order_in_doubt_pushed_off_the_list_is_unconfirmed_and_flagged_on_every_host() {
    for (name, dialect) in Dialect::variants() {
        let h = on_host(&dialect).await;
        let id = format!("pushed-off-{name}");
        // The answer is lost, and the host lists the order only long after: the server's
        // first look does not see it, and it stays in doubt.
        let mut hidden = dialect.clone();
        hidden.listing_delay_ms = 600_000;
        sim(&h).pos().set_dialect(hidden);
        h.post("/sim/faults", json!({"dropAfterCommitRate": 1.0}))
            .await;
        let (status, e) = h.new_order("0001-0001", &id).await;
        assert_eq!(status, 502, "{name}: {e}");
        h.post("/sim/faults", json!({})).await;
        sim(&h).pos().set_dialect(dialect.clone());
        // The counter's tablet orders, one after another, until ours is off the list.
        let tablet = h.enrol_tablet("counter").await;
        for n in 0..dialect.table_inquiry_limit {
            let (status, e) = h.post_with(ORDERS, paid(name, n), &tablet).await;
            assert_eq!(status, 202, "{name}: {e}");
        }
        // A host slow to list shows nothing of them yet: the server waits, and says so.
        tokio::time::sleep(Duration::from_millis(dialect.listing_delay_ms as u64)).await;
        // The phone following it is told nobody can confirm it, and staff see it at once,
        // without waiting for a resend.
        let (_, seen) = h.get(&format!("{ORDERS}?mine={id}")).await;
        assert_eq!(seen["unseen"], json!([id]), "{name}: {seen}");
        let (status, s) = h.owner_get("/api/v1/admin/stores/demo/status").await;
        assert_eq!(status, 200, "{s}");
        let flagged = &s["unconfirmed"][0];
        assert_eq!(flagged["clientOrderId"], id.as_str(), "{name}: {s}");
        assert_eq!(flagged["table"], "0001-0001");
        assert_eq!(flagged["lines"][0]["count"], 2);
        // A resend gets the definite answer, however often, and is never sent again.
        for _ in 0..2 {
            let (status, e) = h.new_order("0001-0001", &id).await;
            assert_error(status, &e, 409, "order_unconfirmed");
        }
        assert_eq!(on_pos(&h, &id), 1, "{name}");
    }
}

/// A prepaid order from the counter's tablet, with an approval of its own.
fn paid(host: &str, n: usize) -> Value {
    let digits: u32 = host.bytes().map(u32::from).sum();
    crate::common::card_order(
        &format!("counter-{host}-{n:04}"),
        &format!("7{digits:03}{n:04}"),
    )
}

#[tokio::test]
async fn codes_of_the_hosts_own_are_definite_refusals_until_taught_and_then_read_as_taught() {
    let other = Dialect::named("other-codes").unwrap();
    let occupied = other.code("occupied", "E1001").to_string();
    let closed = other.code("closed", "E1002").to_string();
    // Not taught: the table held at the counter is refused in the POS's own words, never
    // retried as if it were something else, and nothing is placed.
    let h = on_host(&other).await;
    h.post("/sim/tables/0001-0001/occupy", json!({"on": true}))
        .await;
    let (status, e) = h.new_order("0001-0001", "occupied-untaught").await;
    assert_error(status, &e, 422, "pos_refused");
    assert!(error_message(&e).contains("POS"), "{e}");
    let (_, s) = h.owner_get("/api/v1/admin/stores/demo/status").await;
    let code = &s["hostCodes"][0];
    assert_eq!(
        (code["code"].as_str(), code["count"].as_u64()),
        (Some(occupied.as_str()), Some(1)),
        "{s}"
    );
    assert_eq!(code["readAs"], "other");
    assert!(code["message"].as_str().unwrap().contains("사용 중"), "{s}");

    // Taught from what the status page showed: the occupied notice and its retry.
    let taught = start_with(|c| {
        c.upstream.refusals.occupied = vec![occupied.clone()];
        c.upstream.refusals.closed = vec![closed.clone()];
    })
    .await;
    sim(&taught).pos().set_dialect(other.clone());
    taught
        .post("/sim/tables/0001-0001/occupy", json!({"on": true}))
        .await;
    let (status, e) = taught.new_order("0001-0001", "occupied-taught").await;
    assert_error(status, &e, 409, "table_occupied");
    assert!(e["error"]["retryAfterMs"].as_u64().is_some(), "{e}");
    taught
        .post("/sim/tables/0001-0001/occupy", json!({"on": false}))
        .await;
    let (status, _) = taught.new_order("0001-0001", "occupied-taught").await;
    assert_eq!(status, 202, "the retry goes through once the table is free");
    // A closed store in the host's own code is shown closed on the owner's page.
    taught.post("/sim/business", json!({"open": false})).await;
    let (status, e) = taught.new_order("0001-0001", "closed-taught-1").await;
    assert_error(status, &e, 503, "store_closed");
    let (_, s) = taught.owner_get("/api/v1/admin/stores/demo/status").await;
    assert_eq!(s["open"], false, "{s}");
}
