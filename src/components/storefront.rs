use super::floating_layer::{FloatingLayer, Place};
use super::header::Header;
use super::menu::{CategoryHeading, CategoryTabs, MenuList};
use crate::options::WidgetOptions;
use crate::shop::Shop;
use leptos::prelude::*;
use order_core::{ClientConfig, Menu, Table};

/// One table's page: the menu's context (the cart and the order in flight are the floating
/// layer's).
#[component]
pub fn Storefront(
    options: WidgetOptions,
    config: ClientConfig,
    menu: Menu,
    table: Table,
) -> impl IntoView {
    let store_info = menu.store.clone();
    let stale = menu.stale;
    let headings: Vec<CategoryHeading> =
        menu.categories.iter().map(CategoryHeading::from).collect();
    let place = Place {
        store: options.store.clone(),
        table: options.table.clone(),
        api: options.api(),
        config,
        mode: options.mode,
        pay: options.pay.clone(),
    };
    Shop::provide(menu, config, &options.api_base);
    let aside = NodeRef::new();
    view! {
        <Header store=store_info.name open=store_info.open stale=stale table=table.name />
        <div class="to-body">
            <div class="to-main">
                <CategoryTabs tabs=headings.clone() />
                <MenuList categories=headings />
            </div>
            <div class="to-layer" node_ref=aside></div>
        </div>
        <FloatingLayer place=place aside=aside />
    }
}
