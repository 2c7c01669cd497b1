use super::*;
use crate::wire::{OrderAdditive, OrderItem, PayEntry};

const T0: Millis = 1_795_000_000_000;

/// A strict POS: these tests write amounts that add up, and check that wrong ones are refused.
fn pos() -> Pos {
    let mut p = Pos::new(Fixture::demo(), Timing::default());
    p.set_strict(true);
    p
}

/// (option group, option, count)
type Pick<'a> = (&'a str, &'a str, u32);

/// A correctly priced order body for the demo store: (item, count, picks) per line.
fn body(table: &str, mcht: &str, lines: &[(&str, u32, &[Pick])]) -> OrderBody {
    let f = Fixture::demo();
    let (floor, tbl) = table.split_once('-').unwrap();
    let mut total = 0;
    let item_list = lines
        .iter()
        .enumerate()
        .map(|(i, (id, cnt, opts))| {
            let m = f.item(id).unwrap();
            let base: i64 = m.item_amt;
            let adds: Vec<OrderAdditive> = opts
                .iter()
                .map(|(g, o, n)| {
                    let grp = m
                        .additive_group_list
                        .iter()
                        .flatten()
                        .find(|x| x.additive_group_code == *g)
                        .unwrap();
                    let opt = grp
                        .additive_item_list
                        .iter()
                        .find(|x| x.additive_id == *o)
                        .unwrap();
                    OrderAdditive {
                        additive_id: o.to_string(),
                        additive_name: opt.additive_name.clone(),
                        rule_id: g.to_string(),
                        additive_price: Some(opt.additive_sale_price),
                        additive_cnt: Some(i64::from(*n)),
                    }
                })
                .collect();
            let opt_sum: i64 = adds
                .iter()
                .map(|a| a.additive_price.unwrap() * a.additive_cnt.unwrap())
                .sum();
            let set = m.item_set_gbn == "Y";
            let unit = if set { base } else { base + opt_sum };
            total += (base + opt_sum) * i64::from(*cnt);
            OrderItem {
                item_seq: (i + 1).to_string(),
                item_name: m.item_name.clone(),
                item_id: id.to_string(),
                sale_price: Some(unit),
                sale_amt: Some(unit * i64::from(*cnt)),
                item_cnt: Some(i64::from(*cnt)),
                item_meno: String::new(),
                item_set_gbn: m.item_set_gbn.clone(),
                mcht_menu_no: String::new(),
                additive_item_list: adds,
            }
        })
        .collect();
    OrderBody {
        mcht_orderno: mcht.into(),
        memb_tel: String::new(),
        order_memo: String::new(),
        org_order_pay_amt: Some(total),
        order_pay_amt: Some(total),
        disc_amt: Some(0),
        prepay_flag: "N".into(),
        os_gbn: "WEB".into(),
        flr_code: floor.into(),
        tbl_code: tbl.into(),
        rept_prt_flag: "N".into(),
        order_prt_flag: "Y".into(),
        item_list,
        ord_pay_list: vec![],
        orderno: String::new(),
        org_orderno: String::new(),
    }
}

fn simple(table: &str, mcht: &str) -> OrderBody {
    body(table, mcht, &[("I0201", 2, &[])])
}

fn add_onto(mut b: OrderBody, org: &str) -> OrderBody {
    b.orderno = org.into();
    b.org_orderno = org.into();
    b
}

fn status(p: &Pos, table: &str, order_no: &str, now: Millis) -> Option<(String, String)> {
    let (f, t) = table.split_once('-').unwrap();
    p.table_orders(f, t, now)
        .unwrap()
        .into_iter()
        .find(|e| e["ORDERNO"] == order_no)
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap().to_string();
            (text("ORDER_STATUS"), text("SUCCESS_FLAG"))
        })
}

#[test]
fn credentials_are_checked() {
    let p = pos();
    assert_eq!(p.check_credentials("S0000001", "SV-DEMO-0001"), Ok(()));
    assert_eq!(
        p.check_credentials("S0000001", "wrong"),
        Err(PosError::Credentials)
    );
    assert_eq!(p.check_credentials("", ""), Err(PosError::Credentials));
}

