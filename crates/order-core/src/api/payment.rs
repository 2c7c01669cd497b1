//! How an order is paid: the method, and the approvals a card terminal reports.

use super::*;

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
