//! The menu as the owner dresses it: for each item of the POS's menu a photo, a description,
//! names in English, Chinese and Japanese, "sold out today" and "hidden". Items gone from the
//! POS keep what was written about them, shown as orphaned until removed.

use crate::api::{self, store_path};
use crate::fields::{fetch_state, outcome, Card, TextField};
use crate::session::{fetched, rows, use_session, Session};
use leptos::prelude::*;
use leptos::task::spawn_local;
use order_core::owner::{ItemEdit, StoreItem, StoredPhoto};
use order_core::{ItemText, DESCRIPTION_MAX_CHARS, ITEM_TEXT_LANGS, NAME_MAX_CHARS};
use wasm_bindgen::JsCast;

/// What the owner calls each language a store may write item texts in.
fn lang_label(code: &str) -> &'static str {
    match code {
        "en" => "영어",
        "zh" => "중국어",
        "ja" => "일본어",
        _ => "기타",
    }
}

fn item_path(store: &str, item: &str) -> String {
    let id = js_sys::encode_uri_component(item)
        .as_string()
        .unwrap_or_default();
    store_path(store, &format!("/items/{id}"))
}

#[component]
pub fn MenuEditor(store: String) -> impl IntoView {
    let (items, again) = fetched::<Vec<StoreItem>>(store_path(&store, "/items"));
    let list = rows(items);
    let editing = RwSignal::new(None::<String>);
    let store = StoredValue::new(store);
    view! {
        <Card
            id="ad-menu"
            title="메뉴"
            note="사진·설명·외국어 이름·품절은 이 서버에 저장되어 손님 화면에 바로 보입니다. POS 메뉴를 새로 받아도 그대로 남습니다."
        >
            {move || items.with(fetch_state)}
            <For each=move || menu_rows(list.get()) key=MenuRow::key let:row>
                {match row {
                    MenuRow::Heading(title) => {
                        view! { <h3 class="ad-category">{title}</h3> }.into_any()
                    }
                    MenuRow::Item(item) => {
                        view! {
                            <ItemRow
                                item=item
                                store=store.get_value()
                                editing=editing
                                again=again
                            />
                        }
                            .into_any()
                    }
                }}
            </For>
        </Card>
    }
}

/// A line of the menu's list: a category's heading, or an item under it.
#[derive(Clone)]
enum MenuRow {
    Heading(String),
    Item(StoreItem),
}

impl MenuRow {
    /// An item's row is kept while the item is as it was; a changed item is drawn anew.
    fn key(&self) -> String {
        match self {
            MenuRow::Heading(title) => format!("heading {title}"),
            MenuRow::Item(item) => {
                format!("item {}", serde_json::to_string(item).unwrap_or_default())
            }
        }
    }
}

/// The list in the POS's order, a heading before each category's first item; items gone
/// from the POS last, under a heading of their own.
fn menu_rows(items: Vec<StoreItem>) -> Vec<MenuRow> {
    let mut rows = Vec::with_capacity(items.len() + 16);
    let mut last_category = None::<Option<String>>;
    for item in items {
        if last_category.as_ref() != Some(&item.category) {
            last_category = Some(item.category.clone());
            let title = item
                .category
                .clone()
                .unwrap_or_else(|| "POS에서 사라진 메뉴".into());
            rows.push(MenuRow::Heading(title));
        }
        rows.push(MenuRow::Item(item));
    }
    rows
}

/// One item of the list. It keeps its own copy of what was saved, so a save or an upload
/// redraws this row only (an editor open elsewhere keeps what is typed in it).
#[component]
fn ItemRow(
    item: StoreItem,
    store: String,
    editing: RwSignal<Option<String>>,
    again: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = item.id.clone();
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| editing.get().as_deref() == Some(id.as_str()))
    };
    let toggle = move |_| {
        editing.update(|e| {
            *e = if e.as_deref() == Some(id.as_str()) {
                None
            } else {
                Some(id.clone())
            }
        })
    };
    let current = RwSignal::new(item);
    let path = current.with_untracked(|i| item_path(&store, &i.id));
    let item = current.get_untracked();
    let title = item.name.clone().unwrap_or_else(|| item.id.clone());
    view! {
        <div
            class="ad-item"
            class:ad-item-hidden=move || current.with(|i| i.hidden)
            data-item=item.id.clone()
        >
            <ItemThumb current />
            <div class="ad-item-text">
                <strong>{title}</strong>
                <span class="ad-muted">{item.price.map(|p| p.korean())}</span>
                <span class="ad-badges">
                    <ItemBadges current />
                </span>
            </div>
            <div class="ad-item-actions">
                <SoldOutToday current path=path.clone() />
                <button
                    type="button"
                    class="ad-button"
                    on:click=toggle
                    aria-expanded=move || is_open.get().to_string()
                >
                    "편집"
                </button>
            </div>
        </div>
        <Show when=move || is_open.get()>
            <ItemForm current=current path=path.clone() editing=editing again=again />
        </Show>
    }
}

