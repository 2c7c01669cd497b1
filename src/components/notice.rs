use leptos::prelude::*;

/// A full-width message for when the page cannot do its job.
#[component]
pub fn Notice(#[prop(into)] title: String, detail: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="to-notice" role="alert">
            <h1>{title}</h1>
            <p>{detail}</p>
        </div>
    }
}
