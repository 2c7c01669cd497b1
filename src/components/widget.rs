use super::{CategoryTabs, Header, MenuList, Notice, Skeleton};
use crate::api::ApiFailure;
use crate::options::{OptionsError, WidgetOptions};
use leptos::prelude::*;

/// The root: everything the widget draws sits under one `.tableorder` element, so a host
/// page's styles and the widget's never meet.
#[component]
pub fn Widget(options: Result<WidgetOptions, OptionsError>) -> impl IntoView {
    let lang = options.as_ref().map(|o| o.lang.code()).unwrap_or("ko");
    view! {
        <div class="tableorder" lang=lang>
            {match options {
                Ok(options) => view! { <StorePage options=options/> }.into_any(),
                Err(e) => view! { <Notice title="QR 코드를 다시 확인해 주세요" detail=options_message(&e)/> }.into_any(),
            }}
        </div>
    }
}

fn options_message(e: &OptionsError) -> String {
    match e {
        OptionsError::Missing(what) => {
            format!("이 주소에는 {what} 정보가 없습니다. 테이블의 QR 코드를 다시 스캔해 주세요.")
        }
        OptionsError::Invalid(what, value) => format!("{what} 값이 올바르지 않습니다: {value}"),
    }
}

pub fn failure_message(e: &ApiFailure) -> String {
    match e {
        ApiFailure::Network(_) => "인터넷 연결을 확인해 주세요. 연결되면 다시 시도합니다.".into(),
        ApiFailure::Refused { error, .. } => error.message.clone(),
        ApiFailure::Unexpected(detail) => format!("잠시 후 다시 시도해 주세요. ({detail})"),
    }
}

/// One table of one store: the header and the menu.
#[component]
fn StorePage(options: WidgetOptions) -> impl IntoView {
    let api = options.api();
    let (store, table) = (options.store.clone(), options.table.clone());
    let menu = LocalResource::new({
        let (api, store) = (api.clone(), store.clone());
        move || {
            let (api, store) = (api.clone(), store.clone());
            async move { api.menu(&store).await }
        }
    });
    let table_info = LocalResource::new(move || {
        let (api, store, table) = (api.clone(), store.clone(), table.clone());
        async move { api.table(&store, &table).await }
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton/> }>
            {move || {
                let menu = menu.get()?;
                let table = table_info.get()?;
                Some(match (menu, table) {
                    (Ok(menu), Ok(table)) => view! {
                        <Header store=menu.store.name.clone() open=menu.store.open table=table.name.clone()/>
                        <CategoryTabs categories=menu.categories.clone()/>
                        <MenuList categories=menu.categories/>
                    }
                    .into_any(),
                    (Err(e), _) | (_, Err(e)) => view! {
                        <Notice title="메뉴를 불러오지 못했습니다" detail=failure_message(&e)/>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}
