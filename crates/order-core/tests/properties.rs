//! Random interleavings of answers, lost responses, refusals, delays, occupancy, closing,
//! delivery outages, POS settlements, reloads and guests' taps, against the model upstream
//! (which, like the real one, never de-duplicates).
//!
//! Promises: at most one upstream order per clientOrderId and per cart; every submission
//! ends accepted, cancelled by the store, or told "not delivered" (or rejected, cancelled,
//! declined) with nothing on the POS, or "unconfirmed" when a busy table's list no longer
//! reaches back to it; no state waits forever.
//! `PROPTEST_CASES` sets the number of cases (10,000 in `./run test`).

mod common;
use common::*;
use order_core::flow::PayMode;
use proptest::prelude::*;

fn weather() -> impl Strategy<Value = Weather> {
    (
        (
            0.0..0.4f64,
            0.0..0.3f64,
            0.0..0.3f64,
            0.0..0.1f64,
            0.0..0.3f64,
            10u64..8_000,
        ),
        (
            0.0..0.5f64,
            0.0..0.2f64,
            0.0..0.3f64,
            0.0..0.2f64,
            0.0..0.1f64,
            0.0..0.05f64,
            0.0..0.6f64,
        ),
    )
        .prop_map(
            |(
                (lost, error, placed_then_timeout, refusal, late_delivery, max_latency),
                (occupancy, closing, delivery_outage, pos_settles, reloads, guest_cancels, busy),
            )| {
                Weather {
                    lost,
                    error,
                    placed_then_timeout,
                    refusal,
                    late_delivery,
                    max_latency,
                    occupancy,
                    closing,
                    delivery_outage,
                    pos_settles,
                    reloads,
                    guest_cancels,
                    busy,
                }
            },
        )
}

fn mode() -> impl Strategy<Value = PayMode> {
    prop_oneof![6 => Just(PayMode::Postpaid), 2 => Just(PayMode::Prepaid), 1 => Just(PayMode::Cash)]
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_submission_ends_and_no_cart_is_placed_twice(
        seed in any::<u64>(),
        weather in weather(),
        modes in proptest::collection::vec(mode(), 1..=3),
        stagger in proptest::collection::vec(0u64..20_000, 3),
        calm_after in 0u64..600_000,
    ) {
        let mut w = World::new(seed, weather, calm_after);
        w.start_chaos();
        for (i, mode) in modes.into_iter().enumerate() {
            w.run_for(stagger[i]);
            w.add_guest(mode);
        }
        // After the trouble stops, everything settles within a bounded time.
        w.run_to_end(calm_after + 30 * 60_000);
        w.check_promises();
    }
}
