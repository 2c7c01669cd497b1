//! Smartro's answers read into the restaurant's words, and orders written into its shapes:
//! the tables, the menu (liberal: an entry that cannot be read is skipped, counted and
//! logged), a table's orders with their bill, and an order's body.

use super::wire::*;
use super::{
    HostSettings, MenuState, OutgoingOrder, PaymentKind, PaymentRecord, Received, StoreInquiry,
    StoreMenu, StoreOrder, TableInquiry, UpstreamError, PREPAID_HOLDS_NO_BILL, STAFF_CALL_GROUP,
};
use order_core::{
    Category, Item, OptionChoice, OptionGroup, OrderKind, OrderStatus, PlacedLine, PlacedOption,
};
use order_core::{PlacedOrder, StaffCallReason, Table, TableOrders, Won};

/// The 1st answer. Without OBJ (the real client reads it only when present) the order is
/// received but its number must be looked up. The echo of our number may be whole, cut
/// short, empty or the same for every order; only a whole-length echo of another number
/// shows an answer about another order, which leaves this one in doubt.
pub(super) fn received_from_wire(
    obj: Option<OrderAckObj>,
    sent: &str,
) -> Result<Received, UpstreamError> {
    let Some(ack) = obj else {
        return Ok(Received { order_no: None });
    };
    let echoed = ack.mcht_orderno.as_str().trim();
    if echoed.len() == sent.len() && echoed != sent {
        return Err(UpstreamError::Malformed(format!(
            "answer for another order: {echoed} (sent {sent})"
        )));
    }
    Ok(Received {
        order_no: Some(ack.orderno.0).filter(|n| !n.trim().is_empty()),
    })
}

pub(super) fn tables_from_wire(obj: TableListObj) -> Vec<Table> {
    obj.table_list
        .0
        .into_iter()
        .map(|t| Table {
            id: format!("{}-{}", t.flr_code, t.tbl_code),
            name: if t.tbl_name.0.is_empty() {
                t.tbl_code.clone()
            } else {
                t.tbl_name.0
            },
            floor: if t.flr_name.0.is_empty() {
                t.flr_code
            } else {
                t.flr_name.0
            },
        })
        .collect()
}

pub(super) fn menu_state_from_wire(obj: MenuStateObj) -> MenuState {
    // The real client keeps the first 14 characters (yyyyMMddHHmmss) as its next check.
    let stamp: String = obj.update_dtime.0.trim().chars().take(14).collect();
    MenuState {
        changed: obj.update_yn.is_yes(),
        stamp,
        open: obj.open_yn.map(|o| o.is_yes()),
    }
}

/// The upstream shows what is flagged "N" and hides anything else, for groups, items,
/// option groups and options alike (the real client shows exactly those).
fn shown(flag: &Text) -> bool {
    flag.is_no()
}

/// A price the guest will be charged: a readable, non-negative number of won.
fn price(n: Num) -> Option<Won> {
    n.0.filter(|p| (0..=100_000_000).contains(p)).map(Won)
}

fn skip(what: &str, id: &str, why: &str) {
    count_skipped();
    tracing::warn!(what, id, why, "skipped a menu entry");
}

fn option_group_from_wire(a: AdditiveGroupObj) -> Option<OptionGroup> {
    if !shown(&a.additive_group_use_flag) {
        return None;
    }
    let mut options = Vec::new();
    for o in a.additive_item_list.0 {
        if !shown(&o.additive_use_flag) {
            continue;
        }
        match price(o.additive_sale_price) {
            Some(p) => options.push(OptionChoice {
                id: o.additive_id,
                name: o.additive_name.0,
                price: p,
            }),
            None => skip("option", &o.additive_id, "no readable price"),
        }
    }
    if options.is_empty() {
        return None;
    }
    let bound = |n: Num| n.0.and_then(|v| u32::try_from(v).ok());
    // (assumed) MIN_CNT/MAX_CNT; without them: none required, at most one.
    let max = bound(a.max_cnt).unwrap_or(1).clamp(1, options.len() as u32);
    let min = bound(a.min_cnt).unwrap_or(0).min(max);
    Some(OptionGroup {
        id: a.additive_group_code,
        name: a.additive_group_name.0,
        min,
        max,
        options,
    })
}

