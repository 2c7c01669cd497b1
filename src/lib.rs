//! The tableorder widget: what a guest sees after scanning the table's QR code.
//!
//! A Leptos client-side app. It executes what `order-core` decides; it holds no flow logic.

// Translations from locales/*.json, checked at compile time (keys and interpolations).
#[allow(deprecated)]
mod locales {
    leptos_i18n::load_locales!();
}
pub use locales::i18n;

pub mod api;
pub mod clock;
pub mod components;
pub mod guest_cart;
pub mod language;
pub mod money;
pub mod names;
pub mod options;
pub mod ordering;
pub mod page_data;
pub mod payment;
pub mod shop;
pub mod storage;
pub mod takeover;

use leptos::prelude::*;
use options::WidgetOptions;
use wasm_bindgen::prelude::*;

/// Draws the widget into `element` with the given options and whatever the page carried.
fn mount_with(
    element: web_sys::HtmlElement,
    options: Result<WidgetOptions, options::OptionsError>,
    boot: components::Boot,
) {
    leptos::mount::mount_to(
        element,
        move || view! { <components::Widget options=options boot=boot /> },
    )
    .forget();
}

/// Boots the page: every `[data-tableorder]` element gets a widget configured by its
/// `data-*` attributes, falling back to the page's query string (the QR code's URL). Where
/// the server already drew the table's page from the data the page carries, the widget
/// takes over those elements (hydrates) instead of drawing them again.
///
/// Starting the wasm, reading the page's data and taking over are tasks of their own (a phone
/// answers a tap between them; the page's script keeps a tap on the server's drawing).
#[cfg(feature = "hydrate")]
pub fn boot() {
    clock::in_next_task(boot_hosts);
}

#[cfg(feature = "hydrate")]
fn boot_hosts() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let hosts = document.query_selector_all("[data-tableorder]").ok();
    let count = hosts.as_ref().map(|h| h.length()).unwrap_or(0);
    for i in 0..count {
        let host = hosts
            .as_ref()
            .and_then(|h| h.item(i))
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
        let Some(host) = host else { continue };
        let options = WidgetOptions::from_dataset_and_query(&host.dataset(), &query);
        let boot = options
            .as_ref()
            .map(components::take_boot)
            .unwrap_or_default();
        if boot.is_complete() && host.first_element_child().is_some() {
            clock::in_next_task(move || take_over(host, options, boot));
        } else {
            // Whatever the page held (a server page that could not be drawn) goes.
            host.set_inner_html("");
            mount_with(host, options, boot);
        }
    }
}

/// The widget takes over the server's drawing in `host`.
#[cfg(feature = "hydrate")]
fn take_over(
    host: web_sys::HtmlElement,
    options: Result<WidgetOptions, options::OptionsError>,
    boot: components::Boot,
) {
    takeover::take_over(
        host,
        move || view! { <components::Widget options=options boot=boot /> },
    );
}

/// For partner pages: `mount(element, {store, table, apiBase, lang, mode})`.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) {
    mount_with(
        element,
        WidgetOptions::from_js(&options),
        components::Boot::default(),
    );
}