/// The item's photo as guests see it in the list, or an empty frame.
#[component]
fn ItemThumb(current: RwSignal<StoreItem>) -> impl IntoView {
    move || match current.with(|i| i.photo.clone()) {
        Some(photo) => view! {
            <img
                class="ad-thumb"
                src=format!("/photos/{photo}/320.jpg")
                alt=""
                width="96"
                height="72"
            />
        }
        .into_any(),
        None => {
            view! { <span class="ad-thumb ad-thumb-none" aria-hidden="true"></span> }.into_any()
        }
    }
}

/// What sets the item apart: gone from the POS, sold out there, hidden, other languages.
#[component]
fn ItemBadges(current: RwSignal<StoreItem>) -> impl IntoView {
    move || {
        current.with(|i| view! {
            {i.orphaned.then(|| view! { <span class="ad-badge ad-warn">"POS에 없음"</span> })}
            {i.sold_out_on_pos.then(|| view! { <span class="ad-badge">"POS 품절"</span> })}
            {i.hidden.then(|| view! { <span class="ad-badge">"숨김"</span> })}
            {(!i.texts.is_empty())
                .then(|| {
                    view! {
                        <span class="ad-badge ad-ok">{format!("외국어 {}", i.texts.len())}</span>
                    }
                })}
        })
    }
}

/// "Sold out today", saved as soon as it is ticked; a failed save is said and not kept.
#[component]
fn SoldOutToday(current: RwSignal<StoreItem>, path: String) -> impl IntoView {
    let session = use_session();
    let saving = RwSignal::new(false);
    let quick = move |ev: leptos::ev::Event| {
        let mut edit = current.with_untracked(|i| ItemEdit::from(i));
        edit.sold_out_today = event_target_checked(&ev);
        let path = path.clone();
        saving.set(true);
        spawn_local(async move {
            match api::put(&path, &edit).await {
                Ok(()) => current.update(|i| i.sold_out_today = edit.sold_out_today),
                Err(e) => {
                    let _ = web_sys::window().map(|w| w.alert_with_message(&session.explain(e)));
                }
            }
            saving.set(false);
        });
    };
    view! {
        <label class="ad-check">
            <input
                type="checkbox"
                prop:checked=move || current.with(|i| i.sold_out_today)
                on:change=quick
                disabled=move || saving.get()
            />
            <span title="다음 영업일(오전 5시)에 풀립니다">"오늘 품절"</span>
        </label>
    }
}

/// What the owner says of one item: its photo, its description, its name and description
/// in other languages, and whether guests see it.
#[component]
fn ItemForm(
    current: RwSignal<StoreItem>,
    path: String,
    editing: RwSignal<Option<String>>,
    again: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let item = current.get_untracked();
    let description = RwSignal::new(item.description.clone().unwrap_or_default());
    let texts: Vec<LangText> = ITEM_TEXT_LANGS
        .iter()
        .map(|lang| LangText::of(&item, lang))
        .collect();
    let hidden = RwSignal::new(item.hidden);
    let busy = RwSignal::new(None::<&'static str>);
    let said = RwSignal::new(None::<Result<String, String>>);
    let form_texts = texts.clone();
    let save_path = path.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = ItemEdit {
            description: Some(description.get_untracked()),
            texts: form_texts.iter().map(LangText::edited).collect(),
            hidden: hidden.get_untracked(),
            // Marked on the row itself, one switch for the one fact.
            sold_out_today: current.with_untracked(|i| i.sold_out_today),
        };
        send_edit(session, save_path.clone(), edit, current, busy, said);
    };
    view! {
        <form class="ad-editor" on:submit=save>
            <PhotoField current=current path=format!("{path}/photo") busy=busy said=said />
            <label class="ad-field">
                <span>"설명 (한국어)"</span>
                <textarea
                    rows="2"
                    maxlength=DESCRIPTION_MAX_CHARS
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                ></textarea>
            </label>
            {texts.into_iter().map(|text| view! { <LangFields text=text /> }).collect_view()}
            <label class="ad-check">
                <input
                    type="checkbox"
                    prop:checked=move || hidden.get()
                    on:change=move |ev| hidden.set(event_target_checked(&ev))
                />
                <span>"손님 화면에서 숨기기"</span>
            </label>
            <div class="ad-actions">
                <button
                    type="submit"
                    class="ad-button ad-primary"
                    disabled=move || busy.get().is_some()
                >
                    "저장"
                </button>
                {item
                    .orphaned
                    .then(|| {
                        view! {
                            <ForgetButton path=path.clone() editing=editing again=again said=said />
                        }
                    })}
            </div>
            <p role="status" class="ad-muted">
                {move || busy.get()}
            </p>
            {move || said.get().map(outcome)}
        </form>
    }
}