#[test]
fn order_numbers_carry_the_korean_date_and_a_sequence() {
    let mut p = pos();
    // 2026-11-28 23:30 UTC is already the 29th in Korea.
    let late = 1_795_995_000_000;
    let a = p
        .place(OrderKind::New, simple("0001-0001", "m1"), late)
        .unwrap()
        .ack;
    assert_eq!(a.orderno, format!("TO{}0000001", &stamp(late)[..8]));
    assert_eq!(a.orderno.len(), "TO202310180006066".len());
    assert_eq!(a.org_orderno, a.orderno);
    assert_eq!(a.mcht_orderno, "m1");
}

#[test]
fn an_order_is_waiting_then_delivered_then_done() {
    let mut p = pos();
    let t = Timing::default();
    let a = p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .unwrap()
        .ack;
    assert_eq!(
        status(&p, "0001-0001", &a.orderno, T0),
        Some(("".into(), "".into()))
    );
    let delivered = T0 + t.delivery_delay_ms;
    assert_eq!(
        status(&p, "0001-0001", &a.orderno, delivered - 1)
            .unwrap()
            .1,
        ""
    );
    assert_eq!(
        status(&p, "0001-0001", &a.orderno, delivered),
        Some((STATUS_RECEIVED.into(), String::new()))
    );
    assert_eq!(
        p.open_order("0001", "0001", delivered),
        Some(a.orderno.as_str())
    );
    let done = delivered + t.complete_after_ms;
    assert_eq!(
        status(&p, "0001-0001", &a.orderno, done).unwrap().0,
        STATUS_DONE
    );
    assert_eq!(p.open_order("0001", "0001", done), Some(a.orderno.as_str()));
}

#[test]
fn a_dropped_delivery_fails_and_vanishes_after_the_window() {
    let mut p = pos();
    let t = Timing::default();
    p.set_delivery(Delivery::Drop);
    let a = p
        .place(OrderKind::New, simple("0001-0002", "m1"), T0)
        .unwrap()
        .ack;
    assert_eq!(status(&p, "0001-0002", &a.orderno, T0).unwrap().1, "");
    let failed = T0 + t.delivery_delay_ms;
    assert_eq!(status(&p, "0001-0002", &a.orderno, failed).unwrap().1, "N");
    assert_eq!(
        status(&p, "0001-0002", &a.orderno, T0 + t.accept_window_ms - 1)
            .unwrap()
            .1,
        "N"
    );
    assert_eq!(
        status(&p, "0001-0002", &a.orderno, T0 + t.accept_window_ms),
        None
    );
    // Never on the POS, and the table is free for a new order.
    let later = T0 + t.accept_window_ms;
    assert!(!p.all_orders(later)[0].on_pos);
    p.set_delivery(Delivery::Normal);
    assert!(p
        .place(OrderKind::New, simple("0001-0002", "m2"), later)
        .is_ok());
}

#[test]
fn a_delivery_slower_than_the_window_never_arrives() {
    let mut p = pos();
    let t = Timing::default();
    p.set_delivery(Delivery::Delay {
        delay_ms: t.accept_window_ms,
    });
    let a = p
        .place(OrderKind::New, simple("0001-0003", "m1"), T0)
        .unwrap()
        .ack;
    assert_eq!(
        status(&p, "0001-0003", &a.orderno, T0 + t.accept_window_ms - 1)
            .unwrap()
            .1,
        ""
    );
    assert_eq!(
        status(&p, "0001-0003", &a.orderno, T0 + t.accept_window_ms),
        None
    );
    assert!(!p.all_orders(T0 + 10 * t.accept_window_ms)[0].on_pos);

    p.set_delivery(Delivery::Delay {
        delay_ms: t.accept_window_ms - 1,
    });
    let b = p
        .place(OrderKind::New, simple("0001-0004", "m2"), T0)
        .unwrap()
        .ack;
    let at = T0 + t.accept_window_ms - 1;
    assert_eq!(
        status(&p, "0001-0004", &b.orderno, at).unwrap().0,
        STATUS_RECEIVED
    );
}

