use super::*;

const OURS: &str = "48151623420000000001";
const OTHER: &str = "99999988887777666655";

fn shape(item: &str, count: u32, total: i64) -> OrderShape {
    OrderShape::new([(item.to_string(), count)], Won(total))
}

fn listed<'a>(order_no: &'a str, echo: &'a str, shape: OrderShape) -> Listed<'a> {
    Listed {
        order_no,
        echo,
        shape,
    }
}

fn ours<'a>(number: &'a str, shape: &'a OrderShape, anchor: Option<&'a str>) -> Ours<'a> {
    Ours {
        client_order_id: "guest-order-1",
        partner_order_no: number,
        shape: Some(shape),
        anchor,
        order_no: None,
    }
}

fn list(entries: Vec<Listed<'_>>, full: bool) -> Listing<'_> {
    Listing { entries, full }
}

#[test]
fn an_echo_whole_or_cut_short_tells_our_order_whatever_it_holds() {
    let two = shape("I0201", 2, 32_000);
    let mine = ours(OURS, &two, Some("TO1"));
    for (echo, by) in [
        (OURS, MatchedBy::Echo),
        (&OURS[..10], MatchedBy::ShortEcho),
        (&OURS[..6], MatchedBy::ShortEcho),
    ] {
        let l = list(
            vec![
                listed("TO3", &OTHER[..echo.len()], two.clone()),
                listed("TO2", echo, shape("I0101", 1, 9_000)),
                listed("TO1", "", two.clone()),
            ],
            false,
        );
        assert_eq!(
            sight(&mine, &l, &[]),
            Sighting::Found { index: 1, by },
            "{echo}"
        );
    }
    // Five digits could be anyone's: not an echo, and the order is then known by what it is.
    let l = list(vec![listed("TO2", &OURS[..5], two.clone())], false);
    assert_eq!(
        sight(&mine, &l, &[]),
        Sighting::Found {
            index: 0,
            by: MatchedBy::Content
        }
    );
}

#[test]
fn without_an_echo_the_one_order_alike_after_the_send_is_ours() {
    let two = shape("I0201", 2, 32_000);
    let mine = ours(OURS, &two, Some("TO1"));
    for echo in ["", "130"] {
        let l = list(
            vec![
                listed("TO3", echo, shape("I0101", 1, 9_000)),
                listed("TO2", echo, two.clone()),
                listed("TO1", echo, two.clone()),
                listed("TO0", echo, two.clone()),
            ],
            true,
        );
        // TO1 and TO0 came before the send (TO1 is the anchor): only TO2 can be ours.
        assert_eq!(
            sight(&mine, &l, &[]),
            Sighting::Found {
                index: 1,
                by: MatchedBy::Content
            },
            "{echo:?}"
        );
    }
    // Nothing alike after the anchor: absent, the anchor shows the list reaches back.
    let l = list(
        vec![
            listed("TO3", "", shape("I0101", 1, 9_000)),
            listed("TO1", "", two.clone()),
        ],
        true,
    );
    assert_eq!(sight(&mine, &l, &[]), Sighting::Absent);
}

#[test]
fn two_orders_alike_are_never_guessed_between() {
    let two = shape("I0201", 2, 32_000);
    let mine = ours(OURS, &two, None);
    let both = list(
        vec![
            listed("TO2", "", two.clone()),
            listed("TO1", "", two.clone()),
        ],
        false,
    );
    assert_eq!(sight(&mine, &both, &[]), Sighting::Ambiguous);
    // One listed, but another record of ours in doubt is alike: either could be it.
    let one = list(vec![listed("TO2", "", two.clone())], false);
    let twin = Ours {
        client_order_id: "guest-order-2",
        ..ours(OTHER, &two, None)
    };
    assert_eq!(sight(&mine, &one, &[twin]), Sighting::Ambiguous);
    // Once the twin is known by its number, the other order alike is ours.
    let known = Ours {
        order_no: Some("TO1"),
        ..twin
    };
    assert_eq!(
        sight(&mine, &both, &[known]),
        Sighting::Found {
            index: 0,
            by: MatchedBy::Content
        }
    );
}

#[test]
fn a_list_that_echoes_our_numbers_is_not_matched_by_content() {
    let two = shape("I0201", 2, 32_000);
    let mine = ours(OURS, &two, None);
    let other = Ours {
        client_order_id: "guest-order-2",
        ..ours(OTHER, &two, None)
    };
    // The host echoes the other order's number: ours would carry its own, and does not.
    let l = list(vec![listed("TO2", &OTHER[..10], two.clone())], false);
    assert_eq!(sight(&mine, &l, &[other]), Sighting::Absent);
}

#[test]
fn the_number_smartro_gave_is_matched_first() {
    let two = shape("I0201", 2, 32_000);
    let mine = Ours {
        order_no: Some("TO7"),
        ..ours(OURS, &two, None)
    };
    let l = list(
        vec![
            listed("TO8", OURS, two.clone()),
            listed("TO7", "", two.clone()),
        ],
        false,
    );
    assert_eq!(
        sight(&mine, &l, &[]),
        Sighting::Found {
            index: 1,
            by: MatchedBy::OrderNo
        }
    );
}

#[test]
fn a_full_list_without_the_anchor_cannot_show_absence() {
    let two = shape("I0201", 2, 32_000);
    let l = list(vec![listed("TO9", "", shape("I0101", 1, 9_000))], true);
    assert_eq!(
        sight(&ours(OURS, &two, Some("TO1")), &l, &[]),
        Sighting::Unseen
    );
    assert_eq!(sight(&ours(OURS, &two, None), &l, &[]), Sighting::Unseen);
    let short = list(l.entries.clone(), false);
    assert_eq!(
        sight(&ours(OURS, &two, None), &short, &[]),
        Sighting::Absent
    );
}

#[test]
fn an_order_in_doubt_settles_on_evidence_or_on_time_and_never_by_a_guess() {
    let l = list(vec![listed("TO5", "", OrderShape::default())], false);
    let sent = 1_000_000;
    let after = 15_000;
    let found = Sighting::Found {
        index: 0,
        by: MatchedBy::Content,
    };
    assert_eq!(
        settle(found, &l, sent, sent + 10, after),
        Settle::Received {
            order_no: "TO5".into()
        }
    );
    assert_eq!(
        settle(Sighting::Absent, &l, sent, sent + 5_000, after),
        Settle::Wait {
            retry_after_ms: 10_000
        }
    );
    assert_eq!(
        settle(Sighting::Absent, &l, sent, sent + after, after),
        Settle::SendAgain
    );
    assert_eq!(
        settle(Sighting::Ambiguous, &l, sent, sent + 1_000, after),
        Settle::Wait {
            retry_after_ms: 14_000
        }
    );
    assert_eq!(
        settle(Sighting::Ambiguous, &l, sent, sent + after + 1, after),
        Settle::Unconfirmed
    );
    assert_eq!(
        settle(Sighting::Unseen, &l, sent, sent, after),
        Settle::Unconfirmed
    );
}

#[test]
fn an_orders_shape_counts_lines_of_one_item_together_in_any_order() {
    let a = OrderShape::new(
        [
            ("B".to_string(), 1),
            ("A".to_string(), 2),
            ("B".to_string(), 2),
        ],
        Won(10),
    );
    let b = OrderShape::new([("A".to_string(), 2), ("B".to_string(), 3)], Won(10));
    assert_eq!(a, b);
    assert_eq!(OrderShape::from_json(&a.to_json()), Some(a));
    assert_eq!(OrderShape::from_json("not json"), None);
}

#[test]
fn a_number_the_host_gave_again_is_not_taken_from_the_order_that_echoes_another() {
    let two = shape("I0201", 2, 32_000);
    let earlier = Ours {
        client_order_id: "guest-order-2",
        order_no: Some("TO7"),
        ..ours(OTHER, &two, None)
    };
    // TO7 now belongs to the order that echoes our number, not to the earlier record's.
    let later = ours(OURS, &two, None);
    let l = list(vec![listed("TO7", OURS, two.clone())], false);
    assert_eq!(sight(&earlier, &l, &[later]), Sighting::Absent);
    assert_eq!(
        sight(&later, &l, &[earlier]),
        Sighting::Found {
            index: 0,
            by: MatchedBy::Echo
        }
    );
}
