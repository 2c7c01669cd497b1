use crate::language::*;
use crate::money::won;
use crate::names::{korean_beside, photo_sources, shown_description, shown_name};
use crate::shop::use_shop;
use crate::takeover::with_later;
use leptos::either::*;
use leptos::prelude::*;
use order_core::{Category, Item};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

fn section_id(category: &Category) -> String {
    format!("to-cat-{}", category.id)
}

/// A category as the tabs and the list name it: its name, and where its section is. Its
/// items stay in the shop's menu until its section is drawn.
#[derive(Clone)]
pub struct CategoryHeading {
    section_id: String,
    name: String,
}

impl From<&Category> for CategoryHeading {
    fn from(category: &Category) -> CategoryHeading {
        CategoryHeading {
            section_id: section_id(category),
            name: category.name.clone(),
        }
    }
}

/// Category tabs that scroll the list to their section, and follow the scroll: the tab of
/// the section under them is marked and kept in view.
#[component]
pub fn CategoryTabs(tabs: Vec<CategoryHeading>) -> impl IntoView {
    let i18n = use_i18n();
    let active = RwSignal::new(0usize);
    let nav = NodeRef::<leptos::html::Nav>::new();
    let ids: Vec<String> = tabs.iter().map(|t| t.section_id.clone()).collect();
    let document = || web_sys::window().and_then(|w| w.document());
    let on_scroll = move |_| {
        let Some(document) = document() else { return };
        // The last section whose top has passed under the sticky tabs.
        let current = ids
            .iter()
            .rposition(|id| {
                document
                    .get_element_by_id(id)
                    .is_some_and(|el| el.get_bounding_client_rect().top() <= 80.0)
            })
            .unwrap_or(0);
        if active.get_untracked() != current {
            active.set(current);
        }
    };
    let listener = SendWrapper::new(window_event_listener(leptos::ev::scroll, on_scroll));
    on_cleanup(move || listener.take().remove());
    // The page starts with the first tab marked and in view: only a change moves the tabs.
    Effect::new(move |drawn: Option<()>| {
        let index = active.get();
        let tab = document()
            .filter(|_| drawn.is_some())
            .and_then(|d| d.get_element_by_id(&format!("to-tab-{index}")))
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
        if let (Some(nav), Some(tab)) = (nav.get_untracked(), tab) {
            nav.set_scroll_left(tab.offset_left() - 16);
        }
    });
    let buttons = tabs
        .into_iter()
        .enumerate()
        .map(|(index, tab)| {
            let target = tab.section_id;
            let scroll = move |_| {
                let el = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&target));
                if let Some(el) = el {
                    el.scroll_into_view();
                }
            };
            view! {
                <button
                    type="button"
                    class="to-tab"
                    id=format!("to-tab-{index}")
                    on:click=scroll
                    class:to-tab-active=move || active.get() == index
                    aria-current=move || (active.get() == index).then_some("true")
                >
                    {tab.name}
                </button>
            }
        })
        .collect_view();
    with_later(
        view! {
            <nav
                class="to-tabs"
                node_ref=nav
                aria-label=move || t_string!(i18n, menu_categories)
            ></nav>
        },
        buttons,
    )
}

/// The menu, one section per category, in the shop's menu's order.
#[component]
pub fn MenuList(categories: Vec<CategoryHeading>) -> impl IntoView {
    view! {
        <main class="to-menu">
            {categories
                .into_iter()
                .enumerate()
                .map(|(index, heading)| view! { <CategorySection index=index heading=heading /> })
                .collect_view()}
        </main>
    }
}

/// The shop's `index`th category's items, drawn in the guest's language: a change of
/// language draws them again (rows have no reactive parts of their own, so the page takes
/// over a long menu without one effect per name and price). When the widget takes over the
/// server's page, each section is taken over in a task of its own, and only then are its
/// items read from the menu.
#[component]
fn CategorySection(index: usize, heading: CategoryHeading) -> impl IntoView {
    let shop = use_shop();
    let CategoryHeading { section_id, name } = heading;
    let label = name.clone();
    let items = move || {
        let locale = shop.locale.get();
        let items = shop
            .menu
            .with_value(|menu| menu.categories.get(index).map(|c| c.items.clone()))
            .unwrap_or_default();
        view! {
            <h2 class="to-category-name">{name.clone()}</h2>
            <ul class="to-items">
                {items
                    .into_iter()
                    .map(|item| view! { <ItemRow item=item locale=locale /> })
                    .collect_view()}
            </ul>
        }
    };
    with_later(
        view! { <section class="to-category" id=section_id aria-label=label></section> },
        items,
    )
}

/// An item's photo at a list's size, or a placeholder of the same shape (nothing moves as
/// photos load: the box has its size before the image arrives).
#[component]
pub fn ItemPhoto(photo: Option<String>, #[prop(into)] sizes: String) -> impl IntoView {
    let shop = use_shop();
    match photo {
        Some(photo) => {
            let (src, srcset) = shop.api_base.with_value(|base| photo_sources(base, &photo));
            let [width] = [order_core::PHOTO_WIDTHS[0]];
            let height = width * order_core::PHOTO_ASPECT.1 / order_core::PHOTO_ASPECT.0;
            Either::Left(view! {
                <img
                    class="to-photo"
                    src=src
                    srcset=srcset
                    sizes=sizes
                    alt=""
                    loading="lazy"
                    decoding="async"
                    width=width
                    height=height
                />
            })
        }
        None => {
            Either::Right(view! { <span class="to-photo to-photo-none" aria-hidden="true"></span> })
        }
    }
}

/// One item, in one language: a button that opens its sheet, or a plain row when sold out.
#[component]
fn ItemRow(item: Item, locale: Locale) -> impl IntoView {
    let shop = use_shop();
    let class = if item.sold_out {
        "to-item to-sold-out"
    } else {
        "to-item"
    };
    let sold_out = item.sold_out;
    let price = won(locale, item.price);
    let photo = (shop.has_photos || item.photo.is_some()).then(
        || view! { <ItemPhoto photo=item.photo.clone() sizes="(min-width: 768px) 240px, 112px" /> },
    );
    let name = shown_name(&item, locale);
    let korean = korean_beside(&item, locale).map(|ko| {
        view! {
            <span class="to-item-ko" lang="ko">
                {ko}
            </span>
        }
    });
    let description =
        shown_description(&item, locale).map(|d| view! { <span class="to-item-desc">{d}</span> });
    let item = StoredValue::new(item);
    let open = move |_| shop.sheet.set(Some(item.get_value()));
    view! {
        <li class=class>
            <button type="button" class="to-item-button" disabled=sold_out on:click=open>
                <span class="to-item-text">
                    <span class="to-item-name">{name}</span>
                    {korean}
                    {description}
                    <span class="to-item-foot">
                        <span class="to-item-price">{price}</span>
                        {sold_out
                            .then(|| {
                                view! {
                                    <span class="to-badge">{td_string!(locale, sold_out)}</span>
                                }
                            })}
                    </span>
                </span>
                {photo}
            </button>
        </li>
    }
}
