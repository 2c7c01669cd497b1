//! The public browser ↔ proxy API: JSON, camelCase, money as integer won.
//!
//! Partners build on these shapes; change them only in a backwards-compatible way.

use crate::money::Won;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Timing the widget needs, from the upstream's documented behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClientConfig {
    /// How often to poll the table's orders while one is in flight (the guide says 5 s).
    pub poll_interval_ms: u64,
    /// An order not delivered to the POS within this long of its receipt never will be (60 s).
    pub accept_window_ms: u64,
    /// How long to wait before retrying an order refused because the table is occupied.
    pub occupied_retry_ms: u64,
    /// How many automatic retries on an occupied table before asking the guest.
    pub max_occupied_retries: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            poll_interval_ms: 5_000,
            accept_window_ms: 60_000,
            occupied_retry_ms: 10_000,
            max_occupied_retries: 6,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    pub name: String,
    /// Business opened on the POS today and the Order Agent reachable.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Menu {
    pub store: StoreInfo,
    /// Changes whenever the menu changes; lets a client skip re-rendering.
    pub version: String,
    pub categories: Vec<Category>,
    /// Set when the upstream could not be reached and this is the last good copy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    /// Why a guest may call staff to the table (water, napkins, …), from the POS or config.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_calls: Vec<StaffCallReason>,
}

/// One reason a guest can give when calling staff to the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StaffCallReason {
    pub id: String,
    pub name: String,
}

/// A guest calls staff to the table, giving one or more reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffCallRequest {
    /// Made in the browser, like an order's: the same id sent again is one call.
    pub client_call_id: String,
    /// Ids from the menu's `staffCalls`.
    pub reasons: Vec<String>,
}

/// A tablet enrols with the one-time code the owner gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceEnrolment {
    /// `XXXX-XXXX`, as shown to the owner (case, spaces and dashes do not matter).
    pub code: String,
    /// What the owner will see it listed as, e.g. "counter" or "terrace 2".
    pub name: String,
}

/// The tablet's credential: kept on the tablet, sent as `Authorization: Device CREDENTIAL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnrolledDevice {
    pub device_id: String,
    pub name: String,
    pub credential: String,
}

/// Which enrolled tablet is asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TabletInfo {
    pub store: String,
    pub device_id: String,
    pub name: String,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Table {
    /// `FLOOR-TABLE`, e.g. `0001-0003`.
    pub id: String,
    pub floor: String,
    pub name: String,
}

/// Where an order stands, as the real-time inquiry reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Received by Smartro, not yet delivered to the POS.
    Waiting,
    /// Delivered to the POS: the kitchen has it.
    Accepted,
    /// Completed on the POS.
    Done,
    Cancelled,
    Returned,
    /// Paid and closed: the table is free again.
    Paid,
    /// Never reached the POS.
    Failed,
}

impl OrderStatus {
    /// The order keeps the table occupied: further orders are added onto it.
    pub fn is_open(self) -> bool {
        matches!(self, OrderStatus::Accepted | OrderStatus::Done)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TableOrders {
    /// The order that occupies the table, onto which the next order is added.
    pub open_order_no: Option<String>,
    pub orders: Vec<PlacedOrder>,
    /// Of the caller's own orders asked about (`mine`), those that are not listed yet may be
    /// on the table: sent before the oldest order the inquiry still lists, on a table whose
    /// list is full. Their absence proves nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unseen: Vec<String>,
}

impl TableOrders {
    /// The caller's order `client_order_id` may be on the table beyond the list.
    pub fn is_unseen(&self, client_order_id: &str) -> bool {
        self.unseen.iter().any(|id| id == client_order_id)
    }

    pub fn find_client_order(&self, client_order_id: &str) -> Option<&PlacedOrder> {
        self.orders
            .iter()
            .find(|o| o.client_order_id.as_deref() == Some(client_order_id))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlacedOrder {
    pub order_no: String,
    pub client_order_id: Option<String>,
    pub status: OrderStatus,
    /// RFC 3339 in Korean time, e.g. `2026-11-28T19:02:11+09:00`.
    pub received_at: String,
    pub total: Won,
    pub lines: Vec<PlacedLine>,
    /// A call for staff, not an order of food (as this server placed it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub staff_call: bool,
    /// Placed from the phone that asked (one of the ids it gave as `mine`), so a party sees
    /// which orders at the table are not theirs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_this_phone: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlacedLine {
    pub item_id: String,
    pub name: String,
    pub count: u32,
    /// The item's price plus its options', for one.
    pub unit_price: Won,
    pub options: Vec<PlacedOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlacedOption {
    pub option_id: String,
    pub name: String,
    pub count: u32,
    pub price: Won,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    /// The table has no open order: start one.
    New,
    /// Add onto the table's open order.
    Add,
}

/// What the browser sends: ids and counts, never prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderRequest {
    pub client_order_id: String,
    pub kind: OrderKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_order_no: Option<String>,
    pub lines: Vec<OrderLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Prepaid (tablet, kiosk) and cash orders: how it was paid. Absent for postpaid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Paid by card (or another approved means) before ordering; approvals attached.
    Card,
    /// Cash taken by staff, confirmed with the staff PIN.
    Cash,
}

/// How a prepaid or cash order was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Payment {
    pub method: PaymentMethod,
    /// One per payment; a split payment has several. Empty for cash.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Cash only: checked by the server, never stored in the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_pin: Option<String>,
}

/// A payment approval, as the host page's payment (e.g. Smartro VCAT) reports it. Read
/// leniently — amounts as numbers or strings, unknown fields kept in `extra` — because a
/// payment that went through must never be mistaken for a declined one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Approval {
    #[serde(deserialize_with = "lenient::won")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Won,
    #[serde(deserialize_with = "lenient::text")]
    pub approval_no: String,
    /// `yyyyMMddHHmmss`, Korean time.
    #[serde(deserialize_with = "lenient::text")]
    pub approved_at: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub terminal_id: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_no_masked: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub issuer: String,
    #[serde(default, deserialize_with = "lenient::text")]
    pub acquirer: String,
    #[serde(default, deserialize_with = "lenient::months")]
    pub instalment_months: u8,
    /// The VAT part as the terminal computed it; absent, the server works it out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::some_won"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub vat: Option<Won>,
    /// The card companies' codes and the merchant number, as the terminal gave them.
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "lenient::text"
    )]
    pub acquirer_code: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "lenient::text"
    )]
    pub issuer_code: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "lenient::text"
    )]
    pub merchant_no: String,
    /// How the card was read (`M`, `I`, `R`, `X`), and the DDC/EDI kind (`D`, `E`, `C`, `N`, `S`).
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "lenient::text"
    )]
    pub card_pay_type: String,
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "lenient::text"
    )]
    pub ddcedi: String,
    /// Whatever else the terminal said, as JSON text by field: kept for the record.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub extra: std::collections::BTreeMap<String, String>,
}

