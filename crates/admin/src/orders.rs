//! Today's orders at every table, newest first, with the staff calls among them; refreshed
//! every few seconds while shown (the server asks the POS at most once per interval).

use crate::api::store_path;
use crate::fields::fetch_state;
use crate::session::{came_empty, fetched, rows};
use leptos::prelude::*;
use order_core::owner::TableOrder;
use order_core::OrderStatus;
use std::time::Duration;

/// How often the list is asked for again while open.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

fn status_label(status: OrderStatus) -> (&'static str, &'static str) {
    match status {
        OrderStatus::Waiting => ("전달 대기", "ad-warn"),
        OrderStatus::Accepted => ("접수", "ad-ok"),
        OrderStatus::Done => ("완료", "ad-ok"),
        OrderStatus::Cancelled => ("취소", "ad-bad"),
        OrderStatus::Returned => ("반품", "ad-bad"),
        OrderStatus::Paid => ("결제 완료", ""),
        OrderStatus::Failed => ("전달 안 됨", "ad-bad"),
    }
}

#[component]
pub fn TodaysOrders(store: String) -> impl IntoView {
    let (orders, again) = fetched::<Vec<TableOrder>>(store_path(&store, "/orders"));
    let list = rows(orders);
    if let Ok(handle) = set_interval_with_handle(again, REFRESH_EVERY) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <section class="ad-card" aria-labelledby="ad-orders-title">
            <div class="ad-row">
                <h2 id="ad-orders-title">"오늘 주문"</h2>
                <button type="button" class="ad-button" on:click=move |_| again()>
                    "새로 고침"
                </button>
            </div>
            {move || orders.with(fetch_state)}
            <Show when=move || came_empty(orders)>
                <p class="ad-muted">"오늘 들어온 주문이 없습니다."</p>
            </Show>
            <ul class="ad-list">
                <For each=move || list.get() key=order_key let:order>
                    <OrderLine order=order />
                </For>
            </ul>
        </section>
    }
}

/// An order's line is drawn anew when its status changes.
fn order_key(order: &TableOrder) -> (String, String, OrderStatus) {
    (
        order.table.clone(),
        order.order.order_no.clone(),
        order.order.status,
    )
}

/// One order (or staff call): its table, when, what, its state and its total.
#[component]
fn OrderLine(order: TableOrder) -> impl IntoView {
    let TableOrder {
        table_name,
        order: o,
        ..
    } = order;
    let (label, class) = status_label(o.status);
    let time = o.received_at.get(11..16).unwrap_or_default().to_string();
    let lines = o
        .lines
        .iter()
        .map(|l| format!("{} ×{}", l.name, l.count))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="ad-order">
            <div class="ad-row">
                <strong>{table_name}</strong>
                <span class="ad-muted">{time}</span>
                {o
                    .staff_call
                    .then(|| view! { <span class="ad-badge ad-call">"직원 호출"</span> })}
                <span class=format!("ad-badge {class}")>{label}</span>
                <span class="ad-total">{o.total.korean()}</span>
            </div>
            <p class="ad-muted">{lines}" · "{o.order_no}</p>
        </li>
    }
}
