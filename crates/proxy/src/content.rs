//! What the store says about its items that the POS does not: a description, names in other
//! languages, a photo, "sold out today" and "hidden". Kept in the database by item id, held
//! in memory for serving, and laid over the POS's menu by `guest_view` — the one place the
//! two meet, so guests, pricing and the server-drawn page all see the same menu.

use crate::db::Pool;
use crate::ledger::now_ms;
use order_core::{Category, ItemText};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// A business day starts at 05:00 in Korea: a bar's 1 a.m. is still the evening before, and
/// an item marked sold out at night stays so until the morning.
const DAY_STARTS_AT_HOUR: i64 = 5;
const HOUR_MS: i64 = 60 * 60 * 1000;

pub use order_core::owner::ItemEdit;

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Invalid(#[from] order_core::owner::ItemEditProblem),
}

/// The number of the business day `at_ms` falls in (days since 1970 in Korean time, less
/// the early hours).
pub fn business_day_number(at_ms: i64) -> i64 {
    (at_ms + crate::kst::OFFSET_MS - DAY_STARTS_AT_HOUR * HOUR_MS).div_euclid(24 * HOUR_MS)
}

/// The business day `at_ms` falls in, as `yyyyMMdd`.
pub fn business_day(at_ms: i64) -> String {
    let day = chrono::DateTime::from_timestamp_millis(0)
        .map(|epoch| epoch.date_naive() + chrono::Days::new(business_day_number(at_ms) as u64));
    day.map(|d| d.format("%Y%m%d").to_string())
        .unwrap_or_default()
}

/// One item's content as the store wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemContent {
    pub description: Option<String>,
    pub photo: Option<String>,
    pub hidden: bool,
    /// The business day (`yyyyMMdd`) it was marked sold out on.
    pub sold_out_on: Option<String>,
    pub texts: Vec<ItemText>,
    pub updated_at_ms: i64,
}

impl ItemContent {
    pub fn sold_out_on_day(&self, day: &str) -> bool {
        self.sold_out_on.as_deref() == Some(day)
    }
}

/// Every item's content at one store, by item id.
#[derive(Debug, Default)]
pub struct StoreContent {
    pub items: BTreeMap<String, ItemContent>,
}

/// The POS's menu as guests get it: hidden items (and categories left empty) out; sold out
/// when the POS or the store says so today; the store's description, photo and texts in.
pub fn guest_view(categories: &[Category], content: &StoreContent, day: &str) -> Vec<Category> {
    categories
        .iter()
        .filter_map(|category| {
            let items: Vec<_> = category
                .items
                .iter()
                .filter_map(|item| {
                    let Some(c) = content.items.get(&item.id) else {
                        return Some(item.clone());
                    };
                    if c.hidden {
                        return None;
                    }
                    let mut item = item.clone();
                    item.sold_out |= c.sold_out_on_day(day);
                    item.description = c.description.clone();
                    item.photo = c.photo.clone();
                    item.texts = c.texts.clone();
                    Some(item)
                })
                .collect();
            (!items.is_empty()).then(|| Category {
                items,
                ..category.clone()
            })
        })
        .collect()
}

/// The stores' content, read from the database once and after each change.
pub struct MenuContent {
    pool: Pool,
    stores: RwLock<HashMap<String, Arc<StoreContent>>>,
    /// Per store, the rows' count and newest change as last read: another server's change
    /// to the shared database moves one of them (see `follow`).
    seen: std::sync::Mutex<HashMap<String, (i64, i64)>>,
    /// Counts changes: what is laid over the menu is rebuilt when it moves.
    generation: AtomicU64,
}

