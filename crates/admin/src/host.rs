//! What the store's host told us that staff must act on: the refusal codes it sent (so the
//! partner can teach their meanings in `[upstream.refusals]`) and the orders nobody can
//! confirm (staff look on the POS, and never order them again).

use crate::api::when;
use leptos::prelude::*;
use order_core::owner::{HostCode, UnconfirmedOrder};

/// In the owner's words: what a code was read as.
fn meaning(read_as: &str) -> &'static str {
    match read_as {
        "table_occupied" => "테이블 사용 중 (자동 재시도)",
        "store_closed" => "영업 전 / 에이전트 중지",
        "table_has_open_order" => "이미 열린 주문",
        "open_order_mismatch" => "열린 주문 불일치",
        "bad_item" => "메뉴·가격 불일치",
        "unknown_table" => "없는 테이블",
        "credentials_rejected" => "인증 거부",
        _ => "모름: 설정에서 뜻을 알려 주세요",
    }
}

#[component]
pub fn HostCodes(codes: Vec<HostCode>) -> impl IntoView {
    if codes.is_empty() {
        return view! { <p class="ad-muted">"아직 받은 거절 코드가 없습니다."</p> }.into_any();
    }
    view! {
        <table class="ad-table">
            <thead>
                <tr>
                    <th>"코드"</th>
                    <th>"POS 메시지"</th>
                    <th>"횟수"</th>
                    <th>"해석"</th>
                </tr>
            </thead>
            <tbody>
                {codes
                    .into_iter()
                    .map(|c| {
                        view! {
                            <tr>
                                <td>
                                    <code>{c.code}</code>
                                </td>
                                <td>{c.message}</td>
                                <td>{c.count}</td>
                                <td>{meaning(&c.read_as)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn UnconfirmedOrders(orders: Vec<UnconfirmedOrder>) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="ad-muted">"없음"</p> }.into_any();
    }
    view! {
        <p>
            "POS에 들어갔는지 확인할 수 없는 주문입니다. POS에서 확인해 주세요. 다시 보내지 않습니다."
        </p>
        <ul class="ad-list ad-warn-list">
            {orders
                .into_iter()
                .map(|o| {
                    let lines: Vec<String> = o
                        .lines
                        .iter()
                        .map(|l| {
                            format!(
                                "{} × {}",
                                l.name.clone().unwrap_or(l.item_id.clone()),
                                l.count,
                            )
                        })
                        .collect();
                    view! {
                        <li>
                            <span class="ad-muted">{when(o.sent_at_ms)}</span>
                            " 테이블 "
                            {o.table}
                            ": "
                            {lines.join(", ")}
                            {format!(" ({})", o.total.korean())}
                            " "
                            <code>{o.client_order_id}</code>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
        .into_any()
}
