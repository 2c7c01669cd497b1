//! `/admin`: the restaurant owner's page. Signs in with the admin token (kept by the server
//! as an HttpOnly session cookie, never by this page), then shows the store's status, its
//! menu with the store's own photos, texts and sold-out marks, its tables and their codes,
//! its tablets, today's orders and the staff PIN.
//!
//! It runs in the browser only; a native build of the workspace compiles it empty.

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod fields;
#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod menu;
#[cfg(target_arch = "wasm32")]
mod orders;
#[cfg(target_arch = "wasm32")]
mod session;
#[cfg(target_arch = "wasm32")]
mod store;
#[cfg(target_arch = "wasm32")]
mod trust;

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(app::App);
    }
}