fn item_from_wire(i: ItemObj) -> Option<Item> {
    if !shown(&i.item_use_flag) {
        return None;
    }
    let Some(p) = price(i.item_amt).or_else(|| price(i.sale_price)) else {
        skip("item", &i.item_id, "no readable ITEM_AMT");
        return None;
    };
    Some(Item {
        price: p,
        sold_out: i.sold_out_yn.is_yes(),
        set_menu: i.item_set_gbn.is_yes(),
        option_groups: i
            .additive_group_list
            .0
            .into_iter()
            .filter_map(option_group_from_wire)
            .collect(),
        id: i.item_id,
        name: i.item_name.0,
        ..Item::default()
    })
}

pub(super) fn menu_from_wire(obj: Vec<MenuObj>) -> Result<StoreMenu, UpstreamError> {
    let first = obj
        .into_iter()
        .next()
        .ok_or_else(|| UpstreamError::Malformed("menu/edit: no menu in the answer".into()))?;
    let mut categories = Vec::new();
    let mut staff_calls = Vec::new();
    for g in first.item_group_list.0 {
        if !shown(&g.item_group_use_flag) {
            continue;
        }
        if g.item_group_code == STAFF_CALL_GROUP {
            staff_calls.extend(
                g.item_list
                    .0
                    .into_iter()
                    .filter(|i| shown(&i.item_use_flag))
                    .map(|i| StaffCallReason {
                        id: i.item_id,
                        name: i.item_name.0,
                    }),
            );
            continue;
        }
        let items: Vec<Item> = g
            .item_list
            .0
            .into_iter()
            .filter_map(item_from_wire)
            .collect();
        if !items.is_empty() {
            categories.push(Category {
                id: g.item_group_code,
                name: g.item_group_name.0,
                items,
            });
        }
    }
    Ok(StoreMenu {
        categories,
        staff_calls,
    })
}

const STATUS_RECEIVED: &str = "SMRO000068";
const STATUS_DONE: &str = "SMRO000069";
const STATUS_CANCELLED: &str = "SMRO000070";
const STATUS_RETURNED: &str = "SMRO000071";
const STATUS_PAID: &str = "SMRO000088";

/// `ORDER_STATUS` first: any of the five codes means the order is on the POS, whatever
/// SUCCESS_FLAG says (the real service leaves it empty). No code: waiting, or failed when
/// SUCCESS_FLAG is "N". A code we do not know is never a failure: keep watching.
fn status_of(e: &InquiryEntryObj) -> OrderStatus {
    match e.order_status.as_str().trim() {
        STATUS_RECEIVED => OrderStatus::Accepted,
        STATUS_DONE => OrderStatus::Done,
        STATUS_CANCELLED => OrderStatus::Cancelled,
        STATUS_RETURNED => OrderStatus::Returned,
        STATUS_PAID => OrderStatus::Paid,
        "" if e.success_flag.is_no() => OrderStatus::Failed,
        _ => OrderStatus::Waiting,
    }
}

/// RFC 3339 in Korean time, read in the host's zone; empty when the entry's date or time
/// cannot be read.
fn received_at(date: &str, time: &str, zone: chrono::FixedOffset) -> String {
    crate::kst::from_pos_in(zone, date, time)
        .map(|at| at.to_rfc3339())
        .unwrap_or_default()
}

