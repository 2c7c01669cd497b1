//! The host page's payment, for prepaid tablets: the widget calls the page's
//! `pay({amount, clientOrderId, lines})` and reads the Promise's answer as approvals.
//! All of the JavaScript on that border is here.

use js_sys::{Array, Object, Promise, Reflect, JSON};
use order_core::{Approval, OrderLine, Won};
use wasm_bindgen::{JsCast, JsValue};

/// What the host page's payment came to.
pub enum HostAnswer {
    Approved(Vec<Approval>),
    /// The Promise was rejected (or `pay` threw): no money was taken.
    Declined(String),
    /// Fulfilled, but not with an approval: the money may have been taken.
    Unreadable(String),
}

/// Calls the host page's `pay` and waits for its answer.
pub async fn ask_host(
    pay: &js_sys::Function,
    client_order_id: &str,
    amount: Won,
    lines: &[OrderLine],
) -> HostAnswer {
    let request = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&request, &k.into(), &v);
    };
    set("amount", (amount.0 as f64).into());
    set("clientOrderId", client_order_id.into());
    set("lines", to_js(&lines).unwrap_or(JsValue::NULL));
    let promise = match pay.call1(&JsValue::NULL, &request) {
        Ok(v) => Promise::resolve(&v),
        Err(e) => return HostAnswer::Declined(e.as_string().unwrap_or_default()),
    };
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Err(e) => HostAnswer::Declined(reason(&e)),
        Ok(v) => match approvals_from_js(&v) {
            Ok(approvals) => HostAnswer::Approved(approvals),
            Err(message) => HostAnswer::Unreadable(message),
        },
    }
}

fn to_js(value: &impl serde::Serialize) -> Option<JsValue> {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| JSON::parse(&json).ok())
}

/// A rejection's words: a string, or an `Error`'s message.
fn reason(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_default()
}

/// An approval, or a list of them for a split payment, as the host page resolves it. Read
/// leniently; whatever else the terminal said is kept in `extra` for the record.
fn approvals_from_js(value: &JsValue) -> Result<Vec<Approval>, String> {
    let text = |v: &JsValue| JSON::stringify(v).ok().and_then(|s| s.as_string());
    let entries: Vec<JsValue> = if Array::is_array(value) {
        Array::from(value).iter().collect()
    } else {
        vec![value.clone()]
    };
    let mut approvals = Vec::with_capacity(entries.len());
    for entry in entries {
        let json = text(&entry).ok_or("the payment answered nothing")?;
        let mut approval: Approval = serde_json::from_str(&json)
            .map_err(|e| format!("the payment's answer is not an approval: {e}"))?;
        // What this page does not know is kept as the terminal said it.
        let known = to_js(&approval).unwrap_or_default();
        if let Some(fields) = entry.dyn_ref::<Object>() {
            for key in Object::keys(fields).iter() {
                let unknown = !Reflect::has(&known, &key).unwrap_or(true);
                let value = Reflect::get(fields, &key).ok();
                if let (true, Some(name), Some(said)) =
                    (unknown, key.as_string(), value.as_ref().and_then(text))
                {
                    approval.extra.insert(name, said);
                }
            }
        }
        approvals.push(approval);
    }
    if approvals.is_empty() {
        return Err("the payment answered no approval".into());
    }
    Ok(approvals)
}
