use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

fn focused_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// A bottom sheet dialog. Focus moves to its heading when it opens and back to whatever had
/// it when it goes away, however it is closed; Escape, the ✕ and the backdrop call `on_close`.
#[component]
pub fn Sheet<T, C>(
    /// The heading's id, which names the dialog for screen readers.
    #[prop(into)]
    title_id: String,
    title: T,
    on_close: C,
    children: Children,
) -> impl IntoView
where
    T: IntoView + 'static,
    C: Fn() + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let heading = NodeRef::<html::H2>::new();
    // The wasm page has one thread; the wrapper only satisfies the cleanup's Send bound.
    let opener = SendWrapper::new(focused_element());
    on_cleanup(move || {
        if let Some(el) = opener.take() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let (by_backdrop, by_button, by_key) = (on_close.clone(), on_close.clone(), on_close);
    let labelled_by = title_id.clone();
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            by_key();
        }
    };
    view! {
        <div class="to-backdrop" on:click=move |_| by_backdrop()></div>
        <div class="to-sheet" role="dialog" aria-modal="true" aria-labelledby=labelled_by on:keydown=on_key>
            <div class="to-sheet-head">
                <h2 id=title_id tabindex="-1" node_ref=heading>{title}</h2>
                <button type="button" class="to-icon-button" on:click=move |_| by_button()
                    aria-label=move || t_string!(i18n, close)>"✕"</button>
            </div>
            {children()}
        </div>
    }
}
