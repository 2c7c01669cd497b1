use super::Sheet;
use crate::i18n::*;
use crate::money::won;
use crate::names::shown_name;
use crate::ordering::Ordering;
use crate::shop::use_shop;
use leptos::prelude::*;
use order_core::cart::CartLine;
use order_core::pricing::{MAX_COUNT, MAX_ORDER_MEMO_CHARS};
use order_core::Menu;

/// Always in reach: how much is in the cart, and the way to it.
#[component]
pub fn CartBar() -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let count = move || shop.cart.with(|c| c.count());
    let total = move || {
        shop.cart.with(|c| {
            shop.menu
                .with_value(|m| c.price(m).map(|p| won(i18n.get_locale(), p.total)).ok())
        })
    };
    view! {
        <div class="to-cart-bar" aria-live="polite">
            <Show when=move || { count() > 0 }>
                <button type="button" class="to-button to-primary to-wide" on:click=move |_| shop.cart_open.set(true)>
                    <span>{t!(i18n, view_cart)}</span>
                    <span class="to-pill">{t!(i18n, cart_count, count = count)}</span>
                    <span class="to-cart-total">{total}</span>
                </button>
            </Show>
        </div>
    }
}

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
    view! { <Show when=move || shop.cart_open.get()><CartSheetBody/></Show> }
}

#[component]
fn CartSheetBody() -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let close = move || shop.cart_open.set(false);
    view! {
        <Sheet title_id="to-cart-title" title=t!(i18n, cart) on_close=close>
            <CartContents/>
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
                <CartContents/>
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
    let ordering = expect_context::<Ordering>();
    let priced = Memo::new(move |_| {
        shop.cart.with(|c| {
            shop.menu
                .with_value(|m| c.price(m).map_err(|e| e.to_string()))
        })
    });
    let order = move |_| {
        if let Ok(p) = priced.get_untracked() {
            ordering.submit(shop.cart, p.total);
            shop.cart_open.set(false);
        }
    };
    let lines = move || {
        shop.cart.with(|c| {
            let order_lines = c.order_lines();
            c.lines
                .iter()
                .zip(&order_lines)
                .enumerate()
                .map(|(index, (line, order_line))| {
                    let (name, detail) = shop.menu.with_value(|m| line_label(m, line, i18n.get_locale()));
                    let count = line.count;
                    let amount = shop.menu.with_value(|m| {
                        order_core::pricing::price_line(&m.categories, order_line).map(|p| p.amount()).ok()
                    });
                    view! {
                        <li class="to-cart-line">
                            <div class="to-cart-line-text">
                                <span class="to-item-name">{name}</span>
                                <span class="to-cart-line-detail">{detail}</span>
                                <span class="to-item-price">{move || amount.map(|a| won(i18n.get_locale(), a))}</span>
                            </div>
                            <div class="to-counter">
                                <button type="button" class="to-icon-button"
                                    on:click=move |_| shop.cart.update(|c| c.set_count(index, count - 1))
                                    aria-label=move || t_string!(i18n, decrease).to_string()>"−"</button>
                                <output class="to-count">{count}</output>
                                <button type="button" class="to-icon-button" disabled={ count >= MAX_COUNT }
                                    on:click=move |_| shop.cart.update(|c| c.set_count(index, count + 1))
                                    aria-label=move || t_string!(i18n, increase).to_string()>"+"</button>
                            </div>
                            <button type="button" class="to-link" on:click=move |_| shop.cart.update(|c| c.remove(index))>
                                {t!(i18n, remove)}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
            <Show when=move || !shop.cart.with(|c| c.is_empty()) fallback=move || view! { <p class="to-muted">{t!(i18n, cart_empty)}</p> }>
                <ul class="to-cart-lines">{lines}</ul>
                <label class="to-field">
                    <span>{t!(i18n, order_memo)}</span>
                    <textarea class="to-input" rows="2" maxlength=MAX_ORDER_MEMO_CHARS.to_string()
                        placeholder=move || t_string!(i18n, order_memo_placeholder).to_string()
                        prop:value=move || shop.cart.with(|c| c.memo.clone())
                        on:input=move |ev| shop.cart.update(|c| c.memo = event_target_value(&ev))></textarea>
                </label>
                <p class="to-total-row">
                    <span>{t!(i18n, total)}</span>
                    <strong class="to-cart-total">{move || priced.get().ok().map(|p| won(i18n.get_locale(), p.total))}</strong>
                </p>
                <p class="to-reason" role="status">
                    {move || priced.get().err().map(|reason| t!(i18n, cart_problem, reason = move || reason.clone()))}
                </p>
                <button type="button" class="to-button to-primary to-wide to-order"
                    disabled=move || priced.get().is_err() || ordering.busy() on:click=order>
                    {move || priced.get().ok().map(|p| {
                        t!(i18n, place_order, total = move || won(i18n.get_locale(), p.total))
                    })}
                </button>
            </Show>
    }
}
