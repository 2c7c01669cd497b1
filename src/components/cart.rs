use super::sheet::Sheet;
use super::wording::order_problem_text;
use crate::guest_cart::use_guest_cart;
use crate::language::*;
use crate::money::won;
use crate::names::shown_name;
use crate::ordering::Ordering;
use crate::shop::use_shop;
use leptos::prelude::*;
use order_core::cart::{CartLine, LineKey};
use order_core::pricing::{MAX_COUNT, MAX_ORDER_MEMO_CHARS};
use order_core::Menu;

/// Always in reach: how much is in the cart, and the way to it.
#[component]
pub fn CartBar() -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let guest = use_guest_cart();
    let count = move || guest.cart.with(|c| c.count());
    let total = move || {
        guest.priced.with(|p| {
            p.order
                .as_ref()
                .ok()
                .map(|p| won(shop.locale.get(), p.total))
        })
    };
    view! {
        <div class="to-cart-bar" aria-live="polite">
            <Show when=move || { count() > 0 }>
                <button
                    type="button"
                    class="to-button to-primary to-wide"
                    on:click=move |_| shop.cart_open.set(true)
                >
                    <span>{t!(i18n, view_cart)}</span>
                    <span class="to-pill">{t!(i18n, cart_count, count = count)}</span>
                    <span class="to-cart-total">{total}</span>
                </button>
            </Show>
        </div>
    }
}

/// The item's name, and its options and memo in one line.
fn line_label(menu: &Menu, line: &CartLine, locale: Locale) -> (String, String) {
    let Some(item) = menu.item(&line.item_id) else {
        return (line.item_id.clone(), String::new());
    };
    let options: Vec<String> = line
        .options
        .iter()
        .filter_map(|c| {
            item.option_group(&c.group_id)?
                .option(&c.option_id)
                .map(|o| o.name.clone())
        })
        .collect();
    let mut detail = options.join(", ");
    if !line.memo.is_empty() {
        if !detail.is_empty() {
            detail.push_str(" · ");
        }
        detail.push_str(&format!("“{}”", line.memo));
    }
    (shown_name(item, locale), detail)
}

/// The cart: counts, removal, a note for the kitchen, the total, and the order button.
#[component]
pub fn CartSheet() -> impl IntoView {
    let shop = use_shop();
    view! {
        <Show when=move || shop.cart_open.get()>
            <CartSheetBody />
        </Show>
    }
}

#[component]
fn CartSheetBody() -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let close = move || shop.cart_open.set(false);
    view! {
        <Sheet title_id="to-cart-title" title=t!(i18n, cart) on_close=close>
            <CartContents />
        </Sheet>
    }
}

/// Where the screen is wide (a partner's tablet), the cart stays in view beside the menu.
/// Drawn by the browser only, once it knows the width: the server's page is a phone's.
#[component]
pub fn CartAside() -> impl IntoView {
    let i18n = use_i18n();
    let wide = RwSignal::new(false);
    Effect::new(move |_| {
        let query = web_sys::window().and_then(|w| w.match_media(WIDE_SCREEN).ok().flatten());
        if let Some(query) = query {
            wide.set(query.matches());
            let follow =
                wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
                    move |ev: web_sys::MediaQueryListEvent| wide.set(ev.matches()),
                );
            query.set_onchange(Some(wasm_bindgen::JsCast::unchecked_ref(follow.as_ref())));
            // Lives as long as the page: the widget is never unmounted from it.
            follow.forget();
        }
    });
    view! {
        <Show when=move || wide.get()>
            <aside class="to-cart-aside" aria-labelledby="to-cart-aside-title">
                <h2 id="to-cart-aside-title">{t!(i18n, cart)}</h2>
                <CartContents />
            </aside>
        </Show>
    }
}

/// The width from which the cart sits beside the menu (as in the stylesheet).
const WIDE_SCREEN: &str = "(min-width: 768px)";

