//! The base-information cache: each store's tables and menu, fetched from the upstream and
//! kept here, as the guide asks partners to. Refreshed in full daily, checked cheaply through
//! `menu/state` every few minutes, and on demand from the admin API. When the upstream is down
//! the last good copy is served, marked stale.

use crate::base_copies::BaseCopies;
use crate::content::{business_day, business_day_number, guest_view, MenuContent};
use crate::ledger::now_ms;
use crate::upstream::{MenuState, StoreCredentials, Upstream, UpstreamError, NEVER_SEEN};
use order_core::{parse_table_id, Category, Menu, StaffCallReason, StoreInfo, Table};
use std::collections::BTreeMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Orders placed within this long of the last `menu/state` check are priced without
/// asking again; beyond it, the POS is asked whether its menu changed first.
const MENU_CHECK_FRESH: Duration = Duration::from_secs(2);

/// A table the copy does not know makes the store's tables be fetched again at most this
/// often (a table just added on the POS), so strangers' made-up ids cost the POS little.
const UNKNOWN_TABLE_REFRESH_EVERY: Duration = Duration::from_secs(60);

/// How many upstream troubles a store's status keeps.
const TROUBLES_KEPT: usize = 5;

/// Why the catalog cannot give what was asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    #[error("no store {0:?}")]
    UnknownStore(String),
    #[error("no table {0:?}")]
    UnknownTable(String),
    #[error("the menu could not be prepared: {0}")]
    MenuBody(String),
    /// Never fetched, and the POS cannot be reached now.
    #[error(transparent)]
    Upstream(UpstreamError),
}

/// One store's base information at the time it was fetched; what guests are served has the
/// store's own content laid over its `categories` (see `content::guest_view`).
#[derive(Debug)]
pub struct BaseInfo {
    pub name: String,
    pub tables: Vec<Table>,
    pub categories: Vec<Category>,
    /// Why guests may call staff: the POS's own list, or the configured fallback.
    pub staff_calls: Vec<StaffCallReason>,
    /// Whether `staff_calls` are items on the POS (else they travel in the memo).
    pub staff_calls_on_pos: bool,
    /// The menu's change stamp as the real client keeps it (14 characters).
    pub stamp: String,
}

impl BaseInfo {
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The floor and table codes of a table this store has, or not found.
    pub fn table_codes<'a>(&self, id: &'a str) -> Result<(&'a str, &'a str), CatalogError> {
        parse_table_id(id)
            .filter(|_| self.table(id).is_some())
            .ok_or_else(|| CatalogError::UnknownTable(id.to_string()))
    }

    /// The count of items a guest can order.
    pub fn item_count(&self) -> usize {
        self.categories.iter().map(|c| c.items.len()).sum()
    }
}

/// What the configuration says about one store.
#[derive(Debug, Clone)]
pub struct StoreEntry {
    pub creds: StoreCredentials,
    /// The name guests see (Smartro sends none).
    pub name: String,
}

/// One menu as sent: the menu, its JSON with its brotli and gzip forms (made once, at the
/// highest settings), and a strong ETag of the JSON.
pub struct MenuBody {
    pub menu: Menu,
    pub packed: crate::packed::Packed,
    pub etag: String,
}

impl MenuBody {
    fn new(menu: Menu) -> Result<MenuBody, serde_json::Error> {
        use sha2::{Digest, Sha256};
        let json = serde_json::to_vec(&menu)?;
        let digest = Sha256::digest(&json);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        Ok(MenuBody {
            menu,
            packed: crate::packed::Packed::of(json.into()),
            etag,
        })
    }
}

/// Something that went wrong between this server and the store's POS, for the owner.
#[derive(Debug, Clone)]
pub struct Trouble {
    pub at_ms: i64,
    pub message: String,
}

/// What a store's copy of its POS data is like, for the owner's status page.
#[derive(Debug, Clone)]
pub struct CopyStatus {
    /// When tables and menu were last fetched in full.
    pub fetched_at_ms: Option<i64>,
    /// When the POS last said the menu held is current.
    pub checked_at_ms: Option<i64>,
    pub stale: bool,
    pub open: bool,
    /// Newest first.
    pub troubles: Vec<Trouble>,
}

/// What the guests' menu was made from: the fetch, the store content, the business day.
type ViewKey = (u64, u64, i64);

