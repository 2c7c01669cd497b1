use super::sheet::Sheet;
use crate::api::Api;
use crate::clock::clock_time;
use crate::language::*;
use crate::money::won;
use crate::shop::use_shop;
use leptos::either::*;
use leptos::prelude::*;
use leptos_use::use_interval_fn;
use order_core::{OrderStatus, PlacedOrder};

/// The status's tag: its class (the stylesheet colours it) and its words.
fn status_tag(status: OrderStatus, i18n: I18n) -> (&'static str, String) {
    let (class, words) = match status {
        OrderStatus::Waiting => (
            "to-tag to-tag-waiting",
            t_string!(i18n, history_status_waiting),
        ),
        OrderStatus::Accepted => (
            "to-tag to-tag-accepted",
            t_string!(i18n, history_status_accepted),
        ),
        OrderStatus::Done => ("to-tag to-tag-done", t_string!(i18n, history_status_done)),
        OrderStatus::Cancelled => (
            "to-tag to-tag-cancelled",
            t_string!(i18n, history_status_cancelled),
        ),
        OrderStatus::Returned => (
            "to-tag to-tag-returned",
            t_string!(i18n, history_status_returned),
        ),
        OrderStatus::Paid => ("to-tag to-tag-paid", t_string!(i18n, history_status_paid)),
        OrderStatus::Failed => (
            "to-tag to-tag-failed",
            t_string!(i18n, history_status_failed),
        ),
    };
    (class, words.to_string())
}

/// The table's orders from the real-time inquiry, refreshed while the sheet is open.
#[component]
pub fn HistorySheet(store: String, table: String, api: Api) -> impl IntoView {
    let shop = use_shop();
    let place = StoredValue::new((store, table, api));
    view! {
        <Show when=move || {
            shop.history_open.get()
        }>
            {move || {
                let (store, table, api) = place.get_value();
                view! { <HistoryBody store=store table=table api=api /> }
            }}
        </Show>
    }
}

#[component]
fn HistoryBody(store: String, table: String, api: Api) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    let place = StoredValue::new((store, table, api));
    let orders = LocalResource::new(move || {
        let (store, table, api) = place.get_value();
        // This phone's own orders, so they are told from what others at the table ordered.
        let mine = crate::storage::mine(&store, &table);
        async move {
            let mine = (!mine.is_empty()).then_some(mine.as_str());
            api.table_orders(&store, &table, mine).await
        }
    });
    use_interval_fn(move || orders.refetch(), shop.config.poll_interval_ms);
    let close = move || shop.history_open.set(false);
    view! {
        <Sheet title_id="to-history-title" title=t!(i18n, history) on_close=close>
            <Transition fallback=move || {
                view! { <p class="to-muted">{t!(i18n, loading)}</p> }
            }>
                {move || {
                    orders
                        .get()
                        .map(|r| match r {
                            Ok(list) if list.orders.is_empty() => {
                                EitherOf3::A(
                                    view! { <p class="to-muted">{t!(i18n, history_empty)}</p> },
                                )
                            }
                            Ok(list) => {
                                EitherOf3::B(
                                    view! {
                                        <ul class="to-history">
                                            {list
                                                .orders
                                                .into_iter()
                                                .map(|o| view! { <HistoryRow o /> })
                                                .collect_view()}
                                        </ul>
                                    },
                                )
                            }
                            Err(_) => {
                                EitherOf3::C(view! { <p class="to-reason">{t!(i18n, offline)}</p> })
                            }
                        })
                }}
            </Transition>
        </Sheet>
    }
}

/// One order at the table: when, how it stands, whether this phone placed it, its total and
/// lines; a call for staff lists its reasons and costs nothing (no count, no price).
#[component]
fn HistoryRow(o: PlacedOrder) -> impl IntoView {
    let i18n = use_i18n();
    let shop = use_shop();
    if o.staff_call {
        let reasons: Vec<&str> = o.lines.iter().map(|l| l.name.as_str()).collect();
        return Either::Left(view! {
            <li class="to-history-row to-history-call">
                <div class="to-history-top">
                    <span class="to-muted">{clock_time(&o.received_at)}</span>
                    <span class="to-tag to-tag-call">{t!(i18n, history_staff_call)}</span>
                </div>
                <p class="to-cart-line-detail">{reasons.join(", ")}</p>
            </li>
        });
    }
    let names: Vec<String> = o
        .lines
        .iter()
        .map(|l| format!("{} × {}", l.name, l.count))
        .collect();
    let (tag_class, tag_words) = status_tag(o.status, i18n);
    let mine = o.from_this_phone.then(|| {
        view! { <span class="to-tag to-tag-mine">{t!(i18n, history_from_this_phone)}</span> }
    });
    Either::Right(view! {
        <li class="to-history-row">
            <div class="to-history-top">
                <span class="to-muted">{clock_time(&o.received_at)}</span>
                <span class=tag_class>{tag_words}</span>
                {mine}
                <strong>{move || won(shop.locale.get(), o.total)}</strong>
            </div>
            <p class="to-cart-line-detail">{names.join(", ")}</p>
        </li>
    })
}
