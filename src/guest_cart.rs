//! The guest's cart at one table: kept across reloads, priced once for every part that shows
//! an amount. Only the floating layer (the cart's bar, sheet and aside, the item sheet, the
//! order's status) uses it, so the layer provides it.

use crate::shop::use_shop;
use crate::storage;
use leptos::prelude::*;
use order_core::cart::{Cart, PricedCart};

#[derive(Clone, Copy)]
pub struct GuestCart {
    pub cart: RwSignal<Cart>,
    /// The cart priced from the menu: each line's amount (or why it cannot be ordered), and
    /// the order's.
    pub priced: Memo<PricedCart>,
}

impl GuestCart {
    /// The cart comes back from the last visit to this table, and is saved on every change.
    pub fn provide(store: &str, table: &str) -> GuestCart {
        let menu = use_shop().menu;
        let key = storage::key(store, table, "cart");
        let cart = RwSignal::new(Cart::default());
        let guest = GuestCart {
            cart,
            priced: Memo::new(move |_| cart.with(|c| menu.with_value(|m| c.price(m)))),
        };
        let kept = key.clone();
        storage::restore_kept(move || {
            let mut cart: Cart = storage::load(&kept).unwrap_or_default();
            // Lines for items no longer on the menu cannot be ordered; keep the rest.
            menu.with_value(|m| cart.lines.retain(|l| m.item(&l.item_id).is_some()));
            guest.cart.set(cart);
        });
        // Saved on each change after the first draw (which holds what is already saved).
        Effect::new(move |drawn: Option<()>| {
            guest.cart.with(|c| {
                if drawn.is_some() {
                    storage::save(&key, c)
                }
            })
        });
        provide_context(guest);
        guest
    }
}

pub fn use_guest_cart() -> GuestCart {
    expect_context::<GuestCart>()
}
