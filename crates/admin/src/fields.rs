//! The fields, buttons and lines every section of the owner's page draws the same way.

use crate::session::Loaded;
use leptos::prelude::*;

/// One section of the owner's page: its heading (named `{id}-title` for the screen reader),
/// what it is for in a line, and what it holds.
#[component]
pub fn Card(
    id: &'static str,
    title: &'static str,
    #[prop(optional)] note: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-title");
    view! {
        <section class="ad-card" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{title}</h2>
            {note.map(|note| view! { <p class="ad-muted">{note}</p> })}
            {children()}
        </section>
    }
}

/// A secret the owner types (the admin token, a PIN), never shown.
#[component]
pub fn SecretField(
    label: &'static str,
    value: RwSignal<String>,
    /// `current-password` or `new-password`, for the browser's password manager.
    autocomplete: &'static str,
    /// Digits only: a phone shows its number pad.
    #[prop(optional)]
    digits: bool,
) -> impl IntoView {
    view! {
        <label class="ad-field">
            <span>{label}</span>
            <input
                type="password"
                inputmode=digits.then_some("numeric")
                autocomplete=autocomplete
                required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// One line of text in a given language, at most `max` characters.
#[component]
pub fn TextField(
    label: &'static str,
    value: RwSignal<String>,
    lang: &'static str,
    max: usize,
) -> impl IntoView {
    view! {
        <label class="ad-field">
            <span>{label}</span>
            <input
                lang=lang
                maxlength=max
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// A button that says what it is doing while `busy`, and cannot be pressed again meanwhile:
/// a form's submit button, or with `on_click` a button of its own.
#[component]
pub fn BusyButton(
    busy: RwSignal<bool>,
    label: &'static str,
    /// What it says while busy.
    working: &'static str,
    #[prop(default = "ad-button ad-primary")] class: &'static str,
    #[prop(optional)] on_click: Option<Callback<leptos::ev::MouseEvent>>,
) -> impl IntoView {
    let kind = if on_click.is_some() {
        "button"
    } else {
        "submit"
    };
    view! {
        <button
            type=kind
            class=class
            disabled=move || busy.get()
            on:click=move |ev| {
                if let Some(act) = on_click {
                    act.run(ev)
                }
            }
        >
            {move || if busy.get() { working } else { label }}
        </button>
    }
}

/// What came of the owner's last action: said politely, or as an alert.
pub fn outcome(said: Result<String, String>) -> AnyView {
    match said {
        Ok(m) => view! { <p role="status">{m}</p> }.into_any(),
        Err(e) => error_line(e),
    }
}

/// What was fetched: "loading" until it comes, the failure if it failed, else `show` of it.
pub fn loaded<T>(state: Loaded<T>, show: impl FnOnce(T) -> AnyView) -> AnyView {
    match state {
        Some(Ok(value)) => show(value),
        waiting_or_failed => fetch_state(&waiting_or_failed).into_any(),
    }
}

/// While a list is fetched, "loading"; when it failed, why; once it came, nothing (the list
/// draws itself, keyed, beside this).
pub fn fetch_state<T>(state: &Loaded<T>) -> Option<AnyView> {
    match state {
        None => Some(
            view! {
                <p class="ad-muted" role="status">
                    "불러오는 중…"
                </p>
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(error_line(e.clone())),
        Some(Ok(_)) => None,
    }
}

/// A failure, read out at once.
pub fn error_line(e: String) -> AnyView {
    view! {
        <p class="ad-error" role="alert">
            {e}
        </p>
    }
    .into_any()
}