fn count(n: Num) -> u32 {
    n.0.and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

fn placed_line(i: InquiryItemObj) -> PlacedLine {
    let options: Vec<PlacedOption> = i
        .additive_item_list
        .0
        .into_iter()
        .map(|a| PlacedOption {
            option_id: a.additive_id,
            name: a.additive_name.0,
            count: count(a.additive_cnt),
            price: Won(a.additive_price.0.unwrap_or(0)),
        })
        .collect();
    let sale_price = Won(i.sale_price.0.unwrap_or(0));
    // A set menu's SALE_PRICE is the parent alone; its options come beside it.
    let unit_price = if i.item_set_gbn.is_yes() {
        sale_price + options.iter().map(|o| o.price * o.count).sum()
    } else {
        sale_price
    };
    PlacedLine {
        item_id: i.item_id,
        name: i.item_name.0,
        count: count(i.item_cnt),
        unit_price,
        options,
    }
}

/// The real client's rule: the table has an open bill when an entry is received (068) or
/// done (069); the bill is that entry's ORG_ORDERNO; an add names the newest entry's ORDERNO.
/// The store-wide list, whole and split by table: each table's part is read as its own
/// inquiry is (its bill, its party), marked `full` since the list keeps only the newest few.
pub(super) fn store_inquiry_from_wire(
    list: Vec<InquiryEntryObj>,
    host: &HostSettings,
) -> StoreInquiry {
    let table_of = |e: &InquiryEntryObj| format!("{}-{}", e.flr_code.as_str(), e.tbl_code.as_str());
    let mut by_table: std::collections::HashMap<String, Vec<InquiryEntryObj>> =
        std::collections::HashMap::new();
    for e in &list {
        by_table.entry(table_of(e)).or_default().push(e.clone());
    }
    let order_tables: Vec<String> = list.iter().map(table_of).collect();
    let whole = inquiry_from_wire(list, host);
    let orders = order_tables
        .into_iter()
        .zip(whole.orders.orders)
        .zip(whole.echoes)
        .map(|((table, order), echo)| StoreOrder { table, order, echo })
        .collect();
    let tables = by_table
        .into_iter()
        .map(|(table, entries)| {
            let mut inquiry = inquiry_from_wire(entries, host);
            inquiry.full = true;
            (table, inquiry)
        })
        .collect();
    StoreInquiry { orders, tables }
}

pub(super) fn inquiry_from_wire(list: Vec<InquiryEntryObj>, host: &HostSettings) -> TableInquiry {
    let latest_order_no = list.first().map(|e| e.orderno.clone());
    let full = list.len() >= host.table_inquiry_limit;
    let listed = list.iter().map(|e| e.orderno.clone()).collect();
    let latest_on_pos = list
        .iter()
        .find(|e| !matches!(status_of(e), OrderStatus::Waiting | OrderStatus::Failed))
        .map(|e| e.orderno.clone());
    let bill_of = |e: &InquiryEntryObj| {
        let bill = e.org_orderno.as_str().trim();
        if bill.is_empty() {
            e.orderno.clone()
        } else {
            bill.to_string()
        }
    };
    // A bill is closed once none of its orders is open and one was paid, cancelled or
    // returned. The newest order of a closed bill marks where the current party began (a
    // prepaid order stands alone: its refund ends nobody's visit).
    let closed = |bill: &str| {
        let mine = || list.iter().filter(|e| bill_of(e) == bill).map(status_of);
        !mine().any(OrderStatus::is_open)
            && mine().any(|s| {
                matches!(
                    s,
                    OrderStatus::Paid | OrderStatus::Cancelled | OrderStatus::Returned
                )
            })
    };
    let party_len = list
        .iter()
        .position(|e| {
            let prepaid = e.prepay_flag.is_yes() && PREPAID_HOLDS_NO_BILL;
            !prepaid
                && matches!(
                    status_of(e),
                    OrderStatus::Paid | OrderStatus::Cancelled | OrderStatus::Returned
                )
                && closed(&bill_of(e))
        })
        .unwrap_or(list.len());
    let mut open_order_no = None;
    let mut orders = Vec::with_capacity(list.len());
    let mut echoes = Vec::with_capacity(list.len());
    for e in list {
        let status = status_of(&e);
        let prepaid = e.prepay_flag.is_yes();
        if open_order_no.is_none() && status.is_open() && !(prepaid && PREPAID_HOLDS_NO_BILL) {
            let bill = e.org_orderno.as_str().trim();
            open_order_no = Some(if bill.is_empty() { &e.orderno } else { bill }.to_string());
        }
        echoes.push(e.mcht_orderno.0.trim().to_string());
        orders.push(PlacedOrder {
            client_order_id: None,
            received_at: received_at(e.order_date.as_str(), e.order_time.as_str(), host.time_zone),
            total: Won(e.order_pay_amt.0.unwrap_or(0)),
            // A fact of our own record (told when the order is matched), never of the memo:
            // a guest may write anything there.
            staff_call: false,
            from_this_phone: false,
            order_no: e.orderno,
            status,
            lines: e.item_list.0.into_iter().map(placed_line).collect(),
        });
    }
    TableInquiry {
        orders: TableOrders {
            open_order_no,
            orders,
            unseen: Vec::new(),
            next_poll_ms: None,
        },
        echoes,
        full,
        latest_order_no,
        party_len,
        listed,
        latest_on_pos,
    }
}

pub(super) fn order_body<'a>(
    order: &'a OutgoingOrder<'a>,
) -> Result<OrderBodyReq<'a>, UpstreamError> {
    let priced = order.priced;
    let mut items = Vec::with_capacity(priced.lines.len());
    let mut gross = Won::ZERO;
    for (seq, line) in priced.lines.iter().enumerate() {
        let sale_price = if line.set_menu {
            line.item_price
        } else {
            line.unit_price()
        };
        gross += line.amount();
        items.push(OrderItemReq {
            item_seq: (seq + 1).to_string(),
            item_name: &line.name,
            item_id: &line.item_id,
            sale_price: sale_price.0.to_string(),
            sale_amt: (sale_price * line.count).0.to_string(),
            item_cnt: line.count.to_string(),
            item_meno: &line.memo,
            item_set_gbn: yes_no(line.set_menu),
            mcht_menu_no: String::new(),
            additive_item_list: line
                .options
                .iter()
                .map(|o| OrderAdditiveReq {
                    additive_id: &o.option_id,
                    additive_name: &o.name,
                    rule_id: &o.group_id,
                    additive_price: o.price.0.to_string(),
                    additive_cnt: o.count.to_string(),
                })
                .collect(),
        });
    }
    if gross != priced.total {
        return Err(UpstreamError::Unsendable(format!(
            "total {} does not add up to {}",
            priced.total.0, gross.0
        )));
    }
    let prepaid = !order.payments.is_empty();
    let (orderno, org_orderno) = match (order.kind, order.open_order_no) {
        (OrderKind::Add, Some(open)) => (Some(order.latest_order_no.unwrap_or(open)), Some(open)),
        (OrderKind::Add, None) => {
            return Err(UpstreamError::Unsendable(
                "an add order needs the open order".into(),
            ))
        }
        (OrderKind::New, _) => (None, None),
    };
    Ok(OrderBodyReq {
        mcht_orderno: order.partner_order_no,
        memb_tel: "",
        order_memo: &priced.memo,
        org_order_pay_amt: gross.0.to_string(),
        order_pay_amt: gross.0.to_string(),
        disc_amt: "0".into(),
        prepay_flag: yes_no(prepaid),
        os_gbn: "WEB",
        flr_code: order.floor,
        tbl_code: order.table,
        rept_prt_flag: yes_no(false),
        // A staff call prints nothing; an order prints its kitchen ticket.
        order_prt_flag: yes_no(!order.staff_call),
        item_list: items,
        ord_pay_list: order.payments.iter().map(pay_entry).collect(),
        orderno,
        org_orderno,
    })
}

