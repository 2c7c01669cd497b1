//! Signing in and out, and the page's frame: the store and its sections.

use crate::api::{self, Failure};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::fields::{BusyButton, SecretField};
use crate::session::{use_session, Session};
use order_core::owner::{OwnerSession, SignIn, StoreRef};

#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    let checked = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(out) = api::get::<OwnerSession>("/api/v1/admin/session").await {
            session.signed_in(out.stores);
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
            {move || match session.stores() {
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
                &SignIn {
                    token: token.get_untracked(),
                },
            )
            .await;
            busy.set(false);
            match sent {
                Ok(out) => session.signed_in(out.stores),
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
            session.signed_out();
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
            .stores()
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