#[test]
fn an_occupied_table_refuses_orders_until_released() {
    let mut p = pos();
    p.set_occupied("0001", "0005", true).unwrap();
    assert_eq!(
        p.place(OrderKind::New, simple("0001-0005", "m1"), T0),
        Err(PosError::Occupied)
    );
    assert!(
        p.place(OrderKind::New, simple("0001-0006", "m2"), T0)
            .is_ok(),
        "other tables unaffected"
    );
    p.set_occupied("0001", "0005", false).unwrap();
    assert!(p
        .place(OrderKind::New, simple("0001-0005", "m1"), T0)
        .is_ok());
    assert_eq!(
        p.set_occupied("0009", "0001", true),
        Err(PosError::UnknownTable)
    );
}

#[test]
fn business_closed_and_agent_stopped_refuse_orders() {
    let mut p = pos();
    p.set_business_open(false);
    assert!(!p.is_open());
    let e = p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .unwrap_err();
    assert_eq!(
        (e.clone(), e.errcode()),
        (PosError::BusinessClosed, "E1002")
    );
    p.set_business_open(true);
    p.set_agent_running(false);
    let e = p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .unwrap_err();
    assert_eq!((e.clone(), e.errcode()), (PosError::AgentStopped, "E1002"));
    p.set_agent_running(true);
    assert!(p.is_open());
    assert!(p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .is_ok());
}

#[test]
fn new_on_a_table_with_an_open_order_is_refused() {
    let mut p = pos();
    let a = p
        .place(OrderKind::New, simple("0002-0001", "m1"), T0)
        .unwrap()
        .ack;
    // Still on its way to the POS: a second `new` would open a second bill.
    assert_eq!(
        p.place(OrderKind::New, simple("0002-0001", "m2"), T0 + 10),
        Err(PosError::HasOpenOrder)
    );
    let delivered = T0 + Timing::default().delivery_delay_ms;
    let e = p
        .place(OrderKind::New, simple("0002-0001", "m2"), delivered)
        .unwrap_err();
    assert_eq!(e.errcode(), "E1003");
    let b = p
        .place(
            OrderKind::Add,
            add_onto(simple("0002-0001", "m2"), &a.orderno),
            delivered,
        )
        .unwrap()
        .ack;
    assert_eq!(b.org_orderno, a.orderno);
    assert_ne!(b.orderno, a.orderno);
}

#[test]
fn add_onto_an_order_not_open_on_the_table_is_refused() {
    let mut p = pos();
    let delivered = T0 + Timing::default().delivery_delay_ms;
    let a = p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .unwrap()
        .ack;
    // Not yet delivered: not open.
    let e = p.place(
        OrderKind::Add,
        add_onto(simple("0001-0001", "m2"), &a.orderno),
        T0 + 1,
    );
    assert_eq!(e, Err(PosError::NotOpenOrder));
    // Another table's order.
    let e = p.place(
        OrderKind::Add,
        add_onto(simple("0001-0002", "m3"), &a.orderno),
        delivered,
    );
    assert_eq!(e.unwrap_err().errcode(), "E1004");
    // An order number that does not exist.
    let e = p.place(
        OrderKind::Add,
        add_onto(simple("0001-0001", "m4"), "TO000"),
        delivered,
    );
    assert_eq!(e, Err(PosError::NotOpenOrder));
}