/// The cart's lines, note, total and order button.
#[component]
fn CartContents() -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let guest = use_guest_cart();
    let ordering = expect_context::<Ordering>();
    let priced = guest.priced;
    let order = move |_| {
        if let Some(total) = priced.with_untracked(|p| p.order.as_ref().ok().map(|o| o.total)) {
            ordering.submit(guest.cart, total);
            shop.cart_open.set(false);
        }
    };
    view! {
        <Show
            when=move || !guest.cart.with(|c| c.is_empty())
            fallback=move || view! { <p class="to-muted">{t!(i18n, cart_empty)}</p> }
        >
            <ul class="to-cart-lines">
                <For
                    each=move || {
                        guest.cart.with(|c| c.lines.iter().map(CartLine::key).collect::<Vec<_>>())
                    }
                    key=|key| key.clone()
                    let:key
                >
                    <CartLineRow key=key />
                </For>
            </ul>
            <label class="to-field">
                <span>{t!(i18n, order_memo)}</span>
                <textarea
                    class="to-input"
                    rows="2"
                    maxlength=MAX_ORDER_MEMO_CHARS.to_string()
                    placeholder=move || t_string!(i18n, order_memo_placeholder).to_string()
                    prop:value=move || guest.cart.with(|c| c.memo.clone())
                    on:input=move |ev| guest.cart.update(|c| c.memo = event_target_value(&ev))
                ></textarea>
            </label>
            <p class="to-total-row">
                <span>{t!(i18n, total)}</span>
                <strong class="to-cart-total">
                    {move || {
                        priced
                            .with(|p| {
                                p.order.as_ref().ok().map(|p| won(shop.locale.get(), p.total))
                            })
                    }}
                </strong>
            </p>
            <p class="to-reason" role="status">
                {move || {
                    priced
                        .with(|p| {
                            p.order.as_ref().err().map(|problem| order_problem_text(problem, i18n))
                        })
                }}
            </p>
            <button
                type="button"
                class="to-button to-primary to-wide to-order"
                disabled=move || priced.with(|p| p.order.is_err()) || ordering.busy()
                on:click=order
            >
                {move || {
                    priced
                        .with(|p| p.order.as_ref().ok().map(|p| p.total))
                        .map(|total| {
                            t!(i18n, place_order, total = move || won(shop.locale.get(), total))
                        })
                }}
            </button>
        </Show>
    }
}

/// One line of the cart, followed by its key while its count changes.
#[component]
fn CartLineRow(key: LineKey) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let guest = use_guest_cart();
    let index = Memo::new(move |_| guest.cart.with(|c| c.position(&key)));
    let line = move || {
        index
            .get()
            .and_then(|i| guest.cart.with(|c| c.lines.get(i).cloned()))
    };
    let count = Memo::new(move |_| line().map_or(0, |l| l.count));
    let label = move || {
        line()
            .map(|l| {
                shop.menu
                    .with_value(|m| line_label(m, &l, shop.locale.get()))
            })
            .unwrap_or_default()
    };
    let amount = move || {
        let i = index.get()?;
        guest.priced.with(|p| {
            let line = p.lines.get(i)?.as_ref().ok()?;
            Some(won(shop.locale.get(), line.amount()))
        })
    };
    let set_count = move |to: u32| {
        if let Some(i) = index.get_untracked() {
            guest.cart.update(|c| c.set_count(i, to));
        }
    };
    let remove = move |_| {
        if let Some(i) = index.get_untracked() {
            guest.cart.update(|c| c.remove(i));
        }
    };
    view! {
        <li class="to-cart-line">
            <div class="to-cart-line-text">
                <span class="to-item-name">{move || label().0}</span>
                <span class="to-cart-line-detail">{move || label().1}</span>
                <span class="to-item-price">{amount}</span>
            </div>
            <div class="to-counter">
                <button
                    type="button"
                    class="to-icon-button"
                    on:click=move |_| set_count(count.get_untracked().saturating_sub(1))
                    aria-label=move || t_string!(i18n, decrease).to_string()
                >
                    "−"
                </button>
                <output class="to-count">{move || count.get()}</output>
                <button
                    type="button"
                    class="to-icon-button"
                    disabled=move || { count.get() >= MAX_COUNT }
                    on:click=move |_| set_count(count.get_untracked() + 1)
                    aria-label=move || t_string!(i18n, increase).to_string()
                >
                    "+"
                </button>
            </div>
            <button type="button" class="to-link" on:click=remove>
                {t!(i18n, remove)}
            </button>
        </li>
    }
}
