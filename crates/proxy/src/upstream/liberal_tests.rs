//! Liberal reading, proven: the observed payloads, mutated at random in every way the real
//! service was seen to vary or may (numbers and numeric strings swapped, unknown fields
//! added, a field under both of its accepted names, nulls, optional lists missing, keys
//! reordered), are read by the adapter's own readers without losing an entry that has
//! what it needs.

use super::wire::*;
use super::*;
use order_core::Won;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Fields that hold numbers, sent as JSON numbers or as strings of digits.
use super::observe::NUMERIC;

/// Fields an entry can do without: each may come as null or not at all.
const OPTIONAL: &[&str] = &[
    "ITEM_NAME",
    "ITEM_GROUP_NAME",
    "ITEM_GROUP_CNT",
    "ITEM_SET_GBN",
    "ADDITIVE_NAME",
    "ADDITIVE_GROUP_NAME",
    "MIN_CNT",
    "MAX_CNT",
    "FLR_NAME",
    "TBL_NAME",
    "MEMB_TEL",
    "ORDER_MEMO",
    "POS_ORDERNO",
    "ORDER_STATUS_NAME",
    "SUCCESS_FLAG",
    "DISC_AMT",
    "OS_GBN",
    "ITEM_MENO",
    "STORE_ID",
    "SERVICE_ID",
    "MCHT_ORDERNO",
    "SOLD_OUT_YN",
];
/// Lists an entry can do without: null, or not there at all.
const OPTIONAL_LISTS: &[&str] = &["ADDITIVE_GROUP_LIST", "ORD_PAY_LIST", "ADDITIVE_ITEM_LIST"];
/// A field and the other name it is accepted under.
const SECOND_NAMES: &[(&str, &str)] = &[("ITEM_AMT", "SALE_PRICE")];

fn noise(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(0..6) {
        0 => json!(null),
        1 => json!(rng.i64(-5..100_000)),
        2 => json!(format!("뜻 모를 값 {}", rng.u32(..))),
        3 => json!(rng.bool()),
        4 => json!([1, "둘", null]),
        _ => json!({"NESTED": {"DEEP": [rng.u8(..)]}}),
    }
}

/// Mutates every object in `v` as a host might, keeping what each entry needs.
fn mutate(v: &mut Value, rng: &mut fastrand::Rng) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| mutate(i, rng)),
        Value::Object(fields) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(fields).into_iter().collect();
            for (key, value) in entries.iter_mut() {
                mutate(value, rng);
                if NUMERIC.contains(&key.as_str()) && rng.bool() {
                    *value = swap_number(value);
                }
            }
            entries.retain(|(key, value)| {
                let key = key.as_str();
                let dropped_field = (OPTIONAL.contains(&key) || OPTIONAL_LISTS.contains(&key))
                    && !value.is_array()
                    && rng.u8(0..4) == 0;
                let dropped_list = OPTIONAL_LISTS.contains(&key) && rng.u8(0..5) == 0;
                !(dropped_field || dropped_list)
            });
            for (key, value) in entries.iter_mut() {
                let optional =
                    OPTIONAL.contains(&key.as_str()) || OPTIONAL_LISTS.contains(&key.as_str());
                if optional && rng.u8(0..5) == 0 {
                    *value = Value::Null;
                }
            }
            let seconds: Vec<(String, Value)> = SECOND_NAMES
                .iter()
                .filter(|_| rng.bool())
                .filter_map(|(name, second)| {
                    let value = entries.iter().find(|(k, _)| k == name)?.1.clone();
                    Some((second.to_string(), value))
                })
                .filter(|(second, _)| !entries.iter().any(|(k, _)| k == second))
                .collect();
            entries.extend(seconds);
            for n in 0..rng.usize(0..4) {
                entries.push((format!("UNKNOWN_FIELD_{n}"), noise(rng)));
            }
            rng.shuffle(&mut entries);
            *fields = entries.into_iter().collect::<Map<String, Value>>();
        }
        _ => {}
    }
}

fn swap_number(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => s.trim().parse::<i64>().map_or(v.clone(), |n| json!(n)),
        _ => v.clone(),
    }
}