#[test]
fn unknown_items_options_counts_and_prices_are_refused() {
    let mut p = pos();
    let bad = |p: &mut Pos, b: OrderBody| p.place(OrderKind::New, b, T0).unwrap_err().errcode();
    let mut b = simple("0001-0001", "a");
    b.item_list[0].item_id = "NOPE".into();
    assert_eq!(bad(&mut p, b), "E2001");
    // Hidden item (its use flag says hidden).
    assert_eq!(
        bad(&mut p, body("0001-0001", "b", &[("I0801", 1, &[])])),
        "E2001"
    );
    // Sold out.
    assert_eq!(
        bad(&mut p, body("0001-0001", "c", &[("I0108", 1, &[])])),
        "E2001"
    );
    // 맵기 선택 is min 1 max 1: none picked, two picked.
    assert_eq!(
        bad(&mut p, body("0001-0001", "d", &[("I0102", 1, &[])])),
        "E2001"
    );
    let two: &[Pick] = &[("R01", "A0101", 1), ("R01", "A0102", 1)];
    assert_eq!(
        bad(&mut p, body("0001-0001", "e", &[("I0102", 1, two)])),
        "E2001"
    );
    // An option of another item's group.
    let mut b = body("0001-0001", "f", &[("I0102", 1, &[("R01", "A0101", 1)])]);
    b.item_list[0].additive_item_list[0].rule_id = "R03".into();
    b.item_list[0].additive_item_list[0].additive_id = "A0301".into();
    assert_eq!(bad(&mut p, b), "E2001");
    // Price tampering, at each level.
    let mut b = body("0001-0001", "g", &[("I0101", 1, &[("R01", "A0104", 1)])]);
    b.item_list[0].additive_item_list[0].additive_price = Some(0);
    assert_eq!(bad(&mut p, b), "E2001");
    let mut b = simple("0001-0001", "h");
    b.item_list[0].sale_price = Some(1);
    assert_eq!(bad(&mut p, b), "E2001");
    let mut b = simple("0001-0001", "i");
    b.order_pay_amt = Some(1000);
    assert_eq!(bad(&mut p, b), "E2001");
    let mut b = simple("0001-0001", "j");
    b.item_list[0].item_cnt = Some(0);
    assert_eq!(bad(&mut p, b), "E2001");
    let mut b = simple("0001-0001", "k");
    b.item_list[0].sale_amt = None;
    assert_eq!(bad(&mut p, b), "E0002");
    // And a right one goes through, options and all.
    let ok: &[Pick] = &[
        ("R01", "A0104", 1),
        ("R02", "A0201", 1),
        ("R02", "A0202", 2),
    ];
    assert!(p
        .place(
            OrderKind::New,
            body("0001-0001", "l", &[("I0101", 2, ok)]),
            T0
        )
        .is_ok());
    assert!(
        p.all_orders(T0).iter().all(|o| o.mcht_order_no == "l"),
        "nothing refused was kept"
    );
}

#[test]
fn set_menus_price_the_parent_alone_and_charge_options_beside() {
    let mut p = pos();
    let b = body("0001-0001", "s", &[("I0401", 1, &[("R05", "A0503", 1)])]);
    assert_eq!(b.item_list[0].sale_price, Some(38000));
    assert_eq!(b.org_order_pay_amt, Some(41000));
    assert!(p.place(OrderKind::New, b, T0).is_ok());
}

#[test]
fn paying_closes_the_bill_and_frees_the_table() {
    let mut p = pos();
    let d = T0 + Timing::default().delivery_delay_ms;
    let a = p
        .place(OrderKind::New, simple("0001-0007", "m1"), T0)
        .unwrap()
        .ack;
    let b = p
        .place(
            OrderKind::Add,
            add_onto(simple("0001-0007", "m2"), &a.orderno),
            d,
        )
        .unwrap()
        .ack;
    let d2 = d + Timing::default().delivery_delay_ms;
    p.pos_pay(&b.orderno, d2).unwrap();
    assert_eq!(
        status(&p, "0001-0007", &a.orderno, d2).unwrap().0,
        STATUS_PAID
    );
    assert_eq!(
        status(&p, "0001-0007", &b.orderno, d2).unwrap().0,
        STATUS_PAID
    );
    assert_eq!(p.open_order("0001", "0007", d2), None);
    assert!(p
        .place(OrderKind::New, simple("0001-0007", "m3"), d2)
        .is_ok());
    assert_eq!(p.pos_pay("TO-nope", d2), Err(PosError::UnknownOrder));
}

