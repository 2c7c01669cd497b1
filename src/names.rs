//! An item in the guest's language: the store's own translation where it wrote one, the
//! POS's Korean otherwise; and its photo's address.

use crate::i18n::Locale;
use crate::options::Lang;
use order_core::{photo_path, Item};

/// The name to show first.
pub fn shown_name(item: &Item, locale: Locale) -> String {
    item.text(Lang::of(locale).code())
        .map_or_else(|| item.name.clone(), |t| t.name.clone())
}

/// The Korean name, shown beside a translated one (what the staff and the receipt say).
pub fn korean_beside(item: &Item, locale: Locale) -> Option<String> {
    let lang = Lang::of(locale);
    (lang != Lang::Ko && item.text(lang.code()).is_some()).then(|| item.name.clone())
}

/// The description in the guest's language, else the store's Korean one.
pub fn shown_description(item: &Item, locale: Locale) -> Option<String> {
    item.text(Lang::of(locale).code())
        .and_then(|t| t.description.clone())
        .or_else(|| item.description.clone())
}

/// `src` and `srcset` of an item's photo, served from `base` (the API's origin, empty for
/// this page's own).
pub fn photo_sources(base: &str, photo: &str) -> (String, String) {
    let [small, large] = order_core::PHOTO_WIDTHS;
    let url = |w| format!("{base}{}", photo_path(photo, w));
    (
        url(small),
        format!("{} {small}w, {} {large}w", url(small), url(large)),
    )
}