fn menu() -> Value {
    json!([{ "ITEM_GROUP_LIST": [
        {"ITEM_GROUP_CODE": "1", "ITEM_GROUP_NAME": "음료", "ITEM_GROUP_CNT": 2, "ITEM_GROUP_USE_FLAG": "N",
         "ITEM_LIST": [
            {"ITEM_AMT":4000,"ITEM_CNT":0,"ITEM_ID":"1000","ITEM_NAME":"복숭아 아이스티","ITEM_SET_GBN":"N","ITEM_USE_FLAG":"N"},
            {"ITEM_AMT":"9000","ITEM_CNT":"0","ITEM_ID":"I1","ITEM_NAME":"김치찌개","ITEM_SET_GBN":"N","ITEM_USE_FLAG":"N",
             "ADDITIVE_GROUP_LIST": [{"ADDITIVE_GROUP_CODE": "R1", "ADDITIVE_GROUP_NAME": "맵기", "ADDITIVE_GROUP_USE_FLAG": "N",
                "MIN_CNT": 1, "MAX_CNT": "1",
                "ADDITIVE_ITEM_LIST": [
                    {"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "매운맛", "ADDITIVE_SALE_PRICE": 500, "ADDITIVE_USE_FLAG": "N"},
                    {"ADDITIVE_ID": "A2", "ADDITIVE_NAME": "순한맛", "ADDITIVE_SALE_PRICE": "0", "ADDITIVE_USE_FLAG": "N"}]}]}]}]}])
}

fn inquiry() -> Value {
    let mut entry: Value = serde_json::from_str(super::tests::OBSERVED_ENTRY).unwrap();
    entry["ITEM_LIST"] = json!([
        {"ITEM_ID": "1000", "ITEM_NAME": "복숭아 아이스티", "ITEM_CNT": "2", "SALE_PRICE": 4000, "SALE_AMT": "8000",
         "ITEM_SET_GBN": "N", "ADDITIVE_ITEM_LIST": [{"ADDITIVE_ID": "A1", "ADDITIVE_NAME": "매운맛", "ADDITIVE_PRICE": "500", "ADDITIVE_CNT": 1}]}]);
    entry["ORD_PAY_LIST"] =
        json!([serde_json::from_str::<Value>(super::tests::OBSERVED_PAY).unwrap()]);
    json!({ "ORDER_LIST": [entry] })
}

fn tables() -> Value {
    json!({"TABLE_LIST": [
        serde_json::from_str::<Value>(super::tests::OBSERVED_TABLE).unwrap(),
        {"FLR_CODE":"0001","FLR_NAME":"1층","TBL_CODE":"0030","TBL_NAME":"28"}]})
}

proptest! {
    #[test]
    fn a_mutated_menu_keeps_every_item_its_price_and_its_options(seed in any::<u64>()) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut raw = menu();
        mutate(&mut raw, &mut rng);
        let obj: Vec<MenuObj> = serde_json::from_value(raw.clone()).unwrap();
        let read = menu_from_wire(obj).unwrap();
        let items: Vec<_> = read.categories.iter().flat_map(|c| &c.items).collect();
        prop_assert_eq!(items.len(), 2, "{}", raw);
        prop_assert_eq!((items[0].id.as_str(), items[0].price), ("1000", Won(4_000)));
        prop_assert_eq!((items[1].id.as_str(), items[1].price), ("I1", Won(9_000)));
        // The option group may have lost its list to a mutation: then it has no options.
        if let Some(group) = items[1].option_groups.first() {
            prop_assert_eq!(group.options.len(), 2, "{}", raw);
            prop_assert_eq!(group.options[0].price, Won(500));
        }
    }

    #[test]
    fn a_mutated_inquiry_keeps_the_order_its_status_and_its_lines(seed in any::<u64>()) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut raw = inquiry();
        mutate(&mut raw, &mut rng);
        let obj: OrderListObj = serde_json::from_value(raw.clone()).unwrap();
        let read = inquiry_from_wire(obj.order_list.0, &HostSettings::default());
        prop_assert_eq!(read.orders.orders.len(), 1, "{}", raw);
        let o = &read.orders.orders[0];
        prop_assert_eq!(o.order_no.as_str(), "TO202310180006066");
        prop_assert_eq!(o.status, order_core::OrderStatus::Done);
        prop_assert_eq!(o.total, Won(35_000));
        prop_assert_eq!(o.lines.len(), 1, "{}", raw);
        prop_assert_eq!(o.lines[0].count, 2);
        prop_assert_eq!(o.received_at.as_str(), "2023-10-18T01:27:02+09:00");
    }

    #[test]
    fn a_mutated_table_list_keeps_every_table(seed in any::<u64>()) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut raw = tables();
        mutate(&mut raw, &mut rng);
        let obj: TableListObj = serde_json::from_value(raw.clone()).unwrap();
        let ids: Vec<String> = tables_from_wire(obj).into_iter().map(|t| t.id).collect();
        prop_assert_eq!(ids, ["0001-0029", "0001-0030"], "{}", raw);
    }
}