#[test]
fn cancelling_on_the_pos_marks_cancelled_and_frees_the_table() {
    let mut p = pos();
    let d = T0 + Timing::default().delivery_delay_ms;
    let a = p
        .place(OrderKind::New, simple("0001-0008", "m1"), T0)
        .unwrap()
        .ack;
    // Not on the POS yet: nothing to cancel there.
    assert_eq!(p.pos_cancel(&a.orderno, T0), Err(PosError::UnknownOrder));
    p.pos_cancel(&a.orderno, d).unwrap();
    assert_eq!(
        status(&p, "0001-0008", &a.orderno, d).unwrap().0,
        STATUS_CANCELLED
    );
    assert_eq!(p.open_order("0001", "0008", d), None);
}

#[test]
fn cancel_request_returns_a_paid_bill() {
    let mut p = pos();
    let d = T0 + Timing::default().delivery_delay_ms;
    let a = p
        .place(OrderKind::New, simple("0001-0009", "m1"), T0)
        .unwrap()
        .ack;
    p.pos_pay(&a.orderno, d).unwrap();
    p.cancel_bill(&a.org_orderno, d).unwrap();
    assert_eq!(
        status(&p, "0001-0009", &a.orderno, d).unwrap().0,
        STATUS_RETURNED
    );
    assert_eq!(p.cancel_bill("TO-nope", d), Err(PosError::UnknownOrder));
}

#[test]
fn the_same_mcht_orderno_is_a_second_order_unless_dedupe_is_switched_on() {
    // The real service does not de-duplicate: the real client sends "130" for every order.
    let mut p = pos();
    p.set_delivery(Delivery::Drop);
    p.place(OrderKind::New, simple("0001-0001", "same"), T0)
        .unwrap();
    let t = T0 + Timing::default().delivery_delay_ms;
    p.place(OrderKind::New, simple("0001-0001", "same"), t)
        .unwrap();
    assert_eq!(
        p.all_orders(t).len(),
        2,
        "an upstream that does not dedupe makes a second order"
    );

    let mut p = pos();
    p.set_dedupe(true);
    let first = p
        .place(OrderKind::New, simple("0001-0001", "same"), T0)
        .unwrap();
    let again = p
        .place(OrderKind::New, simple("0001-0001", "same"), T0 + 5)
        .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(first.ack, again.ack);
    assert_eq!(p.all_orders(T0).len(), 1);
}

#[test]
fn a_loose_pos_takes_the_real_clients_sums_and_a_strict_one_refuses_them() {
    // The real client: SALE_AMT equal to the unit price whatever the count, no total.
    let mut b = body("0001-0001", "130", &[("I0201", 2, &[])]);
    b.item_list[0].sale_amt = b.item_list[0].sale_price;
    b.org_order_pay_amt = None;
    let mut loose = Pos::new(Fixture::demo(), Timing::default());
    assert!(loose.place(OrderKind::New, b.clone(), T0).is_ok());
    assert_eq!(
        pos().place(OrderKind::New, b, T0).unwrap_err().errcode(),
        "E2001"
    );
    // Even a loose POS knows its own menu.
    let mut unknown = simple("0001-0002", "x");
    unknown.item_list[0].item_id = "I9999".into();
    assert_eq!(
        loose
            .place(OrderKind::New, unknown, T0)
            .unwrap_err()
            .errcode(),
        "E2001"
    );
    // Hidden options and hidden items are not orderable.
    let hidden = body("0001-0003", "y", &[("I0703", 1, &[("R04", "A0401", 1)])]);
    let mut hidden_opt = hidden.clone();
    hidden_opt.item_list[0].additive_item_list[0].additive_id = "A0403".into();
    assert_eq!(
        loose
            .place(OrderKind::New, hidden_opt, T0)
            .unwrap_err()
            .errcode(),
        "E2001"
    );
    let mut hidden_item = simple("0001-0003", "z");
    hidden_item.item_list[0].item_id = "I0207".into();
    assert_eq!(
        loose
            .place(OrderKind::New, hidden_item, T0)
            .unwrap_err()
            .errcode(),
        "E2001"
    );
}

