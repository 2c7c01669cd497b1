//! The store as a whole: the status of its copy of the POS's data (and the refresh button)
//! and the staff PIN. Its tables' codes and its tablets are `trust`'s.

use crate::api::{self, store_path, when};
use crate::fields::{loaded, outcome, BusyButton, Card, SecretField};
use crate::host::{HostCodes, UnconfirmedOrders};
use crate::session::{fetched, use_session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use order_core::owner::{PinChange, Refreshed, StoreStatus, Trouble};

fn at(ms: Option<i64>) -> String {
    ms.map(when).unwrap_or_else(|| "아직 없음".into())
}

#[component]
pub fn Status(store: String) -> impl IntoView {
    let (status, again) = fetched::<StoreStatus>(store_path(&store, "/status"));
    view! {
        <section class="ad-card" aria-labelledby="ad-status-title">
            <h2 id="ad-status-title">"POS 연결 상태"</h2>
            {move || loaded(status.get(), |s| view! { <StatusNow s /> }.into_any())}
            <p class="ad-muted">
                "POS에서 테이블이나 메뉴를 바꿨다면 아래 버튼으로 바로 받아 오세요."
            </p>
            <RefreshFromPos store again=Callback::new(move |()| again()) />
        </section>
    }
}

/// The store's copy of the POS's data as it is now: open or not, when it was fetched, what
/// went wrong lately, orders nobody could confirm and the codes the POS refused with.
#[component]
fn StatusNow(s: StoreStatus) -> impl IntoView {
    view! {
        <StatusBadges open=s.open stale=s.stale cash_taken=s.cash_taken />
        <dl class="ad-facts">
            <dt>"테이블·메뉴를 받은 시각"</dt>
            <dd>{at(s.fetched_at_ms)}</dd>
            <dt>"메뉴 변경 확인"</dt>
            <dd>{at(s.checked_at_ms)}</dd>
            <dt>"메뉴 변경 표시"</dt>
            <dd>{s.menu_version.unwrap_or_else(|| "-".into())}</dd>
            <dt>"테이블 / 메뉴"</dt>
            <dd>{format!("{}개 / {}개", s.tables.unwrap_or(0), s.items.unwrap_or(0))}</dd>
        </dl>
        <h3>"최근 문제"</h3>
        <Troubles troubles=s.troubles />
        <h3>"확인할 수 없는 주문"</h3>
        <UnconfirmedOrders orders=s.unconfirmed />
        <h3>"POS가 보낸 거절 코드"</h3>
        <HostCodes codes=s.host_codes />
    }
}

#[component]
fn StatusBadges(open: bool, stale: bool, cash_taken: bool) -> impl IntoView {
    view! {
        <p class="ad-badges">
            {if open {
                view! { <span class="ad-badge ad-ok">"영업 중"</span> }
            } else {
                view! { <span class="ad-badge ad-bad">"주문 받지 않음"</span> }
            }}
            {stale
                .then(|| {
                    view! { <span class="ad-badge ad-warn">"오래된 정보 사용 중"</span> }
                })}
            {if cash_taken {
                view! { <span class="ad-badge">"현금 결제 가능"</span> }
            } else {
                view! { <span class="ad-badge">"현금 결제 없음 (PIN 미설정)"</span> }
            }}
        </p>
    }
}

#[component]
fn Troubles(troubles: Vec<Trouble>) -> impl IntoView {
    if troubles.is_empty() {
        return view! { <p class="ad-muted">"없음"</p> }.into_any();
    }
    view! {
        <ul class="ad-list">
            {troubles
                .into_iter()
                .map(|t| {
                    view! {
                        <li>
                            <span class="ad-muted">{when(t.at_ms)}</span>
                            " "
                            {t.message}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Fetches the tables and menu from the POS again at once, and says what came.
#[component]
fn RefreshFromPos(store: String, again: Callback<()>) -> impl IntoView {
    let session = use_session();
    let refreshing = RwSignal::new(false);
    let said = RwSignal::new(None::<String>);
    let refresh_path = store_path(&store, "/refresh");
    let refresh = move |_| {
        let path = refresh_path.clone();
        refreshing.set(true);
        said.set(None);
        spawn_local(async move {
            let done = api::act::<Refreshed>(&path).await;
            refreshing.set(false);
            said.set(Some(match done {
                Ok(r) if r.stale => {
                    "POS에 연결하지 못했습니다. 마지막으로 받은 정보를 계속 씁니다.".into()
                }
                Ok(r) => format!(
                    "POS에서 테이블 {}개, 메뉴 {}개를 새로 받았습니다.",
                    r.tables, r.items
                ),
                Err(e) => session.explain(e),
            }));
            again.run(());
        });
    };
    view! {
        <BusyButton
            busy=refreshing
            label="POS에서 새로 받기"
            working="POS에서 받는 중…"
            on_click=Callback::new(refresh)
        />
        <p role="status">{move || said.get()}</p>
    }
}

#[component]
pub fn PinChange(store: String) -> impl IntoView {
    let session = use_session();
    let pin = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<Result<String, String>>);
    let path = store_path(&store, "/staff-pin");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pin.get_untracked() != again.get_untracked() {
            said.set(Some(Err("두 번 입력한 PIN이 다릅니다.".into())));
            return;
        }
        let path = path.clone();
        busy.set(true);
        spawn_local(async move {
            let done = api::put(
                &path,
                &PinChange {
                    pin: pin.get_untracked(),
                },
            )
            .await;
            busy.set(false);
            said.set(Some(match done {
                Ok(()) => {
                    pin.set(String::new());
                    again.set(String::new());
                    Ok("새 PIN을 바로 적용했습니다.".into())
                }
                Err(e) => Err(session.explain(e)),
            }));
        });
    };
    view! {
        <Card
            id="ad-pin"
            title="직원 PIN"
            note="태블릿에서 현금 주문을 확인할 때 직원이 입력하는 번호입니다 (숫자 6~12자리)."
        >
            <form on:submit=submit class="ad-form">
                <SecretField label="새 PIN" value=pin autocomplete="new-password" digits=true />
                <SecretField
                    label="새 PIN 다시"
                    value=again
                    autocomplete="new-password"
                    digits=true
                />
                <BusyButton busy=busy label="PIN 바꾸기" working="저장 중…" />
            </form>
            {move || said.get().map(outcome)}
        </Card>
    }
}
