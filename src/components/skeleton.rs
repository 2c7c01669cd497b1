use leptos::prelude::*;

/// Grey blocks the size of the real header, tabs and rows: nothing moves when data arrives.
#[component]
pub fn Skeleton() -> impl IntoView {
    view! {
        <div class="to-skeleton" aria-busy="true" aria-label="불러오는 중">
            <div class="to-header">
                <div class="to-bone to-bone-title"></div>
                <div class="to-bone to-bone-line"></div>
            </div>
            <div class="to-tabs">
                {(0..4).map(|_| view! { <div class="to-bone to-bone-tab"></div> }).collect_view()}
            </div>
            <ul class="to-items">
                {(0..6)
                    .map(|_| {
                        view! {
                            <li class="to-item">
                                <div class="to-bone to-bone-line"></div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
