use leptos::prelude::*;

/// The store's name and the guest's table, always in view.
#[component]
pub fn Header(store: String, open: bool, table: String) -> impl IntoView {
    view! {
        <header class="to-header">
            <h1 class="to-store">{store}</h1>
            <p class="to-table">{table}</p>
        </header>
        {(!open).then(|| view! {
            <p class="to-banner" role="status">"지금은 주문을 받지 않습니다. 메뉴는 둘러보실 수 있어요."</p>
        })}
    }
}
