//! The public browser ↔ proxy API: JSON, camelCase, money as integer won.
//!
//! Partners build on these shapes; change them only in a backwards-compatible way.

use crate::money::Won;
use serde::{Deserialize, Serialize};
use std::fmt;

mod errors;
mod menu;
mod payment;

pub use errors::*;
pub use menu::*;
pub use payment::*;

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

/// The soonest a phone asks again, whatever a server hints.
pub const MIN_POLL_MS: u64 = 250;

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
    /// When to ask again, in milliseconds: just after the server's next look at the POS,
    /// so news reaches the phone as soon as it is seen. Absent: every `pollIntervalMs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_poll_ms: Option<u64>,
}

impl TableOrders {
    /// When a phone should ask again: the server's hint, kept within reason.
    pub fn next_poll_after(&self, config: &ClientConfig) -> u64 {
        let every = config.poll_interval_ms;
        self.next_poll_ms
            .map_or(every, |hint| hint.clamp(MIN_POLL_MS.min(every), every))
    }
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
    fn a_servers_hint_of_when_to_poll_is_kept_within_reason() {
        let config = ClientConfig::default();
        let with = |hint| TableOrders {
            next_poll_ms: hint,
            ..TableOrders::default()
        };
        assert_eq!(with(None).next_poll_after(&config), config.poll_interval_ms);
        assert_eq!(with(Some(1_200)).next_poll_after(&config), 1_200);
        assert_eq!(with(Some(3)).next_poll_after(&config), MIN_POLL_MS);
        assert_eq!(
            with(Some(60_000)).next_poll_after(&config),
            config.poll_interval_ms
        );
    }

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
