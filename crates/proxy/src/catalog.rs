//! The base-information cache: each store's tables and menu, fetched from the upstream and
//! kept here, as the guide asks partners to. Refreshed in full daily, checked cheaply through
//! `menu/state` every few minutes, and on demand from the admin API. When the upstream is down
//! the last good copy is served, marked stale.

use crate::error::AppError;
use crate::upstream::{StoreCredentials, Upstream, UpstreamError};
use order_core::{parse_table_id, Category, Menu, StoreInfo, Table};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

/// One store's base information at the time it was fetched.
#[derive(Debug)]
pub struct BaseInfo {
    pub name: String,
    pub tables: Vec<Table>,
    pub categories: Vec<Category>,
    /// The upstream's menu change stamp.
    pub stamp: String,
}

impl BaseInfo {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The floor and table codes of a table this store has, or not found.
    pub fn table_codes<'a>(&self, id: &'a str) -> Result<(&'a str, &'a str), AppError> {
        parse_table_id(id)
            .filter(|_| self.table(id).is_some())
            .ok_or_else(|| AppError::NotFound(format!("no table {id:?}")))
    }

    /// The count of items a guest can order.
    pub fn item_count(&self) -> usize {
        self.categories.iter().map(|c| c.items.len()).sum()
    }
}

struct StoreSlot {
    creds: StoreCredentials,
    info: RwLock<Option<Arc<BaseInfo>>>,
    /// The last refresh failed: what is served is the last good copy.
    stale: AtomicBool,
    open: AtomicBool,
    /// One refresh at a time per store.
    refreshing: tokio::sync::Mutex<()>,
    /// The menu as JSON, for the base information, open and stale flags it was made from.
    menu_json: std::sync::Mutex<Option<(MenuKey, axum::body::Bytes)>>,
    /// Counts successful fetches.
    generation: std::sync::atomic::AtomicU64,
}

/// What the served menu depends on: which fetch (its generation), open, stale.
type MenuKey = (u64, bool, bool);

pub struct Catalog {
    upstream: Upstream,
    stores: BTreeMap<String, StoreSlot>,
}