/// Numbers that may come as JSON numbers or as strings of digits (with `,` separators).
mod lenient {
    use crate::money::Won;
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;

    struct Number;

    impl Visitor<'_> for Number {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number, or a string of digits")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom("number too large"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            if v.fract() == 0.0 && v.abs() < 9.0e15 {
                Ok(v as i64)
            } else {
                Err(E::custom("not a whole number"))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            let digits: String = v.trim().chars().filter(|c| *c != ',').collect();
            digits
                .parse()
                .map_err(|_| E::custom(format!("{v:?} is not a number")))
        }
    }

    struct Text;

    impl Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
    }

    pub fn won<'de, D: Deserializer<'de>>(d: D) -> Result<Won, D::Error> {
        d.deserialize_any(Number).map(Won)
    }

    pub fn some_won<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Won>, D::Error> {
        d.deserialize_any(Number).map(|n| Some(Won(n)))
    }

    pub fn months<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let n = d.deserialize_any(Number)?;
        u8::try_from(n).map_err(|_| de::Error::custom("instalment months out of range"))
    }

    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        d.deserialize_any(Text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderLine {
    pub item_id: String,
    pub count: u32,
    #[serde(default)]
    pub options: Vec<ChosenOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChosenOption {
    pub group_id: String,
    pub option_id: String,
    pub count: u32,
}

/// The 1st response: Smartro received the order. Delivery to the POS is seen by polling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderReceipt {
    pub order_no: String,
    pub client_order_id: String,
    pub received_at: String,
    pub total: Won,
}

/// Every error the public API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    TableOccupied,
    StoreClosed,
    TableHasOpenOrder,
    OpenOrderMismatch,
    UnknownItem,
    BadOptions,
    SoldOut,
    InvalidRequest,
    NotFound,
    TooLarge,
    RateLimited,
    Unauthorized,
    /// The POS refused the order for a reason of its own; `message` carries its words.
    /// Nothing was ordered. Trying the same again is pointless until something changes.
    PosRefused,
    /// The same clientOrderId was sent before with a different order; nothing was sent.
    IdempotencyConflict,
    /// More than the store lets one order hold or cost; nothing was sent.
    OrderTooLarge,
    /// A page on another site tried to order: only the store's own pages and the partners it
    /// lists may.
    Forbidden,
    /// An order is sent as `application/json`, never as a form or plain text.
    UnsupportedMediaType,
    /// Payment is taken only on the store's enrolled tablets: this device is not one (or was
    /// revoked). Nothing was sent.
    DeviceRequired,
    /// A card approval that is already behind another order, or too old; nothing was sent.
    ApprovalRejected,
    /// The server cannot take orders for a moment (e.g. its records); nothing was sent.
    ServerUnavailable,
    /// The POS side could not be reached or did not answer in time (502, or 504 on a timeout).
    UpstreamUnavailable,
    /// The order may already be on the POS, and nobody here can tell: it is never sent
    /// again under this id, and staff are asked to look. Do not order it again.
    OrderUnconfirmed,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::TableOccupied
            | ErrorCode::TableHasOpenOrder
            | ErrorCode::OpenOrderMismatch
            | ErrorCode::IdempotencyConflict
            | ErrorCode::OrderUnconfirmed => 409,
            ErrorCode::StoreClosed | ErrorCode::ServerUnavailable => 503,
            ErrorCode::UnknownItem
            | ErrorCode::BadOptions
            | ErrorCode::SoldOut
            | ErrorCode::InvalidRequest
            | ErrorCode::PosRefused
            | ErrorCode::OrderTooLarge
            | ErrorCode::ApprovalRejected => 422,
            ErrorCode::Forbidden | ErrorCode::DeviceRequired => 403,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::NotFound => 404,
            ErrorCode::TooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Unauthorized => 401,
            ErrorCode::UpstreamUnavailable => 502,
        }
    }
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TableOccupied => "table_occupied",
            ErrorCode::StoreClosed => "store_closed",
            ErrorCode::TableHasOpenOrder => "table_has_open_order",
            ErrorCode::OpenOrderMismatch => "open_order_mismatch",
            ErrorCode::UnknownItem => "unknown_item",
            ErrorCode::BadOptions => "bad_options",
            ErrorCode::SoldOut => "sold_out",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::PosRefused => "pos_refused",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::OrderTooLarge => "order_too_large",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::DeviceRequired => "device_required",
            ErrorCode::ApprovalRejected => "approval_rejected",
            ErrorCode::ServerUnavailable => "server_unavailable",
            ErrorCode::UpstreamUnavailable => "upstream_unavailable",
            ErrorCode::OrderUnconfirmed => "order_unconfirmed",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// A store's public slug, as it appears in URLs and QR codes.