#[test]
fn delivered_orders_carry_an_empty_success_flag_and_echo_the_credentials() {
    let mut p = pos();
    let a = p
        .place(OrderKind::New, simple("0001-0001", "m1"), T0)
        .unwrap()
        .ack;
    let d = T0 + Timing::default().delivery_delay_ms;
    assert_eq!(
        status(&p, "0001-0001", &a.orderno, d),
        Some(("SMRO000068".into(), String::new()))
    );
    let entry = &p.table_orders("0001", "0001", d).unwrap()[0];
    assert_eq!(entry["STORE_ID"], "S0000001");
    assert_eq!(entry["SERVICE_ID"], "SV-DEMO-0001");
    assert_eq!(entry["ORDER_PAY_AMT"], "32000", "header amounts as strings");
}

#[test]
fn inquiry_lists_latest_ten_per_table_and_five_per_table_for_the_store() {
    let mut p = pos();
    let mut now = T0;
    let first = p
        .place(OrderKind::New, simple("0001-0001", "m0"), now)
        .unwrap()
        .ack;
    now += Timing::default().delivery_delay_ms;
    for i in 1..12 {
        let b = add_onto(simple("0001-0001", &format!("m{i}")), &first.orderno);
        p.place(OrderKind::Add, b, now).unwrap();
    }
    p.place(OrderKind::New, simple("0001-0002", "other"), now)
        .unwrap();
    let list = p.table_orders("0001", "0001", now).unwrap();
    assert_eq!(list.len(), 10);
    assert_eq!(list[0]["MCHT_ORDERNO"], "m11", "newest first");
    let store = p.store_orders(now);
    assert_eq!(store.iter().filter(|e| e["TBL_CODE"] == "0001").count(), 5);
    assert_eq!(store.iter().filter(|e| e["TBL_CODE"] == "0002").count(), 1);
    assert_eq!(
        p.table_orders("0009", "0009", now),
        Err(PosError::UnknownTable)
    );
}

#[test]
fn prepaid_orders_are_new_with_payments_matching_the_amount() {
    let mut p = pos();
    let d = T0 + Timing::default().delivery_delay_ms;
    p.place(OrderKind::New, simple("0001-0001", "open"), T0)
        .unwrap();
    let mut b = simple("0001-0001", "pre");
    b.prepay_flag = "Y".into();
    assert_eq!(
        p.place(OrderKind::New, b.clone(), d).unwrap_err().errcode(),
        "E2001",
        "no payment"
    );
    b.ord_pay_list = vec![PayEntry {
        pay_type: "card".into(),
        can_flag: "N".into(),
        sale_amt: b.order_pay_amt,
        auth_no: "12345678".into(),
        ..PayEntry::default()
    }];
    // A prepaid order stands on its own, even at a table with an open bill.
    assert!(p.place(OrderKind::New, b, d).is_ok());
    assert_eq!(
        p.open_order("0001", "0001", d + 10_000),
        p.all_orders(d).first().map(|o| o.order_no.as_str())
    );
}

#[test]
fn menu_changes_move_the_change_stamp() {
    let mut p = pos();
    let before = p.fixture().update_dtime.clone();
    assert!(!p.menu_changed_since(&before));
    p.set_sold_out("I0101", true, T0).unwrap();
    assert!(p.menu_changed_since(&before));
    assert_eq!(
        p.fixture().item("I0101").unwrap().sold_out_yn.as_deref(),
        Some("Y")
    );
    // The real client asks with the first 14 characters of a longer stamp.
    let now = p.fixture().update_dtime.clone();
    assert!(now.len() > 14);
    assert!(!p.menu_changed_since(&now[..14]));
    assert!(p.set_sold_out("NOPE", true, T0).is_err());
}
