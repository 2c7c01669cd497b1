//! What survives a reload: the cart and the order in flight, per store and table.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Rendered on the server, a page has nothing kept: it shows what a first visit shows.
#[cfg(not(target_arch = "wasm32"))]
fn local_storage() -> Option<web_sys::Storage> {
    None
}

/// A key under one store and table: two tables in one browser never mix.
pub fn key(store: &str, table: &str, what: &str) -> String {
    format!("tableorder:{store}:{table}:{what}")
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = local_storage()?.get_item(key).ok().flatten()?;
    decode(&raw)
}

/// The shape of what is kept: a build that changes it raises this and reads the older ones,
/// so an order in flight survives an upgrade of the page.
const KEPT_VERSION: u32 = 2;

#[derive(serde::Serialize)]
struct KeptOut<'a, T> {
    version: u32,
    kept: &'a T,
}

#[derive(serde::Deserialize)]
struct KeptIn<T> {
    version: u32,
    kept: T,
}

fn encode<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(&KeptOut {
        version: KEPT_VERSION,
        kept: value,
    })
    .ok()
}

/// What was kept, by this build or an earlier one; nothing from a later one (a page that
/// went back a version starts afresh rather than misread it).
fn decode<T: DeserializeOwned>(raw: &str) -> Option<T> {
    match serde_json::from_str::<KeptIn<T>>(raw) {
        Ok(kept) => (kept.version <= KEPT_VERSION).then_some(kept.kept),
        // Version 1, as the first builds kept it: the value itself.
        Err(_) => serde_json::from_str(raw).ok(),
    }
}

/// A kept string, in the same JSON as `load`'s, read and written by the browser's `JSON`: the
/// page's first load keeps one (the table link's token) and has no JSON code of its own for it.
pub fn load_string(key: &str) -> Option<String> {
    let raw = local_storage()?.get_item(key).ok().flatten()?;
    let value = js_sys::JSON::parse(&raw).ok()?;
    // A string kept as it is, or one `save` kept with its version.
    value.as_string().or_else(|| {
        js_sys::Reflect::get(&value, &wasm_bindgen::JsValue::from_str("kept"))
            .ok()?
            .as_string()
    })
}

pub fn save_string(key: &str, value: &str) {
    let Some(storage) = local_storage() else {
        return;
    };
    let json = js_sys::JSON::stringify(&wasm_bindgen::JsValue::from_str(value));
    if let Some(json) = json.ok().and_then(|j| j.as_string()) {
        let _ = storage.set_item(key, &json);
    }
}

/// Private browsing or a full quota: the page still works, it just forgets on reload.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Some(raw)) = (local_storage(), encode(value)) {
        let _ = storage.set_item(key, &raw);
    }
}

/// The most of its own orders a phone names when it asks for the table's (as the server
/// reads at most).
const MINE_KEPT: usize = 20;

/// Notes an order (or staff call) as placed from this phone, before it is sent: the table's
/// history then tells it from what others at the table ordered.
pub fn note_mine(store: &str, table: &str, client_order_id: &str) {
    let key = key(store, table, "mine");
    let mut ids: Vec<String> = load(&key).unwrap_or_default();
    if ids.iter().any(|id| id == client_order_id) {
        return;
    }
    ids.push(client_order_id.to_string());
    let over = ids.len().saturating_sub(MINE_KEPT);
    ids.drain(..over);
    save(&key, &ids);
}

/// This phone's own orders at the table, newest last, comma-separated.
pub fn mine(store: &str, table: &str) -> String {
    load::<Vec<String>>(&key(store, table, "mine"))
        .unwrap_or_default()
        .join(",")
}

pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Runs `restore` (what brings back kept state into signals) now, or, while the widget takes
/// over a page the server drew, right after: the server knew nothing kept, so the first draw
/// must be its draw, and what was kept shows a moment later.
pub fn restore_kept(restore: impl FnOnce() + 'static) {
    let taking_over = Owner::current_shared_context().is_some_and(|c| c.during_hydration());
    if taking_over {
        let mut restore = Some(restore);
        Effect::new(move |_| {
            if let Some(restore) = restore.take() {
                untrack(restore);
            }
        });
    } else {
        restore();
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use order_core::cart::{Cart, CartLine};
    use order_core::flow::Submission;

    /// An order in flight and a cart as the build before versioned storage kept them.
    const KEPT_BY_VERSION_1: &str = r#"{"client_order_id":"kept-order-0001","lines":[{"itemId":"I0201","count":2,"options":[]}],"memo":"덜 맵게","total":32000,"mode":"postpaid","config":{"pollIntervalMs":5000,"acceptWindowMs":60000,"occupiedRetryMs":10000,"maxOccupiedRetries":6},"stage":"sending","approvals":[],"pending":{"Inquiry":1},"next_ticket":1,"wake_at":null,"unsure_since":null,"last_send_at":null,"absent_at":null,"settle_to":null,"occupied_retries":0,"unanswered":0,"conflicts":0}"#;
    const CART_BY_VERSION_1: &str =
        r#"{"lines":[{"item_id":"I0201","options":[],"count":2,"memo":""}],"memo":"덜 맵게"}"#;

    #[test]
    fn what_an_earlier_build_kept_is_read_after_an_upgrade() {
        let order: Submission = decode(KEPT_BY_VERSION_1).expect("the kept order");
        assert_eq!(order.client_order_id(), "kept-order-0001");
        let again: Submission = decode(&encode(&order).unwrap()).unwrap();
        assert_eq!(again, order, "kept now, read back the same");
        let cart: Cart = decode(CART_BY_VERSION_1).expect("the kept cart");
        assert_eq!(
            cart.lines,
            [CartLine {
                item_id: "I0201".into(),
                options: vec![],
                count: 2,
                memo: String::new()
            }]
        );
        // A later build's shape is not misread.
        let later = r#"{"version": 99, "kept": {"lines": [], "memo": ""}}"#;
        assert!(decode::<Cart>(later).is_none());
    }
}
