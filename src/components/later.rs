//! Parts of the widget whose code, in the built widget (the `split` feature), is a wasm module
//! of its own, fetched when the part is first drawn: the floating layer, and the page that
//! loads a store front the page did not carry. Each is drawn into an empty element of the
//! page (a `Spot`) by a function that `tools/split-wasm.mjs` cuts off the page's wasm.

use crate::language::*;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where a part is drawn: an element, under the owner of the component that holds it (its
/// contexts reach the part, and the part goes with it).
#[derive(Clone)]
pub struct Spot {
    host: SendWrapper<web_sys::HtmlElement>,
    owner: Owner,
    gone: Arc<AtomicBool>,
}

impl Spot {
    /// The spot at `host`, made inside an effect of the component that holds it.
    pub fn here(host: web_sys::HtmlElement) -> Option<Spot> {
        let owner = Owner::current()?;
        let gone = Arc::new(AtomicBool::new(false));
        let on_gone = gone.clone();
        Owner::on_cleanup(move || on_gone.store(true, Ordering::Relaxed));
        Some(Spot {
            host: SendWrapper::new(host),
            owner,
            gone,
        })
    }

    /// The component went before the code came: nothing is to be drawn.
    pub fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Relaxed)
    }

    /// Runs `f` under the spot's owner (to provide contexts for what is drawn there).
    pub fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        self.owner.with(f)
    }

    /// Draws `view` into the spot, in a task of its own: the part's code starts in one task,
    /// and each spot draws in the next (a phone answers a tap between them).
    pub fn draw<V: IntoView + 'static>(self, view: impl FnOnce() -> V + 'static) {
        crate::clock::in_next_task(move || {
            if self.is_gone() {
                return;
            }
            let Spot { host, owner, .. } = self;
            owner.with(move || {
                let drawn =
                    SendWrapper::new(leptos::mount::mount_to(host.take(), move || untrack(view)));
                Owner::on_cleanup(move || drop(drawn.take()));
            });
        });
    }
}

/// A part's code could not be fetched.
#[derive(Debug, thiserror::Error)]
#[error("the code of a part of the page could not be fetched")]
pub struct CodeNotFetched;

impl From<leptos::wasm_split::SplitLoaderError> for CodeNotFetched {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        CodeNotFetched
    }
}

/// Runs `draw` (which fetches a part's code, then draws it into `spot`) until the code has
/// come: after a failed fetch, again, waiting longer each time (up to 15 s), for as long as
/// the spot's component is there. `retrying` is true from the first failure until the part
/// is drawn.
#[cfg(feature = "split")]
pub fn draw_when_fetched<F, Fut>(spot: Spot, retrying: RwSignal<bool>, draw: F)
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<(), CodeNotFetched>>,
{
    leptos::task::spawn_local(async move {
        let mut wait_ms = 1_000;
        while draw().await.is_err() {
            retrying.set(true);
            crate::clock::sleep(wait_ms).await;
            if spot.is_gone() {
                return;
            }
            wait_ms = (wait_ms * 2).min(15_000);
        }
        retrying.set(false);
    });
}

/// Without the `split` feature every part's code is the page's own: `draw` draws at once, and
/// nothing is ever retried.
#[cfg(not(feature = "split"))]
pub fn draw_when_fetched<F>(_spot: Spot, _retrying: RwSignal<bool>, draw: F)
where
    F: Fn() -> Result<(), CodeNotFetched>,
{
    // Nothing to fetch, so nothing can fail.
    let _ = draw();
}

/// Said while a part's code is fetched again after a failure.
#[component]
pub fn FetchingAgain(retrying: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || retrying.get()>
            <p class="to-layer-retry" role="status">
                {t!(i18n, layer_retry)}
            </p>
        </Show>
    }
}
