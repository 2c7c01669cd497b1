//! What an answer shows beyond what the readers keep, for `check-upstream` and the corpus
//! replay: how long its list was before reading, which numbers came as strings, the status
//! codes and echoes as sent, and a copy fit to keep (credentials, phone numbers, memos and
//! card data redacted). Only here and in `wire` are Smartro's field names spelt.

use super::wire::{
    inquiry_from_wire, menu_from_wire, tables_from_wire, OrderListObj, TableListObj,
};
use super::wire::{menu_state_from_wire, MenuObj, MenuStateObj, OrderAckObj};
use super::{Answer, HostSettings, StoreCredentials, Upstream, UpstreamError};
use serde_json::Value;
use std::collections::BTreeMap;

/// The paths `check-upstream` calls, by what they are.
pub mod paths {
    pub const TABLES: &str = "/partner/v1/table";
    pub const MENU_STATE: &str = "/partner/v1/menu/state";
    pub const MENU: &str = "/partner/v1/menu/edit";
    pub const TABLE_ORDERS: &str = "/partner/v1/table/order";
    pub const STORE_ORDERS: &str = "/partner/v2/table/order";
    pub const NEW_ORDER: &str = "/partner/v1/table/order/new";
    pub const ADD_ORDER: &str = "/partner/v1/table/order/add";
}

fn obj(answer: &Answer) -> Option<Value> {
    let v: Value = serde_json::from_slice(&answer.body).ok()?;
    v.get("OBJ").cloned()
}

/// How many entries the answer's list held before reading.
pub fn listed(answer: &Answer) -> Option<usize> {
    let obj = obj(answer)?;
    let list = match answer.path {
        paths::TABLES => obj.get("TABLE_LIST")?.clone(),
        paths::TABLE_ORDERS | paths::STORE_ORDERS => obj.get("ORDER_LIST")?.clone(),
        paths::MENU => {
            let groups = obj.get(0)?.get("ITEM_GROUP_LIST")?.as_array()?.clone();
            let items: usize = groups
                .iter()
                .filter_map(|g| g.get("ITEM_LIST")?.as_array().map(Vec::len))
                .sum();
            return Some(items);
        }
        _ => return None,
    };
    Some(list.as_array().map_or(0, Vec::len))
}

/// Fields holding amounts, counts and sequences.
pub(super) const NUMERIC: &[&str] = &[
    "ITEM_AMT",
    "ITEM_CNT",
    "ADDITIVE_SALE_PRICE",
    "MIN_CNT",
    "MAX_CNT",
    "ITEM_GROUP_CNT",
    "ORDER_PAY_AMT",
    "ORG_ORDER_PAY_AMT",
    "DISC_AMT",
    "SALE_PRICE",
    "SALE_AMT",
    "ADDITIVE_PRICE",
    "ADDITIVE_CNT",
    "PAY_SEQ",
    "SALE_VAT_AMT",
    "SVC_AMT",
    "CAN_PAY_SEQ",
];

/// For each numeric field the answer holds: (seen as a JSON number, seen as a string).
pub fn number_forms(answer: &Answer) -> BTreeMap<String, (bool, bool)> {
    fn walk(v: &Value, out: &mut BTreeMap<String, (bool, bool)>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(fields) => {
                for (k, v) in fields {
                    if NUMERIC.contains(&k.as_str()) {
                        let form = out.entry(k.clone()).or_default();
                        form.0 |= v.is_number();
                        form.1 |= v.is_string();
                    }
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    if let Some(o) = obj(answer) {
        walk(&o, &mut out);
    }
    out
}

/// Does any entry of the answer carry this field?
pub fn carries(answer: &Answer, field: &str) -> bool {
    fn walk(v: &Value, field: &str) -> bool {
        match v {
            Value::Array(items) => items.iter().any(|i| walk(i, field)),
            Value::Object(fields) => fields.iter().any(|(k, v)| k == field || walk(v, field)),
            _ => false,
        }
    }
    obj(answer).is_some_and(|o| walk(&o, field))
}

/// One inquiry entry as sent: what the reader turns into a status and a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAsSent {
    pub order_no: String,
    pub status_code: String,
    pub success_flag: String,
    /// The partner's order number as echoed.
    pub echo: String,
    pub date: String,
    pub time: String,
    pub table: String,
}

pub fn entries(answer: &Answer) -> Vec<EntryAsSent> {
    let text = |e: &Value, k: &str| match e.get(k) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let list = obj(answer)
        .and_then(|o| o.get("ORDER_LIST").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    list.iter()
        .map(|e| EntryAsSent {
            order_no: text(e, "ORDERNO"),
            status_code: text(e, "ORDER_STATUS"),
            success_flag: text(e, "SUCCESS_FLAG"),
            echo: text(e, "MCHT_ORDERNO"),
            date: text(e, "ORDER_DATE"),
            time: text(e, "ORDER_TIME"),
            table: format!("{}-{}", text(e, "FLR_CODE"), text(e, "TBL_CODE")),
        })
        .collect()
}

/// What the first answer to an order carried: OBJ at all, its number and its echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckAsSent {
    pub has_obj: bool,
    pub order_no: String,
    pub echo: String,
}

pub fn ack(answer: &Answer) -> AckAsSent {
    match obj(answer).filter(|o| !o.is_null()) {
        Some(o) => {
            let ack: OrderAckObj = serde_json::from_value(o).unwrap_or_default();
            AckAsSent {
                has_obj: true,
                order_no: ack.orderno.0,
                echo: ack.mcht_orderno.0,
            }
        }
        None => AckAsSent {
            has_obj: false,
            order_no: String::new(),
            echo: String::new(),
        },
    }
}

/// A refusal's code and words, when the answer is one.
pub fn refusal(answer: &Answer) -> Option<(String, String)> {
    let v: Value = serde_json::from_slice(&answer.body).ok()?;
    let code = v.get("ERRCODE")?.as_str()?.trim().to_string();
    let msg = v.get("MSG").and_then(Value::as_str).unwrap_or_default();
    (!code.is_empty()).then(|| (code, msg.to_string()))
}

/// Values that never leave the partner: credentials, guests' phone numbers, memos and
/// card data.
const REDACTED: &[&str] = &[
    "STORE_ID",
    "SERVICE_ID",
    "MEMB_TEL",
    "ORDER_MEMO",
    "ITEM_MENO",
    "ITEM_MEMO",
    "CARD_NO",
    "AUTH_NO",
    "BEE_AUTH_NO",
    "CARD_MCHTNO",
    "TML_NO",
    "CARD_ACQHID",
    "CARD_ACSHID",
    "CRD_HID_NAME",
    "CARD_ACQ_NAME",
];

/// The answer as a document fit to keep and to put in the corpus: the call, its HTTP
/// status and its body with every private value replaced by `"REDACTED"`.
pub fn recorded(answer: &Answer) -> Value {
    fn scrub(v: &mut Value) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(scrub),
            Value::Object(fields) => {
                for (k, v) in fields.iter_mut() {
                    if REDACTED.contains(&k.as_str()) && !v.is_null() {
                        *v = Value::String("REDACTED".into());
                    } else {
                        scrub(v);
                    }
                }
            }
            _ => {}
        }
    }
    let mut body = serde_json::from_slice::<Value>(&answer.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer.body).into_owned()));
    scrub(&mut body);
    serde_json::json!({ "path": answer.path, "status": answer.status, "body": body })
}

