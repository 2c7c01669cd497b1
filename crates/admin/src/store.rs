//! The store as a whole: the status of its copy of the POS's data (and the refresh button),
//! its tables and their codes, its tablets, the staff PIN.

use crate::api::{self, store_path, when};
use crate::app::{error_line, fetched, loaded, outcome, use_session, BusyButton, SecretField};
use crate::host::{HostCode, HostCodes, Unconfirmed, UnconfirmedOrders};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Trouble {
    at_ms: i64,
    message: String,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct StatusOut {
    fetched_at_ms: Option<i64>,
    checked_at_ms: Option<i64>,
    menu_version: Option<String>,
    tables: Option<usize>,
    items: Option<usize>,
    stale: bool,
    open: bool,
    cash_taken: bool,
    troubles: Vec<Trouble>,
    #[serde(default)]
    host_codes: Vec<HostCode>,
    #[serde(default)]
    unconfirmed: Vec<Unconfirmed>,
}

fn at(ms: Option<i64>) -> String {
    ms.map(when).unwrap_or_else(|| "아직 없음".into())
}

#[component]
pub fn Status(store: String) -> impl IntoView {
    let session = use_session();
    let (status, again) = fetched::<StatusOut>(store_path(&store, "/status"));
    let refreshing = RwSignal::new(false);
    let said = RwSignal::new(None::<String>);
    let refresh_path = store_path(&store, "/refresh");
    let refresh = move |_| {
        let path = refresh_path.clone();
        refreshing.set(true);
        said.set(None);
        spawn_local(async move {
            let done = api::post::<Value>(&path, &json!({})).await;
            refreshing.set(false);
            said.set(Some(match done {
                Ok(v) if v["stale"] == true => {
                    "POS에 연결하지 못했습니다. 마지막으로 받은 정보를 계속 씁니다.".into()
                }
                Ok(v) => format!(
                    "POS에서 테이블 {}개, 메뉴 {}개를 새로 받았습니다.",
                    v["tables"], v["items"]
                ),
                Err(e) => session.explain(e),
            }));
            again();
        });
    };
    view! {
        <section class="ad-card" aria-labelledby="ad-status-title">
            <h2 id="ad-status-title">"POS 연결 상태"</h2>
            {move || loaded(
                status.get(),
                |s| {
                    view! {
                        <p class="ad-badges">
                            {if s.open {
                                view! { <span class="ad-badge ad-ok">"영업 중"</span> }
                            } else {
                                view! {
                                    <span class="ad-badge ad-bad">"주문 받지 않음"</span>
                                }
                            }}
                            {s
                                .stale
                                .then(|| {
                                    view! {
                                        <span class="ad-badge ad-warn">
                                            "오래된 정보 사용 중"
                                        </span>
                                    }
                                })}
                            {if s.cash_taken {
                                view! { <span class="ad-badge">"현금 결제 가능"</span> }
                            } else {
                                view! {
                                    <span class="ad-badge">
                                        "현금 결제 없음 (PIN 미설정)"
                                    </span>
                                }
                            }}
                        </p>
                        <dl class="ad-facts">
                            <dt>"테이블·메뉴를 받은 시각"</dt>
                            <dd>{at(s.fetched_at_ms)}</dd>
                            <dt>"메뉴 변경 확인"</dt>
                            <dd>{at(s.checked_at_ms)}</dd>
                            <dt>"메뉴 변경 표시"</dt>
                            <dd>{s.menu_version.unwrap_or_else(|| "-".into())}</dd>
                            <dt>"테이블 / 메뉴"</dt>
                            <dd>
                                {format!(
                                    "{}개 / {}개",
                                    s.tables.unwrap_or(0),
                                    s.items.unwrap_or(0),
                                )}
                            </dd>
                        </dl>
                        <h3>"최근 문제"</h3>
                        {if s.troubles.is_empty() {
                            view! { <p class="ad-muted">"없음"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="ad-list">
                                    {s
                                        .troubles
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
                        }}
                        <h3>"확인할 수 없는 주문"</h3>
                        <UnconfirmedOrders orders=s.unconfirmed />
                        <h3>"POS가 보낸 거절 코드"</h3>
                        <HostCodes codes=s.host_codes />
                    }
                        .into_any()
                },
            )}
            <p class="ad-muted">
                "POS에서 테이블이나 메뉴를 바꿨다면 아래 버튼으로 바로 받아 오세요."
            </p>
            <BusyButton
                busy=refreshing
                label="POS에서 새로 받기"
                working="POS에서 받는 중…"
                on_click=Callback::new(refresh)
            />
            <p role="status">{move || said.get()}</p>
        </section>
    }
}

#[derive(Deserialize, Clone)]
struct LinkOut {
    table: String,
    name: String,
    floor: String,
    url: String,
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn encoded(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

#[component]
pub fn Tables(store: String) -> impl IntoView {
    let session = use_session();
    let base = origin();
    let (links, again) = fetched::<Vec<LinkOut>>(store_path(
        &store,
        &format!("/links?baseUrl={}", encoded(&base)),
    ));
    let sheet = store_path(&store, &format!("/qr?baseUrl={}", encoded(&base)));
    let rotating = RwSignal::new(false);
    let said = RwSignal::new(None::<String>);
    let rotate_path = store_path(&store, "/link-key");
    let rotate = move |_| {
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message("새 키를 만들면 지금 테이블에 붙은 QR 코드가 모두 바로 작동하지 않습니다. 새 QR 코드를 인쇄해 붙여야 합니다. 계속할까요?").ok())
            .unwrap_or(false);
        if !sure {
            return;
        }
        let path = rotate_path.clone();
        rotating.set(true);
        spawn_local(async move {
            let done = api::post::<Value>(&path, &json!({})).await;
            rotating.set(false);
            said.set(Some(match done {
                Ok(_) => "새 키로 바꿨습니다. QR 코드를 다시 인쇄하세요.".into(),
                Err(e) => session.explain(e),
            }));
            again();
        });
    };
    view! {
        <section class="ad-card" aria-labelledby="ad-tables-title">
            <h2 id="ad-tables-title">"테이블과 QR 코드"</h2>
            <p>
                <a class="ad-button" href=sheet target="_blank" rel="noopener">
                    "인쇄용 QR 코드 시트 열기"
                </a>
            </p>
            {move || loaded(
                links.get(),
                |links| {
                    view! {
                        <ul class="ad-list">
                            {links
                                .into_iter()
                                .map(|l| {
                                    view! {
                                        <li class="ad-row">
                                            <span>
                                                <strong>{l.name}</strong>
                                                " "
                                                <span class="ad-muted">
                                                    {format!("{}층 · {}", l.floor, l.table)}
                                                </span>
                                            </span>
                                            <a
                                                href=l.url.clone()
                                                target="_blank"
                                                rel="noopener"
                                                class="ad-link"
                                            >
                                                "주문 화면 열기"
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                },
            )}
            <h3>"QR 코드 키 바꾸기"</h3>
            <p class="ad-muted">
                "QR 코드 사진이 밖으로 퍼져 매장 밖에서 주문이 들어올 때 씁니다. 붙어 있는 QR 코드는 모두 다시 인쇄해야 합니다."
            </p>
            <BusyButton
                busy=rotating
                label="새 키 만들기"
                working="바꾸는 중…"
                class="ad-button ad-danger"
                on_click=Callback::new(rotate)
            />
            <p role="status">{move || said.get()}</p>
        </section>
    }
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct DeviceOut {
    device_id: String,
    name: String,
    enrolled_at_ms: i64,
    last_seen_at_ms: Option<i64>,
    revoked_at_ms: Option<i64>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct CodeOut {
    code: String,
    expires_at_ms: i64,
    qr_svg: Option<String>,
}

#[component]
pub fn Tablets(store: String) -> impl IntoView {
    let session = use_session();
    let (devices, again) = fetched::<Vec<DeviceOut>>(store_path(&store, "/devices"));
    let code = RwSignal::new(None::<Result<CodeOut, String>>);
    let issuing = RwSignal::new(false);
    let code_path = store_path(
        &store,
        &format!("/enrolment-codes?baseUrl={}", encoded(&origin())),
    );
    let issue = move |_| {
        let path = code_path.clone();
        issuing.set(true);
        spawn_local(async move {
            let got = api::post::<CodeOut>(&path, &json!({})).await;
            issuing.set(false);
            code.set(Some(got.map_err(|e| session.explain(e))));
        });
    };
    let store = StoredValue::new(store);
    let revoke = move |device: String, name: String| {
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message(&format!("'{name}' 태블릿의 등록을 해제할까요? 이 태블릿은 바로 결제를 받을 수 없게 됩니다.")).ok())
            .unwrap_or(false);
        if sure {
            let path = store_path(
                &store.get_value(),
                &format!("/devices/{}", encoded(&device)),
            );
            spawn_local(async move {
                if let Err(e) = api::delete(&path).await {
                    session.explain(e);
                }
                again();
            });
        }
    };
    view! {
        <section class="ad-card" aria-labelledby="ad-tablets-title">
            <h2 id="ad-tablets-title">"태블릿"</h2>
            <p class="ad-muted">
                "결제(선결제·현금)는 매장에 등록된 태블릿에서만 받습니다. 일회용 코드는 15분 동안 한 대에 쓸 수 있습니다."
            </p>
            <BusyButton
                busy=issuing
                label="태블릿 등록 코드 만들기"
                working="만드는 중…"
                on_click=Callback::new(issue)
            />
            {move || code.get().map(|c| c.map_or_else(error_line, enrolment_code_view))}
            <h3>"등록된 태블릿"</h3>
            {move || loaded(
                devices.get(),
                |devices| match devices {
                    list if list.is_empty() => {
                        view! { <p class="ad-muted">"아직 없습니다."</p> }.into_any()
                    }
                    list => {
                        view! {
                            <ul class="ad-list">
                                {list
                                    .into_iter()
                                    .map(|d| {
                                        let (id, name) = (d.device_id.clone(), d.name.clone());
                                        view! {
                                            <li class="ad-row">
                                                <span>
                                                    <strong>{d.name.clone()}</strong>
                                                    <span class="ad-muted">
                                                        {format!(
                                                            " 등록 {} · 마지막 사용 {}",
                                                            when(d.enrolled_at_ms),
                                                            d.last_seen_at_ms.map(when).unwrap_or_else(|| "-".into()),
                                                        )}
                                                    </span>
                                                </span>
                                                {match d.revoked_at_ms {
                                                    Some(at) => {
                                                        view! {
                                                            <span class="ad-badge">
                                                                {format!("해제됨 {}", when(at))}
                                                            </span>
                                                        }
                                                            .into_any()
                                                    }
                                                    None => {
                                                        view! {
                                                            <button
                                                                type="button"
                                                                class="ad-button ad-danger"
                                                                on:click=move |_| revoke(id.clone(), name.clone())
                                                            >
                                                                "등록 해제"
                                                            </button>
                                                        }
                                                            .into_any()
                                                    }
                                                }}
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
            let done = api::put(&path, &json!({ "pin": pin.get_untracked() })).await;
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
        <section class="ad-card" aria-labelledby="ad-pin-title">
            <h2 id="ad-pin-title">"직원 PIN"</h2>
            <p class="ad-muted">
                "태블릿에서 현금 주문을 확인할 때 직원이 입력하는 번호입니다 (숫자 6~12자리)."
            </p>
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
        </section>
    }
}

/// A fresh enrolment code: the code, until when, and its QR code for the tablet's camera.
fn enrolment_code_view(c: CodeOut) -> AnyView {
    view! {
        <div class="ad-code">
            <p class="ad-code-text">{c.code}</p>
            <p class="ad-muted">
                {format!(
                    "{}까지 사용할 수 있습니다. 태블릿 카메라로 QR 코드를 찍거나 코드를 입력하세요.",
                    when(c.expires_at_ms),
                )}
            </p>
            {c
                .qr_svg
                .map(|svg| {
                    view! { <div class="ad-qr" inner_html=svg></div> }
                })}
        </div>
    }
        .into_any()
}