struct StoreSlot {
    slug: String,
    creds: StoreCredentials,
    name: String,
    /// When `menu/state` last said the menu we hold is current.
    checked: tokio::sync::Mutex<Option<Instant>>,
    info: RwLock<Option<Arc<BaseInfo>>>,
    /// The last refresh failed: what is served is the last good copy.
    stale: AtomicBool,
    open: AtomicBool,
    /// One refresh at a time per store.
    refreshing: tokio::sync::Mutex<()>,
    /// The menu as JSON and compressed, for the base information, open and stale flags it
    /// was made from.
    menu_json: std::sync::Mutex<Option<(MenuKey, Arc<MenuBody>)>>,
    /// Counts successful fetches.
    generation: std::sync::atomic::AtomicU64,
    /// The fetched information with the store's content laid over it.
    view: std::sync::Mutex<Option<(ViewKey, Arc<BaseInfo>)>>,
    fetched_at_ms: AtomicI64,
    checked_at_ms: AtomicI64,
    troubles: std::sync::Mutex<VecDeque<Trouble>>,
    /// When a table the copy did not know last made it fetch again.
    unknown_table_refresh_ms: AtomicI64,
}

impl StoreSlot {
    /// What `menu/state` said about business being open, when it said anything.
    fn note_state(&self, state: &MenuState) {
        if let Some(open) = state.open {
            self.open.store(open, Ordering::Relaxed);
        }
    }
}

/// What the served menu depends on: what its view was made from, open, stale.
type MenuKey = (ViewKey, bool, bool);

pub struct Catalog {
    upstream: Upstream,
    content: Arc<MenuContent>,
    /// The last good copies, kept for a start while the host cannot be reached.
    copies: BaseCopies,
    stores: BTreeMap<String, StoreSlot>,
    fallback_staff_calls: Vec<StaffCallReason>,
}

