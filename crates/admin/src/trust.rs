//! Who may order and take payment: the tables' QR codes (one table's renewed alone, or a
//! new key for all) and the store's tablets (enrolment codes, binding one to a table,
//! revoking a lost one).

use crate::api::{self, store_path, when};
use crate::fields::{error_line, fetch_state, BusyButton, Card};
use crate::session::{came_empty, fetched, rows, use_session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use order_core::owner::{EnrolmentCode, LinkKey, RenewedLink, TableLink, Tablet, TabletBinding};

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

/// Asks the owner before something that cannot be taken back.
fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

#[component]
pub fn Tables(store: String) -> impl IntoView {
    let session = use_session();
    let base = origin();
    let (links, again) = fetched::<Vec<TableLink>>(store_path(
        &store,
        &format!("/links?baseUrl={}", encoded(&base)),
    ));
    let link_rows = rows(links);
    let sheet = store_path(&store, &format!("/qr?baseUrl={}", encoded(&base)));
    let rotating = RwSignal::new(false);
    let said = RwSignal::new(None::<String>);
    let rotate_path = store_path(&store, "/link-key");
    let rotate = move |_| {
        if !confirmed("새 키를 만들면 지금 테이블에 붙은 QR 코드가 모두 바로 작동하지 않습니다. 새 QR 코드를 인쇄해 붙여야 합니다. 계속할까요?") {
            return;
        }
        let path = rotate_path.clone();
        rotating.set(true);
        spawn_local(async move {
            let done = api::act::<LinkKey>(&path).await;
            rotating.set(false);
            said.set(Some(match done {
                Ok(_) => "새 키로 바꿨습니다. QR 코드를 다시 인쇄하세요.".into(),
                Err(e) => session.explain(e),
            }));
            again();
        });
    };
    let store = StoredValue::new(store);
    let renewed = Callback::new(move |words: String| {
        said.set(Some(words));
        again();
    });
    view! {
        <section class="ad-card" aria-labelledby="ad-tables-title">
            <h2 id="ad-tables-title">"테이블과 QR 코드"</h2>
            <p>
                <a class="ad-button" href=sheet target="_blank" rel="noopener">
                    "인쇄용 QR 코드 시트 열기"
                </a>
            </p>
            <p role="status">{move || said.get()}</p>
            {move || links.with(fetch_state)}
            <ul class="ad-list">
                <For each=move || link_rows.get() key=|l| l.url.clone() let:link>
                    <TableRow store=store.get_value() link=link renewed=renewed />
                </For>
            </ul>
            <h3>"QR 코드 키 바꾸기"</h3>
            <p class="ad-muted">
                "한 테이블의 QR 코드 사진이 퍼졌다면 그 테이블의 '이 QR만 새로'로 충분합니다. 어느 테이블인지 모를 때만 모든 QR 코드를 바꾸세요: 모두 다시 인쇄해야 합니다."
            </p>
            <BusyButton
                busy=rotating
                label="새 키 만들기"
                working="바꾸는 중…"
                class="ad-button ad-danger"
                on_click=Callback::new(rotate)
            />
        </section>
    }
}

/// One table: its name, its order page, and its own code renewed alone.
#[component]
fn TableRow(store: String, link: TableLink, renewed: Callback<String>) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let path = store_path(
        &store,
        &format!(
            "/tables/{}/link-key?baseUrl={}",
            encoded(&link.table),
            encoded(&origin())
        ),
    );
    let name = link.name.clone();
    let renew = move |_| {
        if !confirmed(&format!(
            "'{name}'의 QR 코드만 새로 만듭니다. 지금 붙은 이 테이블의 QR 코드는 바로 작동하지 않고, 다른 테이블은 그대로입니다. 계속할까요?"
        )) {
            return;
        }
        let (path, name) = (path.clone(), name.clone());
        busy.set(true);
        spawn_local(async move {
            let done = api::act::<RenewedLink>(&path).await;
            busy.set(false);
            renewed.run(match done {
                Ok(_) => {
                    format!("'{name}'의 QR 코드를 새로 만들었습니다. 시트에서 인쇄해 붙이세요.")
                }
                Err(e) => session.explain(e),
            });
        });
    };
    view! {
        <li class="ad-row">
            <span>
                <strong>{link.name}</strong>
                " "
                <span class="ad-muted">{format!("{}층 · {}", link.floor, link.table)}</span>
            </span>
            <span class="ad-actions">
                <a href=link.url target="_blank" rel="noopener" class="ad-link">
                    "주문 화면 열기"
                </a>
                <BusyButton
                    busy=busy
                    label="이 QR만 새로"
                    working="만드는 중…"
                    class="ad-button"
                    on_click=Callback::new(renew)
                />
            </span>
        </li>
    }
}

