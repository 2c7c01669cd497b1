use super::fetched_page::FetchedStorePage;
use super::notice::Notice;
use super::storefront::Storefront;
use crate::language::*;
use crate::options::{Lang, OptionsError, WidgetOptions};
use crate::page_data::{self, Boot};
use leptos::either::*;
use leptos::prelude::*;

/// The root: everything the widget draws sits under one `.tableorder` element, so a host
/// page's styles and the widget's never meet. The host page's `<html lang>` is left alone.
/// `boot` is what the table's page carried; with all of it the store front is drawn at once,
/// by the server and then by the browser over what the server drew.
#[component]
pub fn Widget(
    options: Result<WidgetOptions, OptionsError>,
    #[prop(optional)] boot: Boot,
) -> impl IntoView {
    let lang = options.as_ref().map(|o| o.lang).unwrap_or_default();
    view! {
        <Localized lang=lang>
            <Root options=options boot=boot />
        </Localized>
    }
}

/// Everything inside speaks `lang` (Korean unless the host asks otherwise), without touching
/// the host page's `<html lang>`.
#[component]
pub fn Localized<C: IntoView + 'static>(lang: Lang, children: TypedChildren<C>) -> impl IntoView {
    I18n::provide(lang);
    children.into_inner()()
}

#[component]
fn Root(options: Result<WidgetOptions, OptionsError>, boot: Boot) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Frame>
            {match options {
                Ok(options) => {
                    Either::Left(
                        view! { <StorePage options=options.with_kept_token() boot=boot /> },
                    )
                }
                Err(_) => {
                    Either::Right(
                        view! {
                            <Notice
                                title=t_string!(i18n, qr_title).to_string()
                                detail=t_string!(i18n, qr_detail).to_string()
                            />
                        },
                    )
                }
            }}
        </Frame>
    }
}

/// The one element everything sits under, marked with the language it is in.
#[component]
fn Frame<C: IntoView + 'static>(children: TypedChildren<C>) -> impl IntoView {
    let children = children.into_inner();
    let i18n = use_i18n();
    let code = move || Lang::of(i18n.get_locale()).code();
    view! {
        <div class="tableorder" lang=code>
            {children()}
        </div>
    }
}

/// The table's page as the server sends it: the same components the browser mounts, given
/// the data the page carries, so the widget replaces it with what it already shows.
#[cfg(feature = "ssr")]
pub fn render_table_page(
    options: WidgetOptions,
    config: order_core::ClientConfig,
    menu: order_core::Menu,
    table: order_core::Table,
) -> String {
    use std::sync::Arc;
    // Set once per process; later calls find it set.
    let _ = any_spawner::Executor::init_tokio();
    let owner = Owner::new_root(Some(Arc::new(hydration_context::SsrSharedContext::new())));
    let boot = Boot {
        store: options.store.clone(),
        config: Some(config),
        menu: Some(menu),
        table: Some(table),
    };
    let html = owner.with(|| view! { <Widget options=Ok(options) boot=boot /> }.to_html());
    owner.unset_with_forced_cleanup();
    html
}

/// Takes the page's boot data for this table, once: a later load (after "try again") asks
/// the server.
pub fn take_boot(options: &WidgetOptions) -> Boot {
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("tableorder-boot"))
        .and_then(|element| {
            element.remove();
            element.text_content()
        });
    text.and_then(|t| page_data::read(&t))
        .filter(|b| b.store == options.store)
        .map(|b| Boot {
            table: b.table.filter(|t| t.id == options.table),
            ..b
        })
        .unwrap_or_default()
}

/// The table's page. When the page carried all it needs (as the server renders it), the
/// store front is drawn at once, the same as the server's first screen; otherwise after a load
/// (partner pages, tablets, a link the server could not check).
#[component]
fn StorePage(options: WidgetOptions, boot: Boot) -> impl IntoView {
    match boot {
        Boot {
            config: Some(config),
            menu: Some(menu),
            table: Some(table),
            ..
        } => Either::Left(
            view! { <Storefront options=options config=config menu=menu table=table /> },
        ),
        boot => Either::Right(view! { <FetchedStorePage options=options boot=boot /> }),
    }
}