impl Catalog {
    /// `staff_call_reasons`: offered at stores whose POS lists none.
    pub fn new(
        upstream: Upstream,
        content: Arc<MenuContent>,
        copies: BaseCopies,
        stores: impl IntoIterator<Item = (String, StoreEntry)>,
        staff_call_reasons: &[String],
    ) -> Catalog {
        let stores = stores
            .into_iter()
            .map(|(slug, entry)| {
                let slot = StoreSlot {
                    slug: slug.clone(),
                    creds: entry.creds,
                    name: entry.name,
                    checked: tokio::sync::Mutex::new(None),
                    info: RwLock::new(None),
                    stale: AtomicBool::new(false),
                    open: AtomicBool::new(true),
                    refreshing: tokio::sync::Mutex::new(()),
                    menu_json: std::sync::Mutex::new(None),
                    generation: std::sync::atomic::AtomicU64::new(0),
                    view: std::sync::Mutex::new(None),
                    fetched_at_ms: AtomicI64::new(0),
                    checked_at_ms: AtomicI64::new(0),
                    troubles: std::sync::Mutex::new(VecDeque::new()),
                    unknown_table_refresh_ms: AtomicI64::new(0),
                };
                (slug, slot)
            })
            .collect();
        let fallback_staff_calls = staff_call_reasons
            .iter()
            .enumerate()
            .map(|(n, name)| StaffCallReason {
                id: format!("call-{}", n + 1),
                name: name.clone(),
            })
            .collect();
        Catalog {
            upstream,
            content,
            copies,
            stores,
            fallback_staff_calls,
        }
    }

    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.stores.keys().map(String::as_str)
    }

    fn slot(&self, slug: &str) -> Result<&StoreSlot, CatalogError> {
        self.stores
            .get(slug)
            .ok_or_else(|| CatalogError::UnknownStore(slug.to_string()))
    }

    pub fn credentials(&self, slug: &str) -> Result<&StoreCredentials, CatalogError> {
        Ok(&self.slot(slug)?.creds)
    }

    /// The information as fetched from the POS.
    fn fetched(slot: &StoreSlot) -> Option<Arc<BaseInfo>> {
        slot.info.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The information as guests get it, made again when the fetch, the store's content or
    /// the business day (sold out today) moved on.
    fn view(&self, slot: &StoreSlot) -> Option<(ViewKey, Arc<BaseInfo>)> {
        // The generation before the information: a refresh in between costs a rebuild, never
        // an old menu kept under the new generation.
        let now = now_ms();
        let key = (
            slot.generation.load(Ordering::Acquire),
            self.content.generation(),
            business_day_number(now),
        );
        let fetched = Self::fetched(slot)?;
        let mut view = slot.view.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((k, info)) = view.as_ref() {
            if *k == key {
                return Some((key, info.clone()));
            }
        }
        let content = self.content.of(&slot.slug);
        let info = Arc::new(BaseInfo {
            name: fetched.name.clone(),
            tables: fetched.tables.clone(),
            categories: guest_view(&fetched.categories, &content, &business_day(now)),
            staff_calls: fetched.staff_calls.clone(),
            staff_calls_on_pos: fetched.staff_calls_on_pos,
            stamp: fetched.stamp.clone(),
        });
        *view = Some((key, info.clone()));
        Some((key, info))
    }

    fn cached(&self, slot: &StoreSlot) -> Option<Arc<BaseInfo>> {
        self.view(slot).map(|(_, info)| info)
    }

    /// The store's tables and menu as the POS gave them, without the store's own content
    /// (for the owner's page), fetched now if they never were.
    pub async fn from_pos(&self, slug: &str) -> Result<Arc<BaseInfo>, CatalogError> {
        self.get(slug).await?;
        Self::fetched(self.slot(slug)?).ok_or_else(|| CatalogError::UnknownStore(slug.to_string()))
    }

    /// Notes a failure on the way to the store's POS, for the owner's status page.
    pub fn note_trouble(&self, slug: &str, error: &UpstreamError) {
        if let Ok(slot) = self.slot(slug) {
            let mut troubles = slot.troubles.lock().unwrap_or_else(|p| p.into_inner());
            troubles.push_front(Trouble {
                at_ms: now_ms(),
                message: error.to_string(),
            });
            troubles.truncate(TROUBLES_KEPT);
        }
    }

    pub fn status(&self, slug: &str) -> Result<CopyStatus, CatalogError> {
        let slot = self.slot(slug)?;
        let at = |ms: &AtomicI64| Some(ms.load(Ordering::Relaxed)).filter(|ms| *ms > 0);
        Ok(CopyStatus {
            fetched_at_ms: at(&slot.fetched_at_ms),
            checked_at_ms: at(&slot.checked_at_ms),
            stale: slot.stale.load(Ordering::Relaxed),
            open: slot.open.load(Ordering::Relaxed),
            troubles: slot
                .troubles
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .cloned()
                .collect(),
        })
    }

    /// The store's base information, fetched now if it never was.
    pub async fn get(&self, slug: &str) -> Result<Arc<BaseInfo>, CatalogError> {
        let slot = self.slot(slug)?;
        if let Some(info) = self.cached(slot) {
            return Ok(info);
        }
        // Someone else may be fetching it right now: wait for them rather than fetch twice.
        let one_at_a_time = slot.refreshing.lock().await;
        if let Some(info) = self.cached(slot) {
            return Ok(info);
        }
        self.fetch_and_keep(slug, slot, None, one_at_a_time).await
    }

    /// The store's base information, holding `table`. A table the copy does not know may
    /// have just been added on the POS: the store is fetched again (at most once a minute)
    /// before the table is refused.
    pub async fn with_table(&self, slug: &str, table: &str) -> Result<Arc<BaseInfo>, CatalogError> {
        let info = self.get(slug).await?;
        if info.table_codes(table).is_ok() {
            return Ok(info);
        }
        let slot = self.slot(slug)?;
        let now = now_ms();
        let last = slot.unknown_table_refresh_ms.load(Ordering::Relaxed);
        let every = UNKNOWN_TABLE_REFRESH_EVERY.as_millis() as i64;
        let due = now - last >= every
            && slot
                .unknown_table_refresh_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        if !due {
            return Err(CatalogError::UnknownTable(table.to_string()));
        }
        tracing::info!(
            store = slug,
            table,
            "a table the copy does not know: fetching the tables again"
        );
        let info = self.refresh(slug).await?;
        info.table_codes(table)?;
        Ok(info)
    }

    /// Fetches tables and menu again; on failure the last good copy stays and is marked stale.
    pub async fn refresh(&self, slug: &str) -> Result<Arc<BaseInfo>, CatalogError> {
        self.refresh_from(slug, None).await
    }

    /// `stamp`: the change stamp `menu/state` just gave, so it need not be asked again.
    async fn refresh_from(
        &self,
        slug: &str,
        stamp: Option<MenuState>,
    ) -> Result<Arc<BaseInfo>, CatalogError> {
        let slot = self.slot(slug)?;
        let one_at_a_time = slot.refreshing.lock().await;
        self.fetch_and_keep(slug, slot, stamp, one_at_a_time).await
    }

    /// Fetches and keeps the result, holding the store's refresh lock throughout.
    async fn fetch_and_keep(
        &self,
        slug: &str,
        slot: &StoreSlot,
        stamp: Option<MenuState>,
        _one_at_a_time: tokio::sync::MutexGuard<'_, ()>,
    ) -> Result<Arc<BaseInfo>, CatalogError> {
        match self.fetch(slot, stamp).await {
            Ok(info) => {
                let info = Arc::new(info);
                let fetched_at = now_ms();
                self.install(slot, info.clone(), fetched_at, false);
                if let Err(e) = self.copies.keep(slug, &info, fetched_at).await {
                    tracing::warn!(store = slug, error = %e, "could not keep a copy of the base information");
                }
                tracing::info!(store = slug, tables = info.tables.len(), menu = %info.stamp, "base information refreshed");
                Ok(self.cached(slot).unwrap_or(info))
            }
            Err(e) => {
                slot.stale.store(true, Ordering::Relaxed);
                self.note_trouble(slug, &e);
                if let Some(last_good) = self.cached(slot) {
                    tracing::warn!(store = slug, error = %e, "refresh failed; serving the last good copy");
                    return Ok(last_good);
                }
                match self.copies.read(slug).await {
                    Ok(Some(kept)) => {
                        tracing::warn!(store = slug, error = %e, fetched_at_ms = kept.fetched_at_ms, "the host cannot be reached; serving the copy kept in the database");
                        let info = Arc::new(BaseInfo {
                            name: slot.name.clone(),
                            tables: kept.tables,
                            categories: kept.categories,
                            staff_calls: kept.staff_calls,
                            staff_calls_on_pos: kept.staff_calls_on_pos,
                            stamp: kept.stamp,
                        });
                        self.install(slot, info.clone(), kept.fetched_at_ms, true);
                        Ok(self.cached(slot).unwrap_or(info))
                    }
                    Ok(None) => Err(CatalogError::Upstream(e)),
                    Err(read) => {
                        tracing::error!(store = slug, error = %read, "the kept copy of the base information could not be read");
                        Err(CatalogError::Upstream(e))
                    }
                }
            }
        }
    }

    /// Serves `info` from now on; `stale`: it is a kept copy, not what the POS said just now.
    fn install(&self, slot: &StoreSlot, info: Arc<BaseInfo>, fetched_at_ms: i64, stale: bool) {
        *slot.info.write().unwrap_or_else(|p| p.into_inner()) = Some(info);
        slot.generation.fetch_add(1, Ordering::Release);
        slot.stale.store(stale, Ordering::Relaxed);
        slot.fetched_at_ms.store(fetched_at_ms, Ordering::Relaxed);
        if !stale {
            slot.checked_at_ms.store(fetched_at_ms, Ordering::Relaxed);
        }
    }

    /// Tables, and the menu with the stamp it carries. The stamp is asked for before the menu:
    /// a change in between makes the next check fetch again, never keeps a stale menu.
    async fn fetch(
        &self,
        slot: &StoreSlot,
        known: Option<MenuState>,
    ) -> Result<BaseInfo, UpstreamError> {
        let creds = &slot.creds;
        let state = async {
            match known {
                Some(state) => Ok(state),
                None => self.upstream.menu_state(creds, NEVER_SEEN).await,
            }
        };
        let (tables, state) = tokio::try_join!(self.upstream.tables(creds), state)?;
        slot.note_state(&state);
        let menu = self.upstream.menu(creds).await?;
        *slot.checked.lock().await = Some(Instant::now());
        let staff_calls_on_pos = !menu.staff_calls.is_empty();
        Ok(BaseInfo {
            name: slot.name.clone(),
            tables,
            categories: menu.categories,
            staff_calls: if staff_calls_on_pos {
                menu.staff_calls
            } else {
                self.fallback_staff_calls.clone()
            },
            staff_calls_on_pos,
            stamp: state.stamp,
        })
    }

    /// The base information, after asking the POS whether its menu changed (the real client
    /// asks before every order). A failed check keeps what is held: the order then meets the
    /// same trouble upstream, and the POS still refuses what it cannot take.
    pub async fn current(&self, slug: &str) -> Result<Arc<BaseInfo>, CatalogError> {
        let slot = self.slot(slug)?;
        let info = self.get(slug).await?;
        let mut checked = slot.checked.lock().await;
        if checked.is_some_and(|at| at.elapsed() < MENU_CHECK_FRESH) {
            return Ok(self.cached(slot).unwrap_or(info));
        }
        match self.upstream.menu_state(&slot.creds, &info.stamp).await {
            Ok(state) => {
                slot.note_state(&state);
                if state.changed {
                    drop(checked);
                    tracing::info!(
                        store = slug,
                        "menu changed on the POS; fetching it before pricing"
                    );
                    return self.refresh_from(slug, Some(state)).await;
                }
                *checked = Some(Instant::now());
                Ok(info)
            }
            Err(e) => {
                tracing::warn!(store = slug, error = %e, "menu check before an order failed");
                Ok(info)
            }
        }
    }

    /// The cheap check: refetch only when `menu/state` says the menu changed.
    pub async fn check(&self, slug: &str) -> Result<(), CatalogError> {
        let slot = self.slot(slug)?;
        let since = Self::fetched(slot)
            .map(|i| i.stamp.clone())
            .unwrap_or_else(|| NEVER_SEEN.into());
        match self.upstream.menu_state(&slot.creds, &since).await {
            Ok(state) => {
                slot.note_state(&state);
                if state.changed {
                    self.refresh_from(slug, Some(state)).await?;
                } else if slot.stale.load(Ordering::Relaxed) {
                    self.refresh(slug).await?;
                } else {
                    *slot.checked.lock().await = Some(Instant::now());
                    slot.checked_at_ms.store(now_ms(), Ordering::Relaxed);
                }
                Ok(())
            }
            Err(e) => {
                slot.stale.store(true, Ordering::Relaxed);
                self.note_trouble(slug, &e);
                Err(CatalogError::Upstream(e))
            }
        }
    }

    /// What order outcomes reveal about business being open.
    pub fn note_open(&self, slug: &str, open: bool) {
        if let Ok(slot) = self.slot(slug) {
            slot.open.store(open, Ordering::Relaxed);
        }
    }

    /// The menu guests get, prepared once per menu version (and open/stale state): its JSON,
    /// that JSON compressed, and its ETag. `true` when it was already prepared.
    pub async fn menu_body(&self, slug: &str) -> Result<(Arc<MenuBody>, bool), CatalogError> {
        self.get(slug).await?;
        let slot = self.slot(slug)?;
        let (view_key, info) = self
            .view(slot)
            .ok_or_else(|| CatalogError::UnknownStore(slug.to_string()))?;
        let key = (
            view_key,
            slot.open.load(Ordering::Relaxed),
            slot.stale.load(Ordering::Relaxed),
        );
        if let Some((k, body)) = slot
            .menu_json
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            if *k == key {
                return Ok((body.clone(), true));
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
            staff_calls: info.staff_calls.clone(),
        };
        // Compressed outside the lock: two requests may both prepare it; one copy stays.
        let body =
            Arc::new(MenuBody::new(menu).map_err(|e| CatalogError::MenuBody(e.to_string()))?);
        *slot.menu_json.lock().unwrap_or_else(|p| p.into_inner()) = Some((key, body.clone()));
        Ok((body, false))
    }

    /// Every refusal code the store's host sent, with its words and a count.
    /// When the upstream last answered anything (ms since the epoch), for readiness.
    pub fn upstream_answered_at_ms(&self) -> Option<i64> {
        self.upstream.last_answer_ms()
    }

    pub fn codes_seen(&self, slug: &str) -> Result<Vec<crate::upstream::CodeSeen>, CatalogError> {
        Ok(self.upstream.codes_seen(&self.slot(slug)?.creds))
    }

    /// The last refresh failed: what is served is the last good copy.
    pub fn is_stale(&self, slug: &str) -> bool {
        self.slot(slug)
            .is_ok_and(|slot| slot.stale.load(Ordering::Relaxed))
    }
}
