//! What every part of the page shares for one table: the menu, the cart, what is open.

use crate::i18n::{use_i18n, Locale};
use crate::storage;
use leptos::prelude::*;
use order_core::cart::{Cart, PricedCart};
use order_core::{ClientConfig, Item, Menu};

#[derive(Clone, Copy)]
pub struct Shop {
    pub menu: StoredValue<Menu>,
    pub cart: RwSignal<Cart>,
    /// The cart priced from the menu, once for every part of the page that shows an amount:
    /// each line's (or why it cannot be ordered), and the order's.
    pub priced: Memo<PricedCart>,
    /// The item whose sheet is open.
    pub sheet: RwSignal<Option<Item>>,
    pub cart_open: RwSignal<bool>,
    pub history_open: RwSignal<bool>,
    pub staff_call_open: RwSignal<bool>,
    pub config: ClientConfig,
    /// Where photos are served from: the API's origin (empty: this page's).
    pub api_base: StoredValue<String>,
    /// Some item has a photo: rows without one get a placeholder, so the list lines up.
    pub has_photos: bool,
    /// The guest's language. Names and prices read it here, so they are redrawn only when it
    /// changes: the translations' own signal is set again, to the same language, as the page
    /// starts.
    pub locale: Memo<Locale>,
}

impl Shop {
    /// The cart comes back from the last visit to this table, and is saved on every change.
    pub fn provide(
        menu: Menu,
        store: &str,
        table: &str,
        config: ClientConfig,
        api_base: &str,
    ) -> Shop {
        let key = storage::key(store, table, "cart");
        let has_photos = menu.items().any(|i| i.photo.is_some());
        let menu = StoredValue::new(menu);
        let cart = RwSignal::new(Cart::default());
        let i18n = use_i18n();
        let shop = Shop {
            locale: Memo::new(move |_| i18n.get_locale()),
            api_base: StoredValue::new(api_base.to_string()),
            has_photos,
            menu,
            cart,
            priced: Memo::new(move |_| cart.with(|c| menu.with_value(|m| c.price(m)))),
            sheet: RwSignal::new(None),
            cart_open: RwSignal::new(false),
            history_open: RwSignal::new(false),
            staff_call_open: RwSignal::new(false),
            config,
        };
        let kept = key.clone();
        storage::restore_kept(move || {
            let mut cart: Cart = storage::load(&kept).unwrap_or_default();
            // Lines for items no longer on the menu cannot be ordered; keep the rest.
            shop.menu
                .with_value(|m| cart.lines.retain(|l| m.item(&l.item_id).is_some()));
            shop.cart.set(cart);
        });
        // Saved on each change after the first draw (which holds what is already saved).
        Effect::new(move |drawn: Option<()>| {
            shop.cart.with(|c| {
                if drawn.is_some() {
                    storage::save(&key, c)
                }
            })
        });
        provide_context(shop);
        shop
    }
}

pub fn use_shop() -> Shop {
    expect_context::<Shop>()
}