pub fn is_valid_store_slug(slug: &str) -> bool {
    (1..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Splits `FLOOR-TABLE` into its codes; `None` for anything else.
pub fn parse_table_id(id: &str) -> Option<(&str, &str)> {
    let (floor, table) = id.split_once('-')?;
    let ok = |s: &str| (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
    (ok(floor) && ok(table)).then_some((floor, table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_request_is_camel_case_and_rejects_prices() {
        let json = r#"{"clientOrderId":"c1","kind":"add","openOrderNo":"TO1",
            "lines":[{"itemId":"I1","count":2,"options":[{"groupId":"G","optionId":"O","count":1}]}]}"#;
        let req: OrderRequest = serde_json::from_str(json).unwrap();
        assert_eq!(req.kind, OrderKind::Add);
        assert_eq!(req.lines[0].options[0].option_id, "O");

        let tampered =
            r#"{"clientOrderId":"c1","kind":"new","lines":[{"itemId":"I1","count":1,"price":1}]}"#;
        assert!(serde_json::from_str::<OrderRequest>(tampered).is_err());
    }

    #[test]
    fn an_approval_is_read_leniently_and_keeps_the_terminals_codes() {
        let a: Approval = serde_json::from_str(
            r#"{"amount":"32,000","approvalNo":30001234,"approvedAt":"20261128191500",
                "instalmentMonths":"00","vat":"2909","acquirerCode":"04","ddcedi":"D"}"#,
        )
        .unwrap();
        assert_eq!(a.amount, Won(32_000));
        assert_eq!(a.approval_no, "30001234");
        assert_eq!(a.vat, Some(Won(2_909)));
        assert_eq!((a.acquirer_code.as_str(), a.ddcedi.as_str()), ("04", "D"));
        let back: Approval = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a, "what is persisted reads back the same");
        assert!(serde_json::from_str::<Approval>(
            r#"{"amount":"lots","approvalNo":"1","approvedAt":"x"}"#
        )
        .is_err());
    }

    #[test]
    fn error_codes_serialise_as_documented() {
        let e = ApiError {
            error: ErrorBody {
                code: ErrorCode::TableOccupied,
                message: "m".into(),
                retry_after_ms: Some(10_000),
            },
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["error"]["code"], "table_occupied");
        assert_eq!(v["error"]["retryAfterMs"], 10_000);
        for code in [
            ErrorCode::OpenOrderMismatch,
            ErrorCode::UpstreamUnavailable,
            ErrorCode::TooLarge,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
        assert_eq!(ErrorCode::TableOccupied.http_status(), 409);
    }

    #[test]
    fn slugs_and_table_ids_are_strict() {
        assert!(is_valid_store_slug("demo"));
        assert!(!is_valid_store_slug("../etc"));
        assert!(!is_valid_store_slug(""));
        assert_eq!(parse_table_id("0001-0003"), Some(("0001", "0003")));
        assert_eq!(parse_table_id("0001-00/3"), None);
        assert_eq!(parse_table_id("0001"), None);
        assert_eq!(parse_table_id("-0001"), None);
        assert_eq!(parse_table_id("a-b-c"), None);
    }
}