impl MenuContent {
    pub async fn load(pool: Pool) -> Result<MenuContent, ContentError> {
        let content = MenuContent {
            pool,
            stores: RwLock::new(HashMap::new()),
            seen: std::sync::Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        };
        let stores: Vec<String> = sqlx::query_scalar("SELECT DISTINCT store FROM item_content")
            .fetch_all(&content.pool)
            .await?;
        for store in stores {
            content.reload(&store).await?;
        }
        Ok(content)
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn of(&self, store: &str) -> Arc<StoreContent> {
        self.stores
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(store)
            .cloned()
            .unwrap_or_default()
    }

    /// Reads again the stores whose content changed in the database since it was last read
    /// here: what another server sharing it (or the CLI) wrote. Cheap when nothing did.
    pub async fn follow(&self) -> Result<(), ContentError> {
        let now: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT store, COUNT(*), COALESCE(MAX(updated_at_ms), 0) FROM item_content GROUP BY store",
        )
        .fetch_all(&self.pool)
        .await?;
        let changed: Vec<String> = {
            let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            let mut changed: Vec<String> = now
                .iter()
                .filter(|(store, count, newest)| seen.get(store) != Some(&(*count, *newest)))
                .map(|(store, ..)| store.clone())
                .collect();
            // A store whose every row went: held with rows here, listed nowhere there.
            changed.extend(
                seen.iter()
                    .filter(|(store, stamp)| {
                        **stamp != (0, 0) && !now.iter().any(|(s, ..)| s == *store)
                    })
                    .map(|(store, _)| store.clone()),
            );
            changed
        };
        for store in changed {
            tracing::debug!(
                store,
                "store content changed in the database; reading it again"
            );
            self.reload(&store).await?;
        }
        Ok(())
    }