#[component]
pub fn Tablets(store: String) -> impl IntoView {
    let session = use_session();
    let (devices, again) = fetched::<Vec<Tablet>>(store_path(&store, "/devices"));
    let device_rows = rows(devices);
    // The tables a tablet may be bound to.
    let (tables, _) = fetched::<Vec<TableLink>>(store_path(
        &store,
        &format!("/links?baseUrl={}", encoded(&origin())),
    ));
    let code = RwSignal::new(None::<Result<EnrolmentCode, String>>);
    let issuing = RwSignal::new(false);
    let code_path = store_path(
        &store,
        &format!("/enrolment-codes?baseUrl={}", encoded(&origin())),
    );
    let issue = move |_| {
        let path = code_path.clone();
        issuing.set(true);
        spawn_local(async move {
            let got = api::act::<EnrolmentCode>(&path).await;
            issuing.set(false);
            code.set(Some(got.map_err(|e| session.explain(e))));
        });
    };
    let store = StoredValue::new(store);
    let table_choices = Memo::new(move |_| {
        tables
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.table, t.name))
            .collect::<Vec<_>>()
    });
    let changed = Callback::new(move |()| again());
    view! {
        <Card
            id="ad-tablets"
            title="태블릿"
            note="결제(선결제·현금)는 매장에 등록된 태블릿에서만 받습니다. 일회용 코드는 15분 동안 한 대에 쓸 수 있습니다. 한동안 쓰지 않은 태블릿은 다시 등록해야 합니다."
        >
            <BusyButton
                busy=issuing
                label="태블릿 등록 코드 만들기"
                working="만드는 중…"
                on_click=Callback::new(issue)
            />
            {move || code.get().map(|c| c.map_or_else(error_line, enrolment_code_view))}
            <h3>"등록된 태블릿"</h3>
            {move || devices.with(fetch_state)}
            <Show when=move || came_empty(devices)>
                <p class="ad-muted">"아직 없습니다."</p>
            </Show>
            <ul class="ad-list">
                <For
                    each=move || device_rows.get()
                    key=|d| (d.device_id.clone(), d.revoked_at_ms, d.table.clone())
                    let:device
                >
                    <TabletRow
                        store=store.get_value()
                        device=device
                        tables=table_choices
                        changed=changed
                    />
                </For>
            </ul>
        </Card>
    }
}

/// One tablet: when it was enrolled and last used, the table it stands at, revoking it.
#[component]
fn TabletRow(
    store: String,
    device: Tablet,
    tables: Memo<Vec<(String, String)>>,
    changed: Callback<()>,
) -> impl IntoView {
    let path = store_path(&store, &format!("/devices/{}", encoded(&device.device_id)));
    let seen = format!(
        " 등록 {} · 마지막 사용 {}",
        when(device.enrolled_at_ms),
        device
            .last_seen_at_ms
            .map(when)
            .unwrap_or_else(|| "-".into()),
    );
    let actions = match device.revoked_at_ms {
        Some(at) => {
            view! { <span class="ad-badge">{format!("해제됨 {}", when(at))}</span> }.into_any()
        }
        None => view! {
            <span class="ad-actions">
                <TableBinding
                    path=format!("{path}/table")
                    bound=device.table.clone().unwrap_or_default()
                    tables
                    changed
                />
                <RevokeButton path name=device.name.clone() changed />
            </span>
        }
        .into_any(),
    };
    view! {
        <li class="ad-row">
            <span>
                <strong>{device.name}</strong>
                <span class="ad-muted">{seen}</span>
            </span>
            {actions}
        </li>
    }
}

/// The table a tablet stands at (`bound`, empty for any), changed as soon as it is chosen.
#[component]
fn TableBinding(
    path: String,
    bound: String,
    tables: Memo<Vec<(String, String)>>,
    changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let bind = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let table = (!chosen.is_empty()).then_some(chosen);
        let path = path.clone();
        spawn_local(async move {
            if let Err(e) = api::put(&path, &TabletBinding { table }).await {
                session.explain(e);
            }
            changed.run(());
        });
    };
    let anywhere = bound.is_empty();
    let options = move || {
        tables
            .get()
            .into_iter()
            .map(|(id, name)| {
                let selected = id == bound;
                view! {
                    <option value=id selected=selected>
                        {name}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <label class="ad-inline">
            "테이블 고정 " <select on:change=bind>
                <option value="" selected=anywhere>
                    "어느 테이블이나"
                </option>
                {options}
            </select>
        </label>
    }
}

/// Revokes the tablet after the owner confirms: at once, on every server.
#[component]
fn RevokeButton(path: String, name: String, changed: Callback<()>) -> impl IntoView {
    let session = use_session();
    let revoke = move |_| {
        if !confirmed(&format!(
            "'{name}' 태블릿의 등록을 해제할까요? 모든 서버에서 바로 주문과 결제를 받을 수 없게 됩니다."
        )) {
            return;
        }
        let path = path.clone();
        spawn_local(async move {
            if let Err(e) = api::delete(&path).await {
                session.explain(e);
            }
            changed.run(());
        });
    };
    view! {
        <button type="button" class="ad-button ad-danger" on:click=revoke>
            "등록 해제"
        </button>
    }
}

/// A fresh enrolment code: the code, until when, and its QR code for the tablet's camera.
fn enrolment_code_view(c: EnrolmentCode) -> AnyView {
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
