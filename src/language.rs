//! The language the widget speaks, and its words in it.
//!
//! The words come from leptos_i18n (locales/*.json, checked at compile time, one `match` per
//! key). The language is the widget's own signal: the widget chooses it itself (`Lang`: the
//! link, the host page, the guest's pick), so leptos_i18n's context, which would also match
//! the browser's languages (with icu's locale parser) and set up leptos_meta, is not used;
//! both would be code in the page's first load that never decides anything.

use crate::options::Lang;
use leptos::prelude::*;

pub use crate::i18n::{td_string, Locale};

/// The guest's language, shared by everything the widget draws (one per widget).
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// Speaks `lang` inside the current owner.
    pub fn provide(lang: Lang) -> I18n {
        let i18n = I18n {
            locale: RwSignal::new(lang.locale()),
        };
        provide_context(i18n);
        i18n
    }

    /// The language, tracked.
    pub fn get_locale(self) -> Locale {
        self.locale.get()
    }

    pub fn get_locale_untracked(self) -> Locale {
        self.locale.get_untracked()
    }

    /// Readers are woken only when the language changes.
    pub fn set_locale(self, locale: Locale) {
        if self.locale.get_untracked() != locale {
            self.locale.set(locale);
        }
    }

    /// For readers that need no more than the language.
    pub fn locale(self) -> ReadSignal<Locale> {
        self.locale.read_only()
    }
}

/// The widget's language, provided at its root.
pub fn use_i18n() -> I18n {
    use_context().expect("drawn inside the widget's language (`I18n::provide`)")
}

/// The words of `key` in the guest's language, redrawn when it changes:
/// `t!(i18n, key)` or `t!(i18n, key, name = value…)`.
macro_rules! t {
    ($i18n:expr, $($key:tt)*) => {
        $crate::i18n::td!(($i18n).get_locale(), $($key)*)
    };
}

/// The words of `key` as a string, in the language as it is when read (tracked).
macro_rules! t_string {
    ($i18n:expr, $($key:tt)*) => {
        $crate::i18n::td_string!(($i18n).get_locale(), $($key)*)
    };
}

pub(crate) use {t, t_string};
