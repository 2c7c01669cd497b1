use super::{CartAside, CartBar, CartSheet, HistorySheet, ItemSheet, StaffCallSheet, StatusPanel};
use crate::api::Api;
use crate::guest_cart::GuestCart;
use crate::i18n::*;
use crate::ordering::Ordering;
use leptos::html;
use leptos::prelude::*;
use order_core::flow::PayMode;
use order_core::ClientConfig;
use send_wrapper::SendWrapper;
use std::sync::atomic::{AtomicBool, Ordering as MemoryOrdering};
use std::sync::Arc;

/// The table, and how its orders are placed and paid.
#[derive(Clone)]
pub struct Place {
    pub store: String,
    pub table: String,
    pub api: Api,
    pub config: ClientConfig,
    pub mode: PayMode,
    /// The host page's payment (prepaid).
    pub pay: Option<js_sys::Function>,
}

/// What floats over the menu: the cart bar, the sheets and the order's status, with the
/// order desk behind them, and on a wide screen the cart beside the menu (drawn into `aside`).
/// None of it is in the server's drawing, and none of it is needed to read the menu, so the
/// browser draws it once the page is its own. In the built widget its code is a module of its
/// own, fetched after the page's: the menu can be read before it comes, and an item tapped
/// meanwhile opens its sheet once it has come. A fetch that fails is tried again, and the
/// guest is told meanwhile; the cart is kept in the browser and comes back with the layer.
#[component]
pub fn FloatingLayer(place: Place, aside: NodeRef<html::Div>) -> impl IntoView {
    let i18n = use_i18n();
    let host = NodeRef::<html::Div>::new();
    let retrying = RwSignal::new(false);
    Effect::new(move |_| {
        let (Some(host), Some(aside), Some(owner)) = (host.get(), aside.get(), Owner::current())
        else {
            return;
        };
        // The page can go before the code arrives; then nothing is drawn.
        let gone = Arc::new(AtomicBool::new(false));
        let on_gone = gone.clone();
        Owner::on_cleanup(move || on_gone.store(true, MemoryOrdering::Relaxed));
        let layer = Layer {
            host: SendWrapper::new(host.into()),
            aside: SendWrapper::new(aside.into()),
            owner,
            gone,
            place: place.clone(),
        };
        #[cfg(feature = "split")]
        leptos::task::spawn_local(draw_until_drawn(layer, retrying));
        #[cfg(not(feature = "split"))]
        {
            // Drawn at once: only the split build has code to fetch.
            let _ = (retrying, draw_layer(layer));
        }
    });
    view! {
        <div class="to-layer" node_ref=host>
            <Show when=move || retrying.get()>
                <p class="to-layer-retry" role="status">
                    {t!(i18n, layer_retry)}
                </p>
            </Show>
        </div>
    }
}

/// Fetches the layer's code and draws it; after a failed fetch, again, waiting longer each
/// time (up to 15 s), for as long as the page is there.
#[cfg(feature = "split")]
async fn draw_until_drawn(layer: Layer, retrying: RwSignal<bool>) {
    let mut wait_ms = 1_000;
    while draw_layer(layer.clone()).await.is_err() {
        retrying.set(true);
        sleep(wait_ms).await;
        if layer.gone.load(MemoryOrdering::Relaxed) {
            return;
        }
        wait_ms = (wait_ms * 2).min(15_000);
    }
    retrying.set(false);
}

#[cfg(feature = "split")]
async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |done, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&done, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}

/// All that `draw_layer` needs, in one value: a split-off function takes concrete types.
#[derive(Clone)]
pub struct Layer {
    host: SendWrapper<web_sys::HtmlElement>,
    aside: SendWrapper<web_sys::HtmlElement>,
    owner: Owner,
    gone: Arc<AtomicBool>,
    place: Place,
}

/// The layer's code could not be fetched.
#[derive(Debug, thiserror::Error)]
#[error("the floating layer's code could not be fetched")]
pub struct LayerNotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for LayerNotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LayerNotLoaded
    }
}

/// Draws the layer into its host under the page's owner: the page's contexts reach it, and
/// it goes when the page does. With the `split` feature this is where the wasm is cut: the
/// function and all that only it uses go to their own module, and calling it fetches that
/// module first (`Err` when the fetch fails).
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(floating_layer, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn draw_layer(layer: Layer) -> Result<(), LayerNotLoaded> {
    let Layer {
        host,
        aside,
        owner,
        gone,
        place:
            Place {
                store,
                table,
                api,
                config,
                mode,
                pay,
            },
    } = layer;
    if gone.load(MemoryOrdering::Relaxed) {
        return Ok(());
    }
    owner.with(move || {
        GuestCart::provide(&store, &table);
        Ordering::provide(api.clone(), store.clone(), table.clone(), config, mode, pay);
        let aside = SendWrapper::new(leptos::mount::mount_to(aside.take(), || {
            view! { <CartAside /> }
        }));
        let drawn = SendWrapper::new(leptos::mount::mount_to(host.take(), move || {
            untrack(move || {
                view! {
                    <CartBar />
                    <ItemSheet />
                    <CartSheet />
                    <HistorySheet store=store.clone() table=table.clone() api=api.clone() />
                    <StaffCallSheet store=store table=table api=api />
                    <StatusPanel />
                }
            })
        }));
        Owner::on_cleanup(move || {
            drop(drawn.take());
            drop(aside.take());
        });
    });
    Ok(())
}
