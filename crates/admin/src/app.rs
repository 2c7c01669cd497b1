//! Signing in and out, and the page's frame: the store and its sections.

use crate::api::{self, Failure};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;

use order_core::owner::OwnerSession;
pub use order_core::owner::StoreRef;

/// Whether the page is signed in; any call that finds the session over signs it out.
#[derive(Clone, Copy)]
pub struct Session {
    stores: RwSignal<Option<Vec<StoreRef>>>,
}

impl Session {
    /// The words to show for a failure; a lost session returns the page to sign-in.
    pub fn explain(&self, failure: Failure) -> String {
        if failure == Failure::SignedOut {
            self.stores.set(None);
        }
        failure.to_string()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session {
        stores: RwSignal::new(None),
    };
    provide_context(session);
    let checked = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(out) = api::get::<OwnerSession>("/api/v1/admin/session").await {
            session.stores.set(Some(out.stores));
        }
        checked.set(true);
    });
    view! {
        <Show
            when=move || checked.get()
            fallback=|| {
                view! {
                    <p class="ad-center" role="status">
                        "확인 중…"
                    </p>
                }
            }
        >
            {move || match session.stores.get() {
                Some(stores) => view! { <Dashboard stores=stores /> }.into_any(),
                None => view! { <SignIn /> }.into_any(),
            }}
        </Show>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let session = use_session();
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let sent = api::post::<OwnerSession>(
                "/api/v1/admin/session",
                &json!({ "token": token.get_untracked() }),
            )
            .await;
            busy.set(false);
            match sent {
                Ok(out) => session.stores.set(Some(out.stores)),
                Err(Failure::SignedOut) => error.set(Some("관리자 토큰이 맞지 않습니다.".into())),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <main class="ad-signin">
            <h1>"매장 관리"</h1>
            <p class="ad-muted">
                "tableorder 서버의 관리자 토큰으로 로그인하세요."
            </p>
            <form on:submit=submit>
                <SecretField label="관리자 토큰" value=token autocomplete="current-password" />
                <BusyButton busy=busy label="로그인" working="로그인 중…" />
                <p class="ad-error" role="alert">
                    {move || error.get()}
                </p>
            </form>
        </main>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Status,
    Menu,
    Orders,
    Tables,
    Tablets,
    Pin,
}

impl Section {
    const ALL: [Section; 6] = [
        Section::Status,
        Section::Menu,
        Section::Orders,
        Section::Tables,
        Section::Tablets,
        Section::Pin,
    ];

    fn label(self) -> &'static str {
        match self {
            Section::Status => "상태",
            Section::Menu => "메뉴",
            Section::Orders => "오늘 주문",
            Section::Tables => "테이블",
            Section::Tablets => "태블릿",
            Section::Pin => "직원 PIN",
        }
    }
}

#[component]
fn Dashboard(stores: Vec<StoreRef>) -> impl IntoView {
    let current = RwSignal::new(stores.first().cloned());
    let section = RwSignal::new(Section::Status);
    view! {
        <DashboardHeader stores current />
        <nav class="ad-tabs" aria-label="관리 항목">
            {Section::ALL
                .map(|s| {
                    view! {
                        <button
                            type="button"
                            class="ad-tab"
                            class:ad-tab-active=move || section.get() == s
                            aria-current=move || (section.get() == s).then_some("page")
                            on:click=move |_| section.set(s)
                        >
                            {s.label()}
                        </button>
                    }
                })}
        </nav>
        <main class="ad-main">
            {move || current.get().map(|store| section_view(section.get(), store.slug))}
        </main>
    }
}

/// The store's name, the choice of store when the owner has several, and signing out.
#[component]
fn DashboardHeader(stores: Vec<StoreRef>, current: RwSignal<Option<StoreRef>>) -> impl IntoView {
    let session = use_session();
    let sign_out = move |_| {
        spawn_local(async move {
            let _ = api::delete("/api/v1/admin/session").await;
            session.stores.set(None);
        });
    };
    let many = stores.len() > 1;
    let choose_store = move |ev: leptos::ev::Event| {
        let slug = event_target_value(&ev);
        current.update(|c| {
            if let Some(store) = stores.iter().find(|s| s.slug == slug) {
                *c = Some(store.clone());
            }
        });
    };
    let options = move || {
        session
            .stores
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                view! { <option value=s.slug.clone()>{s.name.clone()}</option> }
            })
            .collect_view()
    };
    view! {
        <header class="ad-header">
            <div>
                <p class="ad-muted">"매장 관리"</p>
                <h1>{move || current.get().map(|s| s.name).unwrap_or_default()}</h1>
            </div>
            {many
                .then(|| {
                    view! {
                        <select class="ad-select" aria-label="매장" on:change=choose_store>
                            {options}
                        </select>
                    }
                })}
            <button type="button" class="ad-button" on:click=sign_out>
                "로그아웃"
            </button>
        </header>
    }
}

/// The section the owner chose, for the store `slug`.
fn section_view(section: Section, slug: String) -> AnyView {
    match section {
        Section::Status => view! { <crate::store::Status store=slug /> }.into_any(),
        Section::Menu => view! { <crate::menu::MenuEditor store=slug /> }.into_any(),
        Section::Orders => view! { <crate::orders::TodaysOrders store=slug /> }.into_any(),
        Section::Tables => view! { <crate::trust::Tables store=slug /> }.into_any(),
        Section::Tablets => view! { <crate::trust::Tablets store=slug /> }.into_any(),
        Section::Pin => view! { <crate::store::PinChange store=slug /> }.into_any(),
    }
}

/// A value fetched for a section, with its failure in words.
pub type Loaded<T> = Option<Result<T, String>>;

/// Fetches `path` into a signal now and whenever `again` is called.
pub fn fetched<T>(path: String) -> (RwSignal<Loaded<T>>, impl Fn() + Copy)
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let session = use_session();
    let value = RwSignal::new(None);
    let path = StoredValue::new(path);
    let again = move || {
        let path = path.get_value();
        spawn_local(async move {
            let got = api::get::<T>(&path).await.map_err(|e| session.explain(e));
            value.set(Some(got));
        });
    };
    again();
    (value, again)
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
        None => view! {
            <p class="ad-muted" role="status">
                "불러오는 중…"
            </p>
        }
        .into_any(),
        Some(Err(e)) => error_line(e),
        Some(Ok(value)) => show(value),
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