fn pay_entry(p: &PaymentRecord) -> PayEntryReq {
    PayEntryReq {
        pay_type: match p.kind {
            PaymentKind::Card => "card",
            PaymentKind::Cash => "cash",
            PaymentKind::Other => "etc",
        },
        can_flag: yes_no(false),
        // A normal payment cancels nothing: empty, as the real client sends it.
        can_pay_seq: String::new(),
        tml_no: p.terminal_id.clone(),
        sale_amt: p.amount.0.to_string(),
        sale_vat_amt: p.vat.0.to_string(),
        svc_amt: "0".into(),
        istm_term: format!("{:02}", p.instalment_months),
        auth_no: p.approval_no.clone(),
        auth_date: p.approval_date.clone(),
        auth_time: p.approval_time.clone(),
        card_acqhid: p.acquirer_code.clone(),
        card_acq_name: p.acquirer.clone(),
        card_acshid: p.issuer_code.clone(),
        crd_hid_name: p.issuer.clone(),
        card_no: p.card_no_masked.clone(),
        card_mchtno: p.merchant_no.clone(),
        card_pay_type: match (p.kind, p.card_pay_type.as_str()) {
            (PaymentKind::Card, "") => "M".into(),
            (PaymentKind::Card, given) => given.to_string(),
            _ => String::new(),
        },
        cash_auth_type: if p.kind == PaymentKind::Cash { "P" } else { "" },
        ddcedi: p.ddcedi.clone(),
    }
}