    async fn reload(&self, store: &str) -> Result<(), ContentError> {
        let rows = sqlx::query(
            "SELECT item_id, description, photo_id, hidden, sold_out_on, updated_at_ms
             FROM item_content WHERE store = $1",
        )
        .bind(store)
        .fetch_all(&self.pool)
        .await?;
        let mut items = BTreeMap::new();
        for row in rows {
            let content = ItemContent {
                description: row.try_get("description")?,
                photo: row.try_get("photo_id")?,
                hidden: row.try_get::<i64, _>("hidden")? != 0,
                sold_out_on: row.try_get("sold_out_on")?,
                texts: Vec::new(),
                updated_at_ms: row.try_get("updated_at_ms")?,
            };
            items.insert(row.try_get::<String, _>("item_id")?, content);
        }
        let texts = sqlx::query(
            "SELECT item_id, lang, name, description FROM item_texts WHERE store = $1 ORDER BY lang",
        )
        .bind(store)
        .fetch_all(&self.pool)
        .await?;
        for row in texts {
            let item_id: String = row.try_get("item_id")?;
            if let Some(item) = items.get_mut(&item_id) {
                item.texts.push(ItemText {
                    lang: row.try_get("lang")?,
                    name: row.try_get("name")?,
                    description: row.try_get("description")?,
                });
            }
        }
        let stamp = (
            items.len() as i64,
            items.values().map(|i| i.updated_at_ms).max().unwrap_or(0),
        );
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), stamp);
        self.stores
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(store.to_string(), Arc::new(StoreContent { items }));
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Saves what the owner wrote about an item, in one transaction, keeping its photo.
    pub async fn save(
        &self,
        store: &str,
        item_id: &str,
        edit: ItemEdit,
    ) -> Result<(), ContentError> {
        let now = now_ms();
        let sold_out_on = edit.sold_out_today.then(|| business_day(now));
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO item_content (store, item_id, description, hidden, sold_out_on, updated_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (store, item_id) DO UPDATE SET description = excluded.description,
                hidden = excluded.hidden, sold_out_on = excluded.sold_out_on,
                updated_at_ms = excluded.updated_at_ms",
        )
        .bind(store)
        .bind(item_id)
        .bind(&edit.description)
        .bind(i64::from(edit.hidden))
        .bind(&sold_out_on)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM item_texts WHERE store = $1 AND item_id = $2")
            .bind(store)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
        for text in &edit.texts {
            sqlx::query(
                "INSERT INTO item_texts (store, item_id, lang, name, description) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(store)
            .bind(item_id)
            .bind(&text.lang)
            .bind(&text.name)
            .bind(&text.description)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.reload(store).await
    }

    /// Gives an item a photo already stored (or none).
    pub async fn set_photo(
        &self,
        store: &str,
        item_id: &str,
        photo: Option<&str>,
    ) -> Result<(), ContentError> {
        sqlx::query(
            "INSERT INTO item_content (store, item_id, photo_id, updated_at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (store, item_id) DO UPDATE SET photo_id = excluded.photo_id,
                updated_at_ms = excluded.updated_at_ms",
        )
        .bind(store)
        .bind(item_id)
        .bind(photo)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.reload(store).await
    }

    /// Forgets everything the store wrote about an item (an orphan the owner clears away).
    pub async fn remove(&self, store: &str, item_id: &str) -> Result<bool, ContentError> {
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query("DELETE FROM item_content WHERE store = $1 AND item_id = $2")
            .bind(store)
            .bind(item_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM item_texts WHERE store = $1 AND item_id = $2")
            .bind(store)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.reload(store).await?;
        Ok(gone > 0)
    }

    /// Keeps a photo's JPEGs, one per width; a photo stored before stays as it is.
    pub async fn store_photo(
        &self,
        photo_id: &str,
        widths: &[(u32, Vec<u8>)],
    ) -> Result<(), ContentError> {
        let mut tx = self.pool.begin().await?;
        for (width, jpeg) in widths {
            sqlx::query(
                "INSERT INTO photos (photo_id, width, jpeg, created_at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (photo_id, width) DO NOTHING",
            )
            .bind(photo_id)
            .bind(i64::from(*width))
            .bind(jpeg)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn photo(&self, photo_id: &str, width: u32) -> Result<Option<Vec<u8>>, ContentError> {
        Ok(
            sqlx::query_scalar("SELECT jpeg FROM photos WHERE photo_id = $1 AND width = $2")
                .bind(photo_id)
                .bind(i64::from(width))
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use order_core::{Item, Won};

    #[test]
    fn the_business_day_turns_at_five_in_the_morning_in_korea() {
        // 2026-11-29 19:59:59 UTC = 11-30 04:59:59 KST: still the 29th's business.
        let before = 1_795_982_399_000;
        assert_eq!(business_day(before), "20261129");
        assert_eq!(business_day(before + 1_000), "20261130");
    }

    #[test]
    fn the_store_content_is_laid_over_the_pos_menu() {
        let item = |id: &str| Item {
            id: id.into(),
            name: format!("메뉴 {id}"),
            price: Won(1_000),
            ..Item::default()
        };
        let pos = vec![
            Category {
                id: "C1".into(),
                name: "식사".into(),
                items: vec![item("1"), item("2"), item("3")],
            },
            Category {
                id: "C2".into(),
                name: "음료".into(),
                items: vec![item("4")],
            },
        ];
        let mut content = StoreContent::default();
        content.items.insert(
            "1".into(),
            ItemContent {
                description: Some("국물이 진한".into()),
                sold_out_on: Some("20261129".into()),
                texts: vec![ItemText {
                    lang: "en".into(),
                    name: "Kimchi stew".into(),
                    description: None,
                }],
                ..ItemContent::default()
            },
        );
        content.items.insert(
            "2".into(),
            ItemContent {
                sold_out_on: Some("20261128".into()),
                ..ItemContent::default()
            },
        );
        content.items.insert(
            "4".into(),
            ItemContent {
                hidden: true,
                ..ItemContent::default()
            },
        );
        let view = guest_view(&pos, &content, "20261129");
        assert_eq!(view.len(), 1, "a category left empty is not shown");
        let items = &view[0].items;
        assert!(items[0].sold_out);
        assert_eq!(items[0].description.as_deref(), Some("국물이 진한"));
        assert_eq!(
            items[0].text("en").map(|t| t.name.as_str()),
            Some("Kimchi stew")
        );
        assert!(!items[1].sold_out, "yesterday's sold-out is over");
        assert_eq!(items[2], item("3"));
    }

    #[test]
    fn edits_are_checked() {
        let text = |lang: &str, name: &str| ItemText {
            lang: lang.into(),
            name: name.into(),
            description: None,
        };
        let edit = ItemEdit {
            description: Some("  ".into()),
            texts: vec![text("en", " Stew "), text("ja", "")],
            ..ItemEdit::default()
        }
        .checked()
        .unwrap();
        assert_eq!(edit.description, None);
        assert_eq!(edit.texts, vec![text("en", "Stew")]);
        for bad in [
            vec![text("fr", "Ragoût")],
            vec![text("en", "a"), text("en", "b")],
            vec![text("en", &"x".repeat(order_core::NAME_MAX_CHARS + 1))],
        ] {
            assert!(ItemEdit {
                texts: bad,
                ..ItemEdit::default()
            }
            .checked()
            .is_err());
        }
    }
}
