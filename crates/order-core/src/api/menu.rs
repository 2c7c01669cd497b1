//! The menu as guests see it: categories, items, their photos, texts and option groups.

use super::*;

impl Menu {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.categories.iter().flat_map(|c| c.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        find_item(&self.categories, id)
    }
}

/// An item of the menu's categories by its id.
pub fn find_item<'a>(categories: &'a [Category], id: &str) -> Option<&'a Item> {
    categories
        .iter()
        .flat_map(|c| c.items.iter())
        .find(|i| i.id == id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: String,
    pub name: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: String,
    /// The name on the POS (Korean).
    pub name: String,
    pub price: Won,
    /// Sold out on the POS, or marked so by the store for today.
    pub sold_out: bool,
    pub set_menu: bool,
    pub option_groups: Vec<OptionGroup>,
    /// The store's own words about the item (the POS has none), in Korean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The item's photo: `/photos/{photo}/{width}.jpg` at each of `PHOTO_WIDTHS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// Names and descriptions in other languages, as the store wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<ItemText>,
}

/// The widths, in pixels, each item photo is kept at: a list row's and a sheet's.
pub const PHOTO_WIDTHS: [u32; 2] = [320, 960];
/// Every photo is cropped to this shape (width / height = 4 / 3), so nothing moves as it loads.
pub const PHOTO_ASPECT: (u32, u32) = (4, 3);

/// The path of an item photo at one of `PHOTO_WIDTHS`.
pub fn photo_path(photo: &str, width: u32) -> String {
    format!("/photos/{photo}/{width}.jpg")
}

/// An item's name (and description) in one language other than Korean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemText {
    /// `en`, `zh` or `ja`.
    pub lang: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The languages a store may write item texts in, besides the POS's Korean.
pub const ITEM_TEXT_LANGS: [&str; 3] = ["en", "zh", "ja"];
/// Longest description a store may write (a phone shows about four lines).
pub const DESCRIPTION_MAX_CHARS: usize = 300;
/// Longest item name in another language.
pub const NAME_MAX_CHARS: usize = 80;

impl Item {
    /// The item's text in `lang`, when the store wrote one.
    pub fn text(&self, lang: &str) -> Option<&ItemText> {
        self.texts.iter().find(|t| t.lang == lang)
    }
}

impl Item {
    pub fn option_group(&self, id: &str) -> Option<&OptionGroup> {
        self.option_groups.iter().find(|g| g.id == id)
    }
}

/// A choice the guest makes about an item ("맵기", "사이즈"): pick between `min` and `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OptionGroup {
    pub id: String,
    pub name: String,
    pub min: u32,
    pub max: u32,
    pub options: Vec<OptionChoice>,
}

impl OptionGroup {
    pub fn option(&self, id: &str) -> Option<&OptionChoice> {
        self.options.iter().find(|o| o.id == id)
    }

    /// At most one pick: a new pick replaces the last (radio buttons on a page).
    pub fn is_single_choice(&self) -> bool {
        self.max == 1
    }

    /// How many picks the guest is asked for.
    pub fn rule(&self) -> ChoiceRule {
        match (self.min, self.max) {
            (1, 1) => ChoiceRule::ExactlyOne,
            (0, max) => ChoiceRule::UpTo(max),
            (min, max) => ChoiceRule::Between(min, max),
        }
    }
}

/// How many of a group's options a guest picks, as said to the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceRule {
    ExactlyOne,
    UpTo(u32),
    Between(u32, u32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OptionChoice {
    pub id: String,
    pub name: String,
    pub price: Won,
}