impl Catalog {
    pub fn new(
        upstream: Upstream,
        stores: impl IntoIterator<Item = (String, StoreCredentials)>,
    ) -> Catalog {
        let stores = stores
            .into_iter()
            .map(|(slug, creds)| {
                let slot = StoreSlot {
                    creds,
                    info: RwLock::new(None),
                    stale: AtomicBool::new(false),
                    open: AtomicBool::new(true),
                    refreshing: tokio::sync::Mutex::new(()),
                    menu_json: std::sync::Mutex::new(None),
                    generation: std::sync::atomic::AtomicU64::new(0),
                };
                (slug, slot)
            })
            .collect();
        Catalog { upstream, stores }
    }

    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.stores.keys().map(String::as_str)
    }

    fn slot(&self, slug: &str) -> Result<&StoreSlot, AppError> {
        self.stores
            .get(slug)
            .ok_or_else(|| AppError::NotFound(format!("no store {slug:?}")))
    }

    pub fn credentials(&self, slug: &str) -> Result<&StoreCredentials, AppError> {
        Ok(&self.slot(slug)?.creds)
    }

    fn cached(slot: &StoreSlot) -> Option<Arc<BaseInfo>> {
        slot.info.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The store's base information, fetched now if it never was.
    pub async fn get(&self, slug: &str) -> Result<Arc<BaseInfo>, AppError> {
        let slot = self.slot(slug)?;
        if let Some(info) = Self::cached(slot) {
            return Ok(info);
        }
        // Someone else may be fetching it right now: wait for them rather than fetch twice.
        let fetching = slot.refreshing.lock().await;
        if let Some(info) = Self::cached(slot) {
            return Ok(info);
        }
        drop(fetching);
        self.refresh(slug).await
    }

    /// Fetches tables and menu again; on failure the last good copy stays and is marked stale.
    pub async fn refresh(&self, slug: &str) -> Result<Arc<BaseInfo>, AppError> {
        let slot = self.slot(slug)?;
        let _one_at_a_time = slot.refreshing.lock().await;
        match self.fetch(&slot.creds).await {
            Ok(info) => {
                let info = Arc::new(info);
                *slot.info.write().unwrap_or_else(|p| p.into_inner()) = Some(info.clone());
                slot.generation.fetch_add(1, Ordering::Release);
                slot.stale.store(false, Ordering::Relaxed);
                tracing::info!(store = slug, tables = info.tables.len(), menu = %info.stamp, "base information refreshed");
                Ok(info)
            }
            Err(e) => {
                slot.stale.store(true, Ordering::Relaxed);
                match Self::cached(slot) {
                    Some(last_good) => {
                        tracing::warn!(store = slug, error = %e, "refresh failed; serving the last good copy");
                        Ok(last_good)
                    }
                    None => Err(AppError::Upstream(e)),
                }
            }
        }
    }

    async fn fetch(&self, creds: &StoreCredentials) -> Result<BaseInfo, UpstreamError> {
        let (tables, menu) =
            tokio::try_join!(self.upstream.tables(creds), self.upstream.menu(creds))?;
        Ok(BaseInfo {
            name: tables.name,
            tables: tables.tables,
            categories: menu.categories,
            stamp: menu.stamp,
        })
    }

    /// The cheap check: refetch only when `menu/state` says the menu changed.
    pub async fn check(&self, slug: &str) -> Result<(), AppError> {
        let slot = self.slot(slug)?;
        let since = Self::cached(slot)
            .map(|i| i.stamp.clone())
            .unwrap_or_default();
        match self.upstream.menu_state(&slot.creds, &since).await {
            Ok(state) => {
                if let Some(open) = state.open {
                    slot.open.store(open, Ordering::Relaxed);
                }
                if state.changed || slot.stale.load(Ordering::Relaxed) {
                    self.refresh(slug).await?;
                }
                Ok(())
            }
            Err(e) => {
                slot.stale.store(true, Ordering::Relaxed);
                Err(AppError::Upstream(e))
            }
        }
    }

    /// What order outcomes reveal about business being open.
    pub fn note_open(&self, slug: &str, open: bool) {
        if let Ok(slot) = self.slot(slug) {
            slot.open.store(open, Ordering::Relaxed);
        }
    }

    /// The menu as guests get it, serialised once per change rather than per request.
    /// Also says whether the serialised copy was reused.
    pub async fn menu_json(&self, slug: &str) -> Result<(axum::body::Bytes, bool), AppError> {
        // The generation before the content: a refresh in between costs a rebuild, never a
        // stale menu cached under the new generation.
        let generation = self.slot(slug)?.generation.load(Ordering::Acquire);
        let info = self.get(slug).await?;
        let slot = self.slot(slug)?;
        let key = (
            generation,
            slot.open.load(Ordering::Relaxed),
            slot.stale.load(Ordering::Relaxed),
        );
        let mut cached = slot.menu_json.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, bytes)) = cached.as_ref() {
            if *k == key {
                return Ok((bytes.clone(), true));
            }
        }
        let menu = Menu {
            store: StoreInfo {
                name: info.name.clone(),
                open: key.1,
            },
            version: info.stamp.clone(),
            categories: info.categories.clone(),
            stale: key.2,
        };
        let bytes = axum::body::Bytes::from(
            serde_json::to_vec(&menu).map_err(|e| AppError::Invalid(e.to_string()))?,
        );
        *cached = Some((key, bytes.clone()));
        Ok((bytes, false))
    }

    /// The last refresh failed: what is served is the last good copy.
    pub fn is_stale(&self, slug: &str) -> bool {
        self.slot(slug)
            .is_ok_and(|slot| slot.stale.load(Ordering::Relaxed))
    }
}
