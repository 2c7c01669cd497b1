//! What the store's owner reads and writes on the owner's page: each item as the POS has it
//! beside what the store wrote, one save's edit with its rules, and today's orders.

use crate::api::{ItemText, PlacedOrder, DESCRIPTION_MAX_CHARS, ITEM_TEXT_LANGS, NAME_MAX_CHARS};
use crate::money::Won;
use serde::{Deserialize, Serialize};

/// One item as the owner edits it: what the POS says beside what the store wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoreItem {
    pub id: String,
    /// The POS's name; for an orphan, none.
    pub name: Option<String>,
    pub category: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub price: Option<Won>,
    pub sold_out_on_pos: bool,
    /// Gone from the POS's menu: what the store wrote is kept until the owner removes it.
    pub orphaned: bool,
    pub description: Option<String>,
    pub photo: Option<String>,
    pub texts: Vec<ItemText>,
    pub hidden: bool,
    pub sold_out_today: bool,
}

/// One of today's orders (or staff calls) at the store, with the table it is from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableOrder {
    pub table: String,
    pub table_name: String,
    #[serde(flatten)]
    pub order: PlacedOrder,
}

/// What the owner changes about an item in one save (its photo has its own call): the whole
/// of what the store says about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemEdit {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub texts: Vec<ItemText>,
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub sold_out_today: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemEditProblem {
    #[error("the {what} is longer than {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("no language {0:?}: write texts in en, zh, ja")]
    UnknownLanguage(String),
    #[error("{0} given twice")]
    LanguageTwice(String),
    #[error("a {0} description needs a {0} name")]
    DescriptionWithoutName(String),
}

impl From<&StoreItem> for ItemEdit {
    fn from(item: &StoreItem) -> ItemEdit {
        ItemEdit {
            description: item.description.clone(),
            texts: item.texts.clone(),
            hidden: item.hidden,
            sold_out_today: item.sold_out_today,
        }
    }
}

impl ItemEdit {
    /// Blank texts dropped, lengths and languages checked.
    pub fn checked(mut self) -> Result<ItemEdit, ItemEditProblem> {
        let blank_to_none =
            |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self.description = blank_to_none(self.description.take());
        too_long(
            "description",
            self.description.as_deref(),
            DESCRIPTION_MAX_CHARS,
        )?;
        let mut texts = Vec::new();
        for mut text in std::mem::take(&mut self.texts) {
            if !ITEM_TEXT_LANGS.contains(&text.lang.as_str()) {
                return Err(ItemEditProblem::UnknownLanguage(text.lang));
            }
            if texts.iter().any(|t: &ItemText| t.lang == text.lang) {
                return Err(ItemEditProblem::LanguageTwice(text.lang));
            }
            text.name = text.name.trim().to_string();
            text.description = blank_to_none(text.description);
            too_long("name", Some(&text.name), NAME_MAX_CHARS)?;
            too_long(
                "description",
                text.description.as_deref(),
                DESCRIPTION_MAX_CHARS,
            )?;
            if text.name.is_empty() {
                if text.description.is_some() {
                    return Err(ItemEditProblem::DescriptionWithoutName(text.lang));
                }
                continue;
            }
            texts.push(text);
        }
        self.texts = texts;
        Ok(self)
    }
}

fn too_long(what: &'static str, text: Option<&str>, max: usize) -> Result<(), ItemEditProblem> {
    match text {
        Some(t) if t.chars().count() > max => Err(ItemEditProblem::TooLong { what, max }),
        _ => Ok(()),
    }
}
