//! How a host configures the widget: the QR code's query string, `data-*` attributes, or
//! an options object given to `mount()` from JavaScript.

use order_core::flow::PayMode;
use order_core::{is_valid_store_slug, parse_table_id};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
    /// Chinese, simplified.
    Zh,
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Ko, Lang::En, Lang::Zh, Lang::Ja];

    /// `en`, `en-US`, `zh-Hans-CN`, `ja-JP`…; anything else is Korean, the POS's language.
    pub fn parse(s: &str) -> Lang {
        Lang::known(s).unwrap_or_default()
    }

    fn known(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.code()))
    }

    /// The first language of a browser's list (`Accept-Language` or `navigator.languages`)
    /// that the widget speaks.
    pub fn first_known<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::known).unwrap_or_default()
    }

    /// From an `Accept-Language` header, in the order given (weights are in that order in
    /// every browser's header).
    pub fn from_accept_language(header: &str) -> Lang {
        Lang::first_known(
            header
                .split(',')
                .map(|t| t.split(';').next().unwrap_or_default()),
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ja => "ja",
        }
    }

    pub fn locale(self) -> crate::i18n::Locale {
        use crate::i18n::Locale;
        match self {
            Lang::Ko => Locale::ko,
            Lang::En => Locale::en,
            Lang::Zh => Locale::zh,
            Lang::Ja => Locale::ja,
        }
    }

    pub fn of(locale: crate::i18n::Locale) -> Lang {
        use crate::i18n::Locale;
        match locale {
            Locale::ko => Lang::Ko,
            Locale::en => Lang::En,
            Locale::zh => Lang::Zh,
            Locale::ja => Lang::Ja,
        }
    }

    /// The browser's own language, when the page did not name one. (The server names one
    /// for every page it draws, from the same browser's `Accept-Language`.)
    fn of_browser() -> Lang {
        #[cfg(not(feature = "ssr"))]
        if let Some(languages) = web_sys::window().map(|w| w.navigator().languages()) {
            let tags: Vec<String> = languages.iter().filter_map(|l| l.as_string()).collect();
            return Lang::first_known(tags.iter().map(String::as_str));
        }
        Lang::Ko
    }

    /// The language's own name, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
            Lang::Zh => "中文",
            Lang::Ja => "日本語",
        }
    }
}

/// The `mode` setting: empty or `postpaid` (QR ordering), `prepaid`, `cash` (tablets).
fn parse_pay_mode(s: &str) -> Option<PayMode> {
    match s {
        "" | "postpaid" => Some(PayMode::Postpaid),
        "prepaid" => Some(PayMode::Prepaid),
        "cash" => Some(PayMode::Cash),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WidgetOptions {
    pub store: String,
    pub table: String,
    /// Where the proxy is; empty means the page's own origin.
    pub api_base: String,
    pub lang: Lang,
    pub mode: PayMode,
    /// Prepaid: the host page's `pay({amount, clientOrderId, lines})`, returning a Promise of
    /// an approval (or a list of them, for a split payment).
    pub pay: Option<js_sys::Function>,
    /// The token of the table's printed link (`t` in the QR code's address).
    pub token: Option<String>,
    /// A store tablet's device credential (given by the host page to `mount()`).
    pub device: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionsError {
    /// The page was opened without a store or table: the QR code is incomplete.
    Missing(&'static str),
    Invalid(&'static str, String),
}

impl WidgetOptions {
    /// Looks up one setting by its name (`store`, `table`, `apiBase`, `lang`, `mode`, `t`): the
    /// browser from the page and its host, the server from the page's address.
    pub fn from_settings(
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<WidgetOptions, OptionsError> {
        let store = get("store")
            .filter(|s| !s.is_empty())
            .ok_or(OptionsError::Missing("store"))?;
        if !is_valid_store_slug(&store) {
            return Err(OptionsError::Invalid("store", store));
        }
        let table = get("table")
            .filter(|s| !s.is_empty())
            .ok_or(OptionsError::Missing("table"))?;
        if parse_table_id(&table).is_none() {
            return Err(OptionsError::Invalid("table", table));
        }
        let mode_raw = get("mode").unwrap_or_default();
        let mode = parse_pay_mode(&mode_raw).ok_or(OptionsError::Invalid("mode", mode_raw))?;
        Ok(WidgetOptions {
            store,
            table,
            api_base: get("apiBase")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            lang: get("lang")
                .filter(|l| !l.is_empty())
                .map_or_else(Lang::of_browser, |l| Lang::parse(&l)),
            mode,
            pay: None,
            // Tokens are short ASCII (`KEYID.MAC`); anything else is not one.
            token: get("t")
                .or_else(|| get("token"))
                .filter(|t| !t.is_empty() && t.len() <= 64 && t.is_ascii()),
            device: None,
        })
    }

    /// `data-store`, `data-table`, `data-api-base`, … on the host element win over the query.
    pub fn from_dataset_and_query(
        data: &web_sys::DomStringMap,
        query: &str,
    ) -> Result<WidgetOptions, OptionsError> {
        let params = web_sys::UrlSearchParams::new_with_str(query).ok();
        Self::from_settings(|key| {
            data.get(key)
                .or_else(|| params.as_ref().and_then(|p| p.get(key)))
        })
    }

    /// From a JavaScript object `{store, table, apiBase, lang, mode}`.
    pub fn from_js(options: &JsValue) -> Result<WidgetOptions, OptionsError> {
        let mut built = Self::from_settings(|key| {
            js_sys::Reflect::get(options, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
        })?;
        built.pay = js_sys::Reflect::get(options, &JsValue::from_str("pay"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        built.device = js_sys::Reflect::get(options, &JsValue::from_str("device"))
            .ok()
            .and_then(|v| v.as_string())
            .filter(|d| !d.is_empty() && d.is_ascii());
        Ok(built)
    }

    /// The link's token is kept for this table only: a reload of the page, or a return to
    /// it without the token in the address, still has it; no other table ever sees it.
    pub fn with_kept_token(mut self) -> WidgetOptions {
        let key = crate::storage::key(&self.store, &self.table, "link");
        match &self.token {
            Some(token) => keep_token(key, token.clone()),
            None => self.token = crate::storage::load_string(&key),
        }
        self
    }

    pub fn api(&self) -> crate::api::Api {
        crate::api::Api::new(
            &self.api_base,
            crate::api::Access {
                table_token: self.token.clone(),
                device: self.device.clone(),
            },
        )
    }
}

/// Keeps the link's token in a task of its own: the browser's storage is slow to open, and
/// the page's first step (taking over the drawn page) does not wait for it.
#[cfg(target_arch = "wasm32")]
fn keep_token(key: String, token: String) {
    crate::clock::in_next_task(move || {
        // Written only when it changed: a write costs the page more than a read.
        if crate::storage::load_string(&key).as_ref() != Some(&token) {
            crate::storage::save_string(&key, &token);
        }
    });
}

/// Drawn on the server, the page keeps nothing.
#[cfg(not(target_arch = "wasm32"))]
fn keep_token(_key: String, _token: String) {}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn the_browsers_first_language_the_widget_speaks_wins() {
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, ja;q=0.7, en;q=0.5"),
            Lang::Ja
        );
        assert_eq!(Lang::from_accept_language("en-US"), Lang::En);
        assert_eq!(Lang::from_accept_language("de, fr"), Lang::Ko);
        assert_eq!(Lang::from_accept_language(""), Lang::Ko);
        assert_eq!(Lang::parse("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::parse("JA"), Lang::Ja);
    }
}