/// What replaying a recorded answer through the readers gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub path: String,
    /// Entries in the answer's list before reading, when it has one.
    pub listed: Option<usize>,
    /// Entries the reader kept.
    pub read: usize,
    /// A refusal's code, when the answer was one.
    pub refused: Option<String>,
    /// Entries the reader could not read and skipped.
    pub skipped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("not a recorded answer: {0}")]
    NotRecorded(String),
    #[error("{path}: the reader failed: {error}")]
    Unread { path: String, error: UpstreamError },
}

/// The adapter's own name for a recorded path; refused when it names none.
fn known_path(path: &str) -> Result<&'static str, ReplayError> {
    [
        paths::TABLES,
        paths::MENU_STATE,
        paths::MENU,
        paths::TABLE_ORDERS,
        paths::STORE_ORDERS,
        paths::NEW_ORDER,
        paths::ADD_ORDER,
    ]
    .into_iter()
    .find(|p| *p == path)
    .ok_or_else(|| ReplayError::NotRecorded(format!("unknown path {path}")))
}

/// How many entries the adapter's reader for the answer's path took from it (1 for an
/// answer of one thing).
fn entries_read(
    upstream: &Upstream,
    creds: &StoreCredentials,
    answer: &Answer,
) -> Result<usize, UpstreamError> {
    Ok(match answer.path {
        paths::TABLES => tables_from_wire(upstream.decode::<TableListObj>(creds, answer)?).len(),
        paths::MENU_STATE => {
            menu_state_from_wire(upstream.decode::<MenuStateObj>(creds, answer)?);
            1
        }
        paths::MENU => {
            let menu = menu_from_wire(upstream.decode::<Vec<MenuObj>>(creds, answer)?)?;
            menu.categories.iter().map(|c| c.items.len()).sum::<usize>() + menu.staff_calls.len()
        }
        paths::TABLE_ORDERS | paths::STORE_ORDERS => {
            let list = upstream.decode::<OrderListObj>(creds, answer)?;
            inquiry_from_wire(list.order_list.0, upstream.host())
                .orders
                .orders
                .len()
        }
        _ => {
            upstream.decode::<Option<OrderAckObj>>(creds, answer)?;
            1
        }
    })
}

/// Reads a recorded answer (as `recorded` writes it) with the adapter's own readers.
pub fn replay(document: &Value) -> Result<Replayed, ReplayError> {
    let path = document["path"]
        .as_str()
        .ok_or_else(|| ReplayError::NotRecorded("no path".into()))?;
    let path = known_path(path)?;
    let answer = Answer {
        path,
        status: document["status"].as_u64().unwrap_or(200) as u16,
        body: serde_json::to_vec(&document["body"]).unwrap_or_default(),
    };
    let upstream = Upstream::with_host(
        "http://replay.invalid",
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(1),
        HostSettings::default(),
    )
    .map_err(|error| ReplayError::Unread {
        path: path.into(),
        error,
    })?;
    let creds = StoreCredentials {
        store_id: "REDACTED".into(),
        service_id: "REDACTED".into(),
    };
    let unread = |error| ReplayError::Unread {
        path: path.into(),
        error,
    };
    let skipped_before = super::skipped_entries();
    if let Some((code, _)) = refusal(&answer) {
        return match upstream.decode::<Value>(&creds, &answer) {
            Err(UpstreamError::Refused { .. }) => Ok(Replayed {
                path: path.into(),
                listed: None,
                read: 0,
                refused: Some(code),
                skipped: 0,
            }),
            Err(e) => Err(unread(e)),
            Ok(_) => Err(ReplayError::NotRecorded(format!(
                "{path}: a refusal read as success"
            ))),
        };
    }
    let read = entries_read(&upstream, &creds, &answer).map_err(unread)?;
    Ok(Replayed {
        path: path.into(),
        listed: listed(&answer),
        read,
        refused: None,
        skipped: super::skipped_entries().saturating_sub(skipped_before),
    })
}
