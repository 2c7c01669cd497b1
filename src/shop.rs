//! What every part of the page shares for one table: the menu, what is open.

use crate::language::{use_i18n, Locale};
use leptos::prelude::*;
use order_core::{ClientConfig, Item, Menu};

#[derive(Clone, Copy)]
pub struct Shop {
    pub menu: StoredValue<Menu>,
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
    /// The guest's language, for names and prices.
    pub locale: ReadSignal<Locale>,
}

impl Shop {
    pub fn provide(menu: Menu, config: ClientConfig, api_base: &str) -> Shop {
        let has_photos = menu.items().any(|i| i.photo.is_some());
        let menu = StoredValue::new(menu);
        let shop = Shop {
            locale: use_i18n().locale(),
            api_base: StoredValue::new(api_base.to_string()),
            has_photos,
            menu,
            sheet: RwSignal::new(None),
            cart_open: RwSignal::new(false),
            history_open: RwSignal::new(false),
            staff_call_open: RwSignal::new(false),
            config,
        };
        provide_context(shop);
        shop
    }
}

pub fn use_shop() -> Shop {
    expect_context::<Shop>()
}
