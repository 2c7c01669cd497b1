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

/// How the store's copy of its POS data is, for the owner's status page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoreStatus {
    pub store: String,
    pub name: String,
    /// When tables and menu were last fetched in full.
    pub fetched_at_ms: Option<i64>,
    /// When the POS was last asked whether its menu changed.
    pub checked_at_ms: Option<i64>,
    pub menu_version: Option<String>,
    pub tables: Option<usize>,
    pub items: Option<usize>,
    /// The last refresh failed: guests are served the last good copy.
    pub stale: bool,
    pub open: bool,
    /// A staff PIN is set, so tablets take cash.
    pub cash_taken: bool,
    pub troubles: Vec<Trouble>,
    /// Every refusal code the POS sent, so the partner can teach their meanings.
    #[serde(default)]
    pub host_codes: Vec<HostCode>,
    /// Orders nobody can confirm: staff look on the POS.
    #[serde(default)]
    pub unconfirmed: Vec<UnconfirmedOrder>,
}

/// Something that went wrong with the POS lately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Trouble {
    pub at_ms: i64,
    pub message: String,
}

/// One refusal code the POS sent: its words the last time, how often, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HostCode {
    pub code: String,
    pub message: String,
    pub count: u64,
    /// A taught meaning (`table_occupied`, `store_closed`, …) or `other`.
    pub read_as: String,
    pub last_at_ms: i64,
}

/// An order that may be on the POS and cannot be confirmed: never sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UnconfirmedOrder {
    pub client_order_id: String,
    pub table: String,
    pub sent_at_ms: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Won,
    pub lines: Vec<UnconfirmedLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UnconfirmedLine {
    pub item_id: String,
    /// The item's name on today's menu, if it is still there.
    pub name: Option<String>,
    pub count: u32,
}

/// What a refresh from the POS brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Refreshed {
    pub store: String,
    pub version: String,
    pub tables: usize,
    pub items: usize,
    /// The POS could not be reached: the last good copy is kept.
    pub stale: bool,
}

/// A store the signed-in owner manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoreRef {
    pub slug: String,
    pub name: String,
}

/// A signed-in owner's page: the stores it manages, and when a new session ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OwnerSession {
    pub stores: Vec<StoreRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<i64>,
}

/// One of the store's tablets, as the owner's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tablet {
    pub device_id: String,
    pub name: String,
    pub enrolled_at_ms: i64,
    pub last_seen_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
    /// The one table it orders for, when bound.
    pub table: Option<String>,
}

/// A fresh enrolment code for a tablet, and its QR code when there is a page to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnrolmentCode {
    pub store: String,
    pub code: String,
    pub expires_at_ms: i64,
    /// The tablet app's page that enrols with this code (`tablet_url`, or the demo's).
    pub enrol_url: Option<String>,
    pub qr_svg: Option<String>,
}

/// Signing in with the server's admin token. No `Debug`: a secret is never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignIn {
    pub token: String,
}

/// A new staff PIN for the store's cash orders. No `Debug`: a secret is never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PinChange {
    pub pin: String,
}

/// One table's signed link, as the owner prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TableLink {
    pub table: String,
    pub name: String,
    pub floor: String,
    pub url: String,
}

/// One table's link after its renewal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RenewedLink {
    pub store: String,
    pub table: String,
    /// How often this table's link has been renewed.
    pub generation: i64,
    /// The new link, when the call said where guests open the page.
    pub url: Option<String>,
}

/// The store's new key for its table links: every printed link stops working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LinkKey {
    pub store: String,
    pub key_id: i64,
}

/// An item's new photo, by the id its sizes are served under (`/photos/{photo}/320.jpg`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoredPhoto {
    pub photo: String,
}

/// The one table a tablet orders for, or none to let it order anywhere in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TabletBinding {
    /// FLOOR-TABLE, or null.
    pub table: Option<String>,
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
