//! Today's orders at every table, newest first, with the staff calls among them; refreshed
//! every few seconds while shown (the server asks the POS at most once per interval).

use crate::api::{store_path, won};
use crate::app::{fetched, loaded};
use leptos::prelude::*;
use serde::Deserialize;
use std::time::Duration;

/// How often the list is asked for again while open.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Line {
    name: String,
    count: u32,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct StoreOrder {
    table_name: String,
    order_no: String,
    status: String,
    received_at: String,
    total: i64,
    lines: Vec<Line>,
    #[serde(default)]
    staff_call: bool,
}

fn status_label(status: &str) -> (&'static str, &'static str) {
    match status {
        "waiting" => ("전달 대기", "ad-warn"),
        "accepted" => ("접수", "ad-ok"),
        "done" => ("완료", "ad-ok"),
        "cancelled" => ("취소", "ad-bad"),
        "returned" => ("반품", "ad-bad"),
        "paid" => ("결제 완료", ""),
        "failed" => ("전달 안 됨", "ad-bad"),
        _ => ("알 수 없음", ""),
    }
}

#[component]
pub fn TodaysOrders(store: String) -> impl IntoView {
    let (orders, again) = fetched::<Vec<StoreOrder>>(store_path(&store, "/orders"));
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
            {move || loaded(
                orders.get(),
                |orders| match orders {
                    list if list.is_empty() => {
                        view! { <p class="ad-muted">"오늘 들어온 주문이 없습니다."</p> }
                            .into_any()
                    }
                    list => {
                        view! {
                            <ul class="ad-list">
                                {list
                                    .into_iter()
                                    .map(|o| {
                                        let (label, class) = status_label(&o.status);
                                        let time = o
                                            .received_at
                                            .get(11..16)
                                            .unwrap_or_default()
                                            .to_string();
                                        let lines = o
                                            .lines
                                            .iter()
                                            .map(|l| format!("{} ×{}", l.name, l.count))
                                            .collect::<Vec<_>>()
                                            .join(", ");
                                        view! {
                                            <li class="ad-order">
                                                <div class="ad-row">
                                                    <strong>{o.table_name}</strong>
                                                    <span class="ad-muted">{time}</span>
                                                    {o
                                                        .staff_call
                                                        .then(|| {
                                                            view! {
                                                                <span class="ad-badge ad-call">"직원 호출"</span>
                                                            }
                                                        })}
                                                    <span class=format!("ad-badge {class}")>{label}</span>
                                                    <span class="ad-total">{won(o.total)}</span>
                                                </div>
                                                <p class="ad-muted">{lines}" · "{o.order_no}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                },
            )}
        </section>
    }
}
