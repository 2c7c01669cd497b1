//! Whether the page is signed in, and fetching what a section shows: what every section
//! of the owner's page shares.

use crate::api::{self, Failure};
use leptos::prelude::*;
use leptos::task::spawn_local;
use order_core::owner::StoreRef;

/// Whether the page is signed in; any call that finds the session over signs it out.
#[derive(Clone, Copy)]
pub struct Session {
    stores: RwSignal<Option<Vec<StoreRef>>>,
}

impl Session {
    /// A page not yet known to be signed in, shared with everything below it.
    pub fn provide() -> Self {
        let session = Session {
            stores: RwSignal::new(None),
        };
        provide_context(session);
        session
    }

    /// The stores the owner may manage, or `None` while signed out.
    pub fn stores(&self) -> Option<Vec<StoreRef>> {
        self.stores.get()
    }

    pub fn signed_in(&self, stores: Vec<StoreRef>) {
        self.stores.set(Some(stores));
    }

    pub fn signed_out(&self) {
        self.stores.set(None);
    }

    /// The words to show for a failure; a lost session returns the page to sign-in.
    pub fn explain(&self, failure: Failure) -> String {
        if failure == Failure::SignedOut {
            self.signed_out();
        }
        failure.to_string()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
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

/// What a fetched list holds now (nothing until it comes, or when it failed): the source of
/// a keyed list, so a fetch again redraws only the rows that changed.
pub fn rows<T>(state: RwSignal<Loaded<Vec<T>>>) -> Memo<Vec<T>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| {
        state.with(|s| match s {
            Some(Ok(list)) => list.clone(),
            _ => Vec::new(),
        })
    })
}

/// The list came, and holds nothing.
pub fn came_empty<T>(state: RwSignal<Loaded<Vec<T>>>) -> bool
where
    T: Send + Sync + 'static,
{
    state.with(|s| matches!(s, Some(Ok(list)) if list.is_empty()))
}
