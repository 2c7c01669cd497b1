use super::{
    CartBar, CartSheet, CategoryTabs, Header, HistorySheet, ItemSheet, MenuList, Notice, Skeleton,
    StaffCallSheet, StatusPanel,
};
use crate::api::ApiFailure;
use crate::i18n::*;
use crate::options::{Lang, Mode, OptionsError, WidgetOptions};
use crate::ordering::Ordering;
use crate::shop::Shop;
use leptos::prelude::*;
use order_core::flow::PayMode;
use order_core::{ClientConfig, ErrorCode, Menu, Table};

/// The root: everything the widget draws sits under one `.tableorder` element, so a host
/// page's styles and the widget's never meet. The host page's `<html lang>` is left alone.
#[component]
pub fn Widget(options: Result<WidgetOptions, OptionsError>) -> impl IntoView {
    let lang = options.as_ref().map(|o| o.lang).unwrap_or_default();
    view! {
        <Localized lang=lang>
            <Root options=options/>
        </Localized>
    }
}

/// Translations for everything inside, in `lang` (Korean unless the host asks otherwise),
/// without touching the host page's `<html>`.
#[component]
pub fn Localized(lang: Lang, children: Children) -> impl IntoView {
    view! {
        <I18nContextProvider set_lang_attr_on_html=false set_dir_attr_on_html=false>
            <InitialLocale lang=lang/>
            {children()}
        </I18nContextProvider>
    }
}

#[component]
fn InitialLocale(lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let initial = match lang {
        Lang::Ko => Locale::ko,
        Lang::En => Locale::en,
    };
    // Runs after the provider's own first effect, which would follow the browser's language.
    Effect::new(move |_| i18n.set_locale(initial));
}

#[component]
fn Root(options: Result<WidgetOptions, OptionsError>) -> impl IntoView {
    let i18n = use_i18n();
    let code = move || {
        if i18n.get_locale() == Locale::en {
            "en"
        } else {
            "ko"
        }
    };
    view! {
        <div class="tableorder" lang=code>
            {match options {
                Ok(options) => view! { <StorePage options=options.with_kept_token()/> }.into_any(),
                Err(_) => view! { <Notice title=t_string!(i18n, qr_title).to_string() detail=t_string!(i18n, qr_detail).to_string()/> }.into_any(),
            }}
        </div>
    }
}

pub fn failure_message(e: &ApiFailure, offline: &str) -> String {
    match e {
        ApiFailure::Network(_) => offline.to_string(),
        ApiFailure::Refused { error, .. } => error.message.clone(),
        ApiFailure::Unexpected(detail) => detail.clone(),
    }
}

/// Why the page cannot open the table.
#[derive(Debug, Clone)]
enum LoadFailure {
    /// The store or table does not exist for this link: no token, an altered one, or one
    /// from before the store printed new codes. Only the code on the table helps.
    ScanAgain,
    /// A tablet that is not (or no longer) enrolled at the store.
    NotEnrolled,
    Other(ApiFailure),
}

/// What the server put in the table's page (`#tableorder-boot`), so that the widget need not
/// ask before it can show the menu. Each part may be missing.
#[derive(serde::Deserialize)]
struct Boot {
    store: String,
    config: Option<ClientConfig>,
    menu: Option<Menu>,
    table: Option<Table>,
}

/// Takes the page's boot data once: a later load (after "try again") asks the server.
fn take_boot(store: &str) -> Option<Boot> {
    let document = web_sys::window()?.document()?;
    let element = document.get_element_by_id("tableorder-boot")?;
    let text = element.text_content()?;
    element.remove();
    serde_json::from_str::<Boot>(&text)
        .ok()
        .filter(|b| b.store == store)
}

