//! How a host configures the widget: the QR code's query string, `data-*` attributes, or
//! an options object given to `mount()` from JavaScript.

use order_core::{is_valid_store_slug, parse_table_id};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") || s.to_ascii_lowercase().starts_with("en-") {
            Lang::En
        } else {
            Lang::Ko
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }
}

/// How the widget takes payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Order now, pay at the counter (QR ordering).
    #[default]
    Postpaid,
    /// A tablet or kiosk: the host page takes payment first.
    Prepaid,
    /// A tablet: staff confirm a cash payment.
    Cash,
}

impl Mode {
    fn parse(s: &str) -> Option<Mode> {
        match s {
            "" | "postpaid" => Some(Mode::Postpaid),
            "prepaid" => Some(Mode::Prepaid),
            "cash" => Some(Mode::Cash),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WidgetOptions {
    pub store: String,
    pub table: String,
    /// Where the proxy is; empty means the page's own origin.
    pub api_base: String,
    pub lang: Lang,
    pub mode: Mode,
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
        let mode = Mode::parse(&mode_raw).ok_or(OptionsError::Invalid("mode", mode_raw))?;
        Ok(WidgetOptions {
            store,
            table,
            api_base: get("apiBase")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            lang: get("lang").map(|l| Lang::parse(&l)).unwrap_or_default(),
            mode,
            pay: None,
            // Tokens are short ASCII (`KEYID.MAC`); anything else is not one.
            token: get("t")
                .or_else(|| get("token"))
                .filter(|t| !t.is_empty() && t.len() <= 64 && t.is_ascii()),
            device: None,
        })
    }

    /// From a query string like `?store=demo&table=0001-0003`.
    pub fn from_query(query: &str) -> Result<WidgetOptions, OptionsError> {
        let params = web_sys::UrlSearchParams::new_with_str(query).ok();
        Self::from_settings(|key| params.as_ref().and_then(|p| p.get(key)))
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
            Some(token) => crate::storage::save(&key, token),
            None => self.token = crate::storage::load(&key),
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
