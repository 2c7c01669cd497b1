use crate::language::*;
use crate::options::Lang;
use crate::shop::use_shop;
use leptos::prelude::*;

/// The store's name, the guest's table, the language switch and the table's orders.
#[component]
pub fn Header(store: String, open: bool, stale: bool, table: String) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let can_call = shop.menu.with_value(|m| !m.staff_calls.is_empty());
    let choose = move |ev: leptos::ev::Event| {
        i18n.set_locale(Lang::parse(&event_target_value(&ev)).locale());
    };
    let current = move || Lang::of(i18n.get_locale()).code();
    view! {
        <header class="to-header">
            <div class="to-header-text">
                <h1 class="to-store">{store}</h1>
                <p class="to-table">{table}</p>
            </div>
            <div class="to-header-actions">
                {can_call
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="to-chip to-call"
                                on:click=move |_| shop.staff_call_open.set(true)
                            >
                                {t!(i18n, call_staff)}
                            </button>
                        }
                    })}
                <button type="button" class="to-chip" on:click=move |_| shop.history_open.set(true)>
                    {t!(i18n, history)}
                </button>
                <select
                    class="to-chip to-lang"
                    on:change=choose
                    prop:value=current
                    aria-label=move || t_string!(i18n, language_label).to_string()
                >
                    {Lang::ALL
                        .map(|lang| {
                            view! {
                                <option
                                    value=lang.code()
                                    lang=lang.code()
                                    selected=move || current() == lang.code()
                                >
                                    {lang.own_name()}
                                </option>
                            }
                        })}
                </select>
            </div>
        </header>
        {(!open)
            .then(|| {
                view! {
                    <p class="to-banner" role="status">
                        {t!(i18n, closed_banner)}
                    </p>
                }
            })}
        {stale
            .then(|| {
                view! {
                    <p class="to-banner to-banner-soft" role="status">
                        {t!(i18n, stale_banner)}
                    </p>
                }
            })}
    }
}
