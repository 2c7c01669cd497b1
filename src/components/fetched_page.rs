//! A store front the page did not carry (partner pages, tablets, a link the server could not
//! check): fetched from the API, with the code that fetches it and says why it could not,
//! which in the built widget is a module of its own (see `later`). The skeleton shows until
//! the store front does.

use super::later::{draw_when_fetched, CodeNotFetched, FetchingAgain, Spot};
use super::notice::Notice;
use super::skeleton::Skeleton;
use super::storefront::Storefront;
use super::wording::load_failure_text;
use crate::api::ApiFailure;
use crate::language::*;
use crate::options::WidgetOptions;
use crate::page_data::Boot;
use leptos::either::*;
use leptos::html;
use leptos::prelude::*;
use order_core::{ClientConfig, ErrorCode, Menu, Table};

/// The skeleton, until the page that fetches the store front is drawn in its place.
#[component]
pub fn FetchedStorePage(options: WidgetOptions, boot: Boot) -> impl IntoView {
    let host = NodeRef::<html::Div>::new();
    let drawn = RwSignal::new(false);
    let retrying = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(spot) = host.get().and_then(|h| Spot::here(h.into())) else {
            return;
        };
        let loading = Loading {
            spot,
            options: options.clone(),
            boot: boot.clone(),
            drawn,
        };
        // The store front's floating layer is fetched beside this page's code, not after
        // the menu: one wait less on a tablet's first load.
        #[cfg(feature = "split")]
        leptos::task::spawn_local(async {
            let _ = super::floating_layer::fetch_layer_code().await;
        });
        draw_when_fetched(loading.spot.clone(), retrying, move || {
            draw_fetched_page(loading.clone())
        });
    });
    view! {
        <div class="to-layer" node_ref=host>
            <Show when=move || !drawn.get()>
                <Skeleton />
            </Show>
            <FetchingAgain retrying=retrying />
        </div>
    }
}

/// All that `draw_fetched_page` needs, in one value: a split-off function takes concrete types.
#[derive(Clone)]
pub struct Loading {
    spot: Spot,
    options: WidgetOptions,
    boot: Boot,
    /// Set once the page is drawn (its own skeleton then shows while it loads).
    drawn: RwSignal<bool>,
}

/// Draws the page that loads the store front. With the `split` feature, the wasm is cut here
/// (see `floating_layer::draw_layer`).
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(fetched_page, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn draw_fetched_page(loading: Loading) -> Result<(), CodeNotFetched> {
    let Loading {
        spot,
        options,
        boot,
        drawn,
    } = loading;
    if spot.is_gone() {
        return Ok(());
    }
    spot.draw(move || view! { <LoadingStorePage options=options boot=boot /> });
    drawn.set(true);
    Ok(())
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

/// Everything the page needs before it can show the menu: what the page did not carry,
/// fetched together.
async fn load(
    options: &WidgetOptions,
    boot: Boot,
) -> Result<(ClientConfig, Menu, Table), LoadFailure> {
    let api = &options.api();
    // What is missing, in parallel: on a weak connection each round trip counts.
    let (config, menu, table) = futures_util::join!(
        async {
            match boot.config {
                Some(c) => Ok(c),
                None => api.config().await,
            }
        },
        async {
            match boot.menu {
                Some(m) => Ok(m),
                None => api.menu(&options.store).await,
            }
        },
        async {
            match boot.table {
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
fn LoadingStorePage(options: WidgetOptions, boot: Boot) -> impl IntoView {
    let i18n = use_i18n();
    let opts = StoredValue::new_local(options);
    // The page's own part serves the first load only; "try again" asks for everything.
    let boot = StoredValue::new_local(Some(boot));
    let loaded = LocalResource::new(move || {
        let options = opts.get_value();
        let boot = boot
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_default();
        async move { load(&options, boot).await }
    });
    view! {
        <Suspense fallback=|| {
            view! { <Skeleton /> }
        }>
            {move || {
                loaded
                    .get()
                    .map(|result| match result {
                        Ok((config, menu, table)) => {
                            EitherOf4::A(
                                view! {
                                    <Storefront
                                        options=opts.get_value()
                                        config=config
                                        menu=menu
                                        table=table
                                    />
                                },
                            )
                        }
                        Err(LoadFailure::ScanAgain) => {
                            EitherOf4::B(
                                view! {
                                    <Notice
                                        title=t_string!(i18n, scan_again_title).to_string()
                                        detail=t_string!(i18n, scan_again_detail).to_string()
                                    />
                                },
                            )
                        }
                        Err(LoadFailure::NotEnrolled) => {
                            EitherOf4::C(
                                view! {
                                    <Notice
                                        title=t_string!(i18n, menu_failed).to_string()
                                        detail=t_string!(i18n, err_device_required).to_string()
                                    />
                                },
                            )
                        }
                        Err(LoadFailure::Other(e)) => {
                            EitherOf4::D(
                                view! {
                                    <Notice
                                        title=t_string!(i18n, menu_failed).to_string()
                                        detail=load_failure_text(&e, i18n)
                                    />
                                    <p class="to-center">
                                        <button
                                            type="button"
                                            class="to-button"
                                            on:click=move |_| loaded.refetch()
                                        >
                                            {t!(i18n, try_again)}
                                        </button>
                                    </p>
                                },
                            )
                        }
                    })
            }}
        </Suspense>
    }
}
