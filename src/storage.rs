//! What survives a reload: the cart and the order in flight, per store and table.

use serde::de::DeserializeOwned;
use serde::Serialize;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// A key under one store and table: two tables in one browser never mix.
pub fn key(store: &str, table: &str, what: &str) -> String {
    format!("tableorder:{store}:{table}:{what}")
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = local_storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Private browsing or a full quota: the page still works, it just forgets on reload.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(raw)) = (local_storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &raw);
    }
}

pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}