/// What the form is doing now, if anything ("저장 중…").
type Busy = RwSignal<Option<&'static str>>;
/// What the last save or upload came to, in the owner's words.
type Said = RwSignal<Option<Result<String, String>>>;

/// Saves the owner's edit; the row shows it once the server has it.
fn send_edit(
    session: Session,
    path: String,
    edit: ItemEdit,
    current: RwSignal<StoreItem>,
    busy: Busy,
    said: Said,
) {
    busy.set(Some("저장 중…"));
    spawn_local(async move {
        let done = api::put(&path, &edit).await;
        busy.set(None);
        match done {
            Ok(()) => {
                said.set(Some(Ok("저장했습니다. 손님 화면에 바로 보입니다.".into())));
                current.update(|i| saved(i, edit));
            }
            Err(e) => said.set(Some(Err(session.explain(e)))),
        }
    });
}

/// An item's name and description in one language other than Korean, as being edited.
#[derive(Clone)]
struct LangText {
    lang: &'static str,
    label: &'static str,
    name: RwSignal<String>,
    description: RwSignal<String>,
}

impl LangText {
    fn of(item: &StoreItem, lang: &'static str) -> LangText {
        let text = item.texts.iter().find(|t| t.lang == lang);
        LangText {
            lang,
            label: lang_label(lang),
            name: RwSignal::new(text.map(|t| t.name.clone()).unwrap_or_default()),
            description: RwSignal::new(
                text.and_then(|t| t.description.clone()).unwrap_or_default(),
            ),
        }
    }

    fn edited(&self) -> ItemText {
        ItemText {
            lang: self.lang.to_string(),
            name: self.name.get_untracked(),
            description: Some(self.description.get_untracked()),
        }
    }
}

#[component]
fn LangFields(text: LangText) -> impl IntoView {
    view! {
        <fieldset class="ad-lang">
            <legend>{text.label}</legend>
            <TextField label="이름" value=text.name lang=text.lang max=NAME_MAX_CHARS />
            <TextField
                label="설명"
                value=text.description
                lang=text.lang
                max=DESCRIPTION_MAX_CHARS
            />
        </fieldset>
    }
}

/// The item as saved: empty texts are none.
fn saved(item: &mut StoreItem, edit: ItemEdit) {
    item.description = edit.description.filter(|d| !d.trim().is_empty());
    item.texts = edit
        .texts
        .into_iter()
        .filter(|t| !t.name.trim().is_empty())
        .collect();
    item.hidden = edit.hidden;
    item.sold_out_today = edit.sold_out_today;
}

/// The item's photo as guests see it now, and a file to put in its place.
#[component]
fn PhotoField(current: RwSignal<StoreItem>, path: String, busy: Busy, said: Said) -> impl IntoView {
    let session = use_session();
    let upload = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        let path = path.clone();
        busy.set(Some("사진 올리는 중…"));
        said.set(None);
        spawn_local(async move {
            let done = api::upload::<StoredPhoto>(&path, file).await;
            busy.set(None);
            match done {
                Ok(v) => {
                    current.update(|i| i.photo = Some(v.photo));
                    said.set(Some(Ok("사진을 올렸습니다.".into())));
                }
                Err(e) => said.set(Some(Err(session.explain(e)))),
            }
        });
    };
    let field_id = current.with_untracked(|i| format!("ad-photo-{}", i.id));
    view! {
        <div class="ad-photo-field">
            {move || {
                current
                    .with(|i| i.photo.clone())
                    .map(|p| {
                        view! {
                            <img
                                class="ad-photo"
                                src=format!("/photos/{p}/960.jpg")
                                alt="지금 사진"
                                width="320"
                                height="240"
                            />
                        }
                    })
            }} <label class="ad-field" for=field_id.clone()>
                <span>"사진 (JPEG·PNG, 12MB까지)"</span>
            </label>
            <input
                id=field_id
                type="file"
                accept="image/jpeg,image/png"
                on:change=upload
                disabled=move || busy.get().is_some()
            />
        </div>
    }
}

/// Deletes what was written for an item the POS no longer has.
#[component]
fn ForgetButton(
    path: String,
    editing: RwSignal<Option<String>>,
    again: impl Fn() + Copy + Send + Sync + 'static,
    said: Said,
) -> impl IntoView {
    let session = use_session();
    let remove = move |_| {
        let path = path.clone();
        spawn_local(async move {
            match api::delete(&path).await {
                Ok(()) => {
                    editing.set(None);
                    again();
                }
                Err(e) => said.set(Some(Err(session.explain(e)))),
            }
        });
    };
    view! {
        <button type="button" class="ad-button ad-danger" on:click=remove>
            "적어 둔 내용 삭제"
        </button>
    }
}
