use crate::language::*;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

fn focused_element() -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Makes everything on the page but `modal` (and what holds it) inert: not clickable, not
/// focusable, not read. Returns what it changed, to be given back.
fn make_rest_inert(modal: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut changed = Vec::new();
    let mut keep = modal.clone();
    while let Some(parent) = keep.parent_element() {
        let mut next = parent.first_element_child();
        while let Some(el) = next {
            next = el.next_element_sibling();
            if el != keep && !el.has_attribute("inert") && el.set_attribute("inert", "").is_ok() {
                changed.push(el);
            }
        }
        if parent.tag_name().eq_ignore_ascii_case("body") {
            break;
        }
        keep = parent;
    }
    changed
}

/// A bottom sheet dialog, modal: the page behind (the host page too) is inert while it is
/// open. Focus moves to its heading when it opens and back to whatever had it when it goes
/// away, however it is closed; Escape, the ✕ and the backdrop call `on_close`.
#[component]
pub fn Sheet<T, C, Ch>(
    /// The heading's id, which names the dialog for screen readers.
    #[prop(into)]
    title_id: String,
    title: T,
    on_close: C,
    children: TypedChildren<Ch>,
) -> impl IntoView
where
    T: IntoView + 'static,
    Ch: IntoView + 'static,
    C: Fn() + Clone + Send + Sync + 'static,
{
    let children = children.into_inner();
    let i18n = use_i18n();
    let heading = NodeRef::<html::H2>::new();
    // The wasm page has one thread; the wrapper only satisfies the cleanup's Send bound.
    let opener = SendWrapper::new(focused_element());
    let modal = NodeRef::<html::Div>::new();
    let made_inert = SendWrapper::new(Rc::new(RefCell::new(Vec::<web_sys::Element>::new())));
    let give_back = made_inert.clone();
    on_cleanup(move || {
        for el in give_back.take().take() {
            let _ = el.remove_attribute("inert");
        }
        if let Some(el) = opener.take() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(m) = modal.get() {
            made_inert.borrow_mut().extend(make_rest_inert(&m));
        }
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
        <div class="to-modal" node_ref=modal>
            <div class="to-backdrop" on:click=move |_| by_backdrop()></div>
            <div
                class="to-sheet"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                on:keydown=on_key
            >
                <div class="to-sheet-head">
                    <h2 id=title_id tabindex="-1" node_ref=heading>
                        {title}
                    </h2>
                    <button
                        type="button"
                        class="to-icon-button"
                        on:click=move |_| by_button()
                        aria-label=move || t_string!(i18n, close)
                    >
                        "✕"
                    </button>
                </div>
                {children()}
            </div>
        </div>
    }
}