/// Everything the page needs before it can show the menu: from the page itself when the
/// server put it there, otherwise fetched together.
async fn load(options: &WidgetOptions) -> Result<(ClientConfig, Menu, Table), LoadFailure> {
    let api = &options.api();
    let boot = take_boot(&options.store);
    let (config, menu, table) = boot
        .map(|b| (b.config, b.menu, b.table.filter(|t| t.id == options.table)))
        .unwrap_or_default();
    // What is missing, in parallel: on a weak connection each round trip counts.
    let (config, menu, table) = futures_util::join!(
        async {
            match config {
                Some(c) => Ok(c),
                None => api.config().await,
            }
        },
        async {
            match menu {
                Some(m) => Ok(m),
                None => api.menu(&options.store).await,
            }
        },
        async {
            match table {
                Some(t) => Ok(t),
                None => api.table(&options.store, &options.table).await,
            }
        },
    );
    let refused =
        |e: &ApiFailure, code| matches!(e, ApiFailure::Refused { error, .. } if error.code == code);
    match (config, menu, table) {
        (Ok(config), Ok(menu), Ok(table)) => Ok((config, menu, table)),
        // No such store or table for this link: only the code on the table helps.
        (_, Err(e), _) | (_, _, Err(e)) if refused(&e, ErrorCode::NotFound) => {
            Err(LoadFailure::ScanAgain)
        }
        (_, _, Err(e)) if refused(&e, ErrorCode::DeviceRequired) => Err(LoadFailure::NotEnrolled),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(LoadFailure::Other(e)),
    }
}

#[component]
fn StorePage(options: WidgetOptions) -> impl IntoView {
    let i18n = use_i18n();
    let opts = StoredValue::new_local(options);
    let loaded = LocalResource::new(move || {
        let options = opts.get_value();
        async move { load(&options).await }
    });
    view! {
        <Suspense fallback=|| view! { <Skeleton/> }>
            {move || {
                loaded.get().map(|result| match result {
                    Ok((config, menu, table)) => view! {
                        <Storefront options=opts.get_value() config=config menu=menu table=table/>
                    }.into_any(),
                    Err(LoadFailure::ScanAgain) => view! {
                        <Notice title=t_string!(i18n, scan_again_title).to_string() detail=t_string!(i18n, scan_again_detail).to_string()/>
                    }.into_any(),
                    Err(LoadFailure::NotEnrolled) => view! {
                        <Notice title=t_string!(i18n, menu_failed).to_string() detail=t_string!(i18n, err_device_required).to_string()/>
                    }.into_any(),
                    Err(LoadFailure::Other(e)) => {
                        let detail = failure_message(&e, t_string!(i18n, offline));
                        view! {
                            <Notice title=t_string!(i18n, menu_failed).to_string() detail=detail/>
                            <p class="to-center">
                                <button type="button" class="to-button" on:click=move |_| loaded.refetch()>
                                    {t!(i18n, try_again)}
                                </button>
                            </p>
                        }.into_any()
                    }
                })
            }}
        </Suspense>
    }
}

/// One table's page: contexts for the menu, the cart and the order in flight.
#[component]
fn Storefront(
    options: WidgetOptions,
    config: ClientConfig,
    menu: Menu,
    table: Table,
) -> impl IntoView {
    let mode = match options.mode {
        Mode::Postpaid => PayMode::Postpaid,
        Mode::Prepaid => PayMode::Prepaid,
        Mode::Cash => PayMode::Cash,
    };
    let store_info = menu.store.clone();
    let stale = menu.stale;
    let categories = menu.categories.clone();
    Shop::provide(menu, &options.store, &options.table, config);
    Ordering::provide(
        options.api(),
        options.store.clone(),
        options.table.clone(),
        config,
        mode,
        options.pay.clone(),
    );
    view! {
        <Header store=store_info.name open=store_info.open stale=stale table=table.name/>
        <CategoryTabs categories=categories.clone()/>
        <MenuList categories=categories/>
        <CartBar/>
        <ItemSheet/>
        <CartSheet/>
        <HistorySheet store=options.store.clone() table=options.table.clone() api=options.api()/>
        <StaffCallSheet store=options.store.clone() table=options.table.clone() api=options.api()/>
        <StatusPanel/>
    }
}
