use super::menu::ItemPhoto;
use super::sheet::Sheet;
use super::wording::{choice_problem_text, choice_rule_text};
use crate::guest_cart::use_guest_cart;
use crate::language::*;
use crate::money::won;
use crate::names::{korean_beside, shown_description, shown_name};
use crate::shop::use_shop;
use leptos::prelude::*;
use order_core::cart::CartLine;
use order_core::pricing::{check_choice, options_price, MAX_COUNT, MAX_LINE_MEMO_CHARS};
use order_core::{ChosenOption, Item, OptionGroup, Won};

/// The sheet for the item the guest tapped: options, count, memo, a running price.
#[component]
pub fn ItemSheet() -> impl IntoView {
    let shop = use_shop();
    view! { {move || shop.sheet.get().map(|item| view! { <ItemSheetBody item=item /> })} }
}

#[component]
fn ItemSheetBody(item: Item) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let guest = use_guest_cart();
    let picks = RwSignal::new(Vec::<ChosenOption>::new());
    let count = RwSignal::new(1u32);
    let memo = RwSignal::new(String::new());
    let item = StoredValue::new(item);
    let close = move || shop.sheet.set(None);
    let choice = Memo::new(move |_| item.with_value(|i| picks.with(|p| check_choice(i, p))));
    let problem = Memo::new(move |_| choice.with(|c| c.as_ref().err().cloned()));
    // The options' price counts once the choice is complete; until then the item's own.
    let unit = Memo::new(move |_| {
        let options = choice.with(|c| c.as_ref().map(|o| options_price(o)).unwrap_or(Won::ZERO));
        item.with_value(|i| i.price) + options
    });
    let add = move |_| {
        if problem.get_untracked().is_some() {
            return;
        }
        let line = CartLine {
            item_id: item.with_value(|i| i.id.clone()),
            options: picks.get_untracked(),
            count: count.get_untracked(),
            memo: memo.get_untracked().trim().to_string(),
        };
        guest.cart.update(|c| c.add(line));
        close();
    };
    let title_id = item.with_value(|i| format!("to-sheet-{}", i.id));
    let groups = item.with_value(|i| i.option_groups.clone());

    let name = move || item.with_value(|i| shown_name(i, shop.locale.get()));
    view! {
        <Sheet title_id=title_id title=name on_close=close>
            <ItemAbout item />
            {groups
                .into_iter()
                .map(|g| view! { <OptionGroupField group=g picks=picks /> })
                .collect_view()}
            <LineMemo memo />
            <div class="to-sheet-foot">
                <Counter count=count />
                <button
                    type="button"
                    class="to-button to-primary"
                    disabled=move || problem.get().is_some()
                    on:click=add
                    aria-describedby="to-sheet-reason"
                >
                    {t!(
                        i18n, add_to_cart, price = move || won(shop.locale.get(), unit.get() * count.get())
                    )}
                </button>
            </div>
            <p id="to-sheet-reason" class="to-reason" role="status">
                {move || problem.with(|p| p.as_ref().map(|p| choice_problem_text(p, i18n)))}
            </p>
        </Sheet>
    }
}

/// What the guest reads of the item: its photo, its Korean name beside the guest's
/// language, its description and its price.
#[component]
fn ItemAbout(item: StoredValue<Item>) -> impl IntoView {
    let shop = use_shop();
    let korean = move || {
        item.with_value(|i| korean_beside(i, shop.locale.get()))
            .map(|ko| {
                view! {
                    <p class="to-item-ko" lang="ko">
                        {ko}
                    </p>
                }
            })
    };
    let description = move || {
        item.with_value(|i| shown_description(i, shop.locale.get()))
            .map(|d| view! { <p class="to-sheet-desc">{d}</p> })
    };
    let photo = item.with_value(|i| i.photo.clone()).map(|photo| {
        view! { <ItemPhoto photo=Some(photo) sizes="(min-width: 640px) 608px, 100vw" /> }
    });
    view! {
        {photo}
        {korean}
        {description}
        <p class="to-sheet-price">{move || won(shop.locale.get(), item.with_value(|i| i.price))}</p>
    }
}

/// The guest's words for the kitchen about this line ("less spicy").
#[component]
fn LineMemo(memo: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="to-field">
            <span>{t!(i18n, item_memo)}</span>
            <textarea
                class="to-input"
                rows="2"
                maxlength=MAX_LINE_MEMO_CHARS.to_string()
                placeholder=move || t_string!(i18n, item_memo_placeholder).to_string()
                prop:value=move || memo.get()
                on:input=move |ev| memo.set(event_target_value(&ev))
            ></textarea>
        </label>
    }
}

/// A count from 1 to 99 with buttons a thumb can hit.
#[component]
pub fn Counter(count: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div
            class="to-counter"
            role="group"
            aria-label=move || t_string!(i18n, quantity).to_string()
        >
            <button
                type="button"
                class="to-icon-button"
                disabled=move || { count.get() <= 1 }
                on:click=move |_| count.update(|c| *c = c.saturating_sub(1).max(1))
                aria-label=move || t_string!(i18n, decrease).to_string()
            >
                "−"
            </button>
            <output class="to-count" aria-live="polite">
                {move || count.get()}
            </output>
            <button
                type="button"
                class="to-icon-button"
                disabled=move || { count.get() >= MAX_COUNT }
                on:click=move |_| count.update(|c| *c = (*c + 1).min(MAX_COUNT))
                aria-label=move || t_string!(i18n, increase).to_string()
            >
                "+"
            </button>
        </div>
    }
}

/// One option group: radio buttons for exactly one, checkboxes otherwise.
#[component]
fn OptionGroupField(group: OptionGroup, picks: RwSignal<Vec<ChosenOption>>) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let single = group.is_single_choice();
    let group_id = group.id.clone();
    let hint = {
        let g = group.clone();
        move || choice_rule_text(&g, i18n)
    };
    view! {
        <fieldset class="to-options">
            <legend>
                <span class="to-options-name">{group.name.clone()}</span>
                <span class="to-options-hint">{hint}</span>
            </legend>
            {group
                .options
                .iter()
                .map(|o| {
                    let (gid, oid) = (group_id.clone(), o.id.clone());
                    let (gid2, oid2) = (gid.clone(), oid.clone());
                    let checked = move || {
                        picks.with(|p| p.iter().any(|c| c.group_id == gid2 && c.option_id == oid2))
                    };
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        picks
                            .update(|p| {
                                if single {
                                    p.retain(|c| c.group_id != gid);
                                } else {
                                    p.retain(|c| !(c.group_id == gid && c.option_id == oid));
                                }
                                if on {
                                    p.push(ChosenOption {
                                        group_id: gid.clone(),
                                        option_id: oid.clone(),
                                        count: 1,
                                    });
                                }
                            });
                    };
                    let option_price = o.price;
                    let price = move || {
                        (option_price != Won::ZERO)
                            .then(|| format!("+{}", won(shop.locale.get(), option_price)))
                    };
                    view! {
                        <label class="to-option">
                            <input
                                type=if single { "radio" } else { "checkbox" }
                                name=group_id.clone()
                                prop:checked=checked
                                on:change=toggle
                            />
                            <span class="to-option-name">{o.name.clone()}</span>
                            <span class="to-option-price">{price}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
