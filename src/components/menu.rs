use crate::i18n::*;
use crate::money::won;
use leptos::prelude::*;
use order_core::{Category, Item};

fn section_id(category: &Category) -> String {
    format!("to-cat-{}", category.id)
}

/// Category tabs that scroll the list to their section.
#[component]
pub fn CategoryTabs(categories: Vec<Category>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="to-tabs" aria-label=move || t_string!(i18n, menu_categories).to_string()>
            {categories
                .into_iter()
                .map(|c| {
                    let target = section_id(&c);
                    let scroll = move |_| {
                        let el = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|d| d.get_element_by_id(&target));
                        if let Some(el) = el {
                            el.scroll_into_view();
                        }
                    };
                    view! { <button type="button" class="to-tab" on:click=scroll>{c.name}</button> }
                })
                .collect_view()}
        </nav>
    }
}

/// The menu, one section per category.
#[component]
pub fn MenuList(categories: Vec<Category>) -> impl IntoView {
    view! {
        <main class="to-menu">
            {categories
                .into_iter()
                .map(|c| {
                    let id = section_id(&c);
                    let label = c.name.clone();
                    view! {
                        <section class="to-category" id=id aria-label=label>
                            <h2 class="to-category-name">{c.name}</h2>
                            <ul class="to-items">
                                {c.items.into_iter().map(|item| view! { <ItemRow item=item/> }).collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </main>
    }
}

/// One item: a button that opens its sheet, or a plain row when sold out.
#[component]
fn ItemRow(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_context::<crate::shop::Shop>();
    let class = if item.sold_out {
        "to-item to-sold-out"
    } else {
        "to-item"
    };
    let sold_out = item.sold_out;
    let amount = item.price;
    let price = move || won(i18n.get_locale(), amount);
    let name = item.name.clone();
    let open = move |_| {
        if let Some(shop) = shop {
            shop.sheet.set(Some(item.clone()));
        }
    };
    view! {
        <li class=class>
            <button type="button" class="to-item-button" disabled=sold_out on:click=open>
                <span class="to-item-name">{name}</span>
                <span class="to-item-price">{price}</span>
                {sold_out.then(|| view! { <span class="to-badge">{t!(i18n, sold_out)}</span> })}
            </button>
        </li>
    }
}
