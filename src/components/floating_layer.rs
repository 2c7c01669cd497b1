use super::cart::{CartAside, CartBar, CartSheet};
use super::history::HistorySheet;
use super::item_sheet::ItemSheet;
use super::later::{draw_when_fetched, CodeNotFetched, FetchingAgain, Spot};
use super::staff_call::StaffCallSheet;
use super::status_panel::StatusPanel;
use crate::api::Api;
use crate::guest_cart::GuestCart;
use crate::ordering::Ordering;
use leptos::html;
use leptos::prelude::*;
use order_core::flow::PayMode;
use order_core::ClientConfig;

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
/// order desk and the guest's cart behind them, and on a wide screen the cart beside the menu
/// (drawn into `aside`). None of it is in the server's drawing, and none of it is needed to
/// read the menu, so the browser draws it once the page is its own. In the built widget its
/// code is a module of its own, fetched after the page's: the menu can be read before it
/// comes, and an item tapped meanwhile opens its sheet once it has come. A fetch that fails
/// is tried again, and the guest is told meanwhile; the cart is kept in the browser and comes
/// back with the layer.
#[component]
pub fn FloatingLayer(place: Place, aside: NodeRef<html::Div>) -> impl IntoView {
    let host = NodeRef::<html::Div>::new();
    let retrying = RwSignal::new(false);
    Effect::new(move |_| {
        let (Some(host), Some(aside)) = (host.get(), aside.get()) else {
            return;
        };
        let (Some(spot), Some(aside)) = (Spot::here(host.into()), Spot::here(aside.into())) else {
            return;
        };
        let layer = Layer {
            spot,
            aside,
            place: place.clone(),
        };
        // From a task of its own: the page's first step (which runs this effect) ends
        // sooner, and the layer's code is not needed before the menu can be read.
        crate::clock::in_next_task(move || {
            draw_when_fetched(layer.spot.clone(), retrying, move || {
                draw_layer(layer.clone())
            });
        });
    });
    view! {
        <div class="to-layer" node_ref=host>
            <FetchingAgain retrying=retrying />
        </div>
    }
}

/// All that `draw_layer` needs, in one value: a split-off function takes concrete types.
#[derive(Clone)]
pub struct Layer {
    spot: Spot,
    aside: Spot,
    place: Place,
}

/// Provides the order desk and the guest's cart, and draws the layer. With the `split`
/// feature this is where the wasm is cut: the function and all that only it uses go to a
/// module of their own, and calling it fetches that module first (`Err` if the fetch fails).
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(
        floating_layer,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_layer_code)
    )
)]
pub(super) fn draw_layer(layer: Layer) -> Result<(), CodeNotFetched> {
    let Layer {
        spot,
        aside,
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
    if spot.is_gone() {
        return Ok(());
    }
    spot.with(|| {
        GuestCart::provide(&store, &table);
        Ordering::provide(api.clone(), store.clone(), table.clone(), config, mode, pay);
    });
    aside.draw(|| view! { <CartAside /> });
    spot.draw(move || {
        view! {
            <CartBar />
            <ItemSheet />
            <CartSheet />
            <HistorySheet store=store.clone() table=table.clone() api=api.clone() />
            <StaffCallSheet store=store table=table api=api />
            <StatusPanel />
        }
    });
    Ok(())
}
