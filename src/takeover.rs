//! The widget taking over the server's drawing of a table's page, in parts.
//!
//! Taking over (hydrating) is the longest thing the page does, and a phone cannot answer a tap
//! while it runs. So it is done in steps, each a task of its own: first the page's frame (the
//! header, the banners, the floating layer's place), then each part that asked to come later
//! (`later`: the category tabs and each of the menu's sections), one task each. A part not yet taken over is marked
//! `aria-busy`, as the whole page is until the first step: a tap on it is kept by the page's
//! small script and tapped again once the part does something.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::html::node_ref::{NodeRefAttr, NodeRefAttribute};
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::IntoRender;

/// Draws `contents` into `part`'s element: now, or — while the widget is taking over the
/// server's drawing — in a task of its own after the first step, where it takes over what the
/// server drew there (`None`: draw the element without children now; they are the server's
/// until then).
pub fn later<E, V>(part: NodeRef<E>, contents: V) -> Option<V>
where
    E: leptos::html::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
    V: IntoView + 'static,
{
    #[cfg(feature = "hydrate")]
    if let Some(takeover) = use_context::<Takeover>().filter(Takeover::in_first_step) {
        takeover.schedule(part, contents);
        return None;
    }
    let _ = part;
    Some(contents)
}

/// `element` (drawn without children) with `contents` in it, drawn or taken over `later`.
pub fn with_later<E, El, V>(element: View<El>, contents: V) -> impl IntoView
where
    E: leptos::html::ElementType + 'static,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
    El: NodeRefAttribute<E, NodeRef<E>> + AddAnyAttr,
    El::Output<NodeRefAttr<E, NodeRef<E>>>: ElementChild<V> + IntoView,
    <El::Output<NodeRefAttr<E, NodeRef<E>>> as ElementChild<V>>::Output: IntoView,
    V: IntoView + IntoRender + 'static,
{
    let part = NodeRef::<E>::new();
    let element = element.into_inner().node_ref(part);
    match later(part, contents) {
        Some(contents) => Either::Left(element.child(contents)),
        None => Either::Right(element),
    }
}

#[cfg(feature = "hydrate")]
pub use taking_over::{take_over, Takeover};

#[cfg(feature = "hydrate")]
mod taking_over {
    use crate::clock;
    use leptos::prelude::*;
    use leptos::tachys::hydration::Cursor;
    use leptos::tachys::view::{PositionState, RenderHtml};
    use send_wrapper::SendWrapper;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::{JsCast, JsValue};

    const BUSY: &str = "aria-busy";

    /// One host's takeover, as the parts drawn under it see it (a context).
    #[derive(Clone)]
    pub struct Takeover(SendWrapper<Rc<Progress>>);

    /// A part's element, once drawn (`None` after its owner has gone).
    type PartElement = Box<dyn Fn() -> Option<web_sys::Element>>;

    struct Progress {
        host: web_sys::HtmlElement,
        first_step: Cell<bool>,
        /// The elements of the parts still to take over (known once the first step is done).
        waiting: Cell<Vec<PartElement>>,
    }

    /// The widget takes over the server's drawing in `host`: the first step now, the parts
    /// that come later each in a task of its own.
    pub fn take_over<V: IntoView + 'static>(
        host: web_sys::HtmlElement,
        view: impl FnOnce() -> V + 'static,
    ) {
        let takeover = Takeover(SendWrapper::new(Rc::new(Progress {
            host: host.clone(),
            first_step: Cell::new(true),
            waiting: Cell::new(Vec::new()),
        })));
        let provided = takeover.clone();
        leptos::mount::hydrate_from(host, move || {
            provide_context(provided);
            view()
        })
        .forget();
        takeover.first_step_done();
    }

    impl Takeover {
        pub(super) fn in_first_step(&self) -> bool {
            self.0.first_step.get()
        }

        /// `contents` takes over `part`'s children in a task of its own, under the current
        /// owner (its contexts; it goes when the owner does).
        pub(super) fn schedule<E, V>(&self, part: NodeRef<E>, contents: V)
        where
            E: leptos::html::ElementType + 'static,
            E::Output: JsCast + Clone + 'static,
            V: IntoView + 'static,
        {
            let Some(owner) = Owner::current() else {
                return;
            };
            // `None` once the part's owner has gone (nothing then to take over).
            let element = move || {
                part.try_get_untracked()
                    .flatten()
                    .map(|el| el.unchecked_into::<web_sys::Element>())
            };
            let mut waiting = self.0.waiting.take();
            waiting.push(Box::new(element));
            self.0.waiting.set(waiting);
            clock::in_next_task(move || {
                if let Some(el) = element() {
                    owner.with(|| {
                        let cursor = Cursor::new(el.clone());
                        let state = contents
                            .into_view()
                            .hydrate::<true>(&cursor, &PositionState::default());
                        let kept = SendWrapper::new(state);
                        Owner::on_cleanup(move || drop(kept.take()));
                    });
                    let _ = el.remove_attribute(BUSY);
                }
                replay_early_tap();
            });
        }

        /// The frame is taken over: the parts still to come are marked busy instead of the
        /// whole page.
        fn first_step_done(&self) {
            self.0.first_step.set(false);
            for element in self.0.waiting.take() {
                if let Some(el) = element() {
                    let _ = el.set_attribute(BUSY, "true");
                }
            }
            let _ = self.0.host.remove_attribute(BUSY);
            replay_early_tap();
        }
    }

    /// The button a guest tapped on the server's drawing before it was taken over (kept by the
    /// page's own small script), tapped again once the part it is in does something.
    fn replay_early_tap() {
        let Some(window) = web_sys::window() else {
            return;
        };
        let key = JsValue::from_str("tableorderEarlyTap");
        let tapped = js_sys::Reflect::get(&window, &key)
            .ok()
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
        let Some(button) = tapped else { return };
        if !button.is_connected() {
            let _ = js_sys::Reflect::delete_property(&window, &key);
        } else if button.closest("[aria-busy]").ok().flatten().is_none() {
            let _ = js_sys::Reflect::delete_property(&window, &key);
            button.click();
        }
    }
}
