//! Money as integer won. KRW has no minor unit, so amounts are whole numbers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Mul};

/// An amount in Korean won.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Won(pub i64);

impl Won {
    pub const ZERO: Won = Won(0);

    /// `12,000원` — how a Korean menu writes a price.
    pub fn korean(self) -> String {
        format!("{}원", group_thousands(self.0))
    }

    /// `₩12,000` — the international form, used in English.
    pub fn international(self) -> String {
        if self.0 < 0 {
            format!("-₩{}", group_thousands(-self.0))
        } else {
            format!("₩{}", group_thousands(self.0))
        }
    }

    pub fn checked_mul(self, count: u32) -> Option<Won> {
        self.0.checked_mul(i64::from(count)).map(Won)
    }

    pub fn checked_add(self, other: Won) -> Option<Won> {
        self.0.checked_add(other.0).map(Won)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Won {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .description(Some("An amount in Korean won (no minor unit)."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Won {}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Won {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.korean())
    }
}

impl Add for Won {
    type Output = Won;
    fn add(self, rhs: Won) -> Won {
        Won(self.0 + rhs.0)
    }
}

impl AddAssign for Won {
    fn add_assign(&mut self, rhs: Won) {
        self.0 += rhs.0;
    }
}

impl Mul<u32> for Won {
    type Output = Won;
    fn mul(self, rhs: u32) -> Won {
        Won(self.0 * i64::from(rhs))
    }
}

impl std::iter::Sum for Won {
    fn sum<I: Iterator<Item = Won>>(iter: I) -> Won {
        iter.fold(Won::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_korean_and_international() {
        assert_eq!(Won(0).korean(), "0원");
        assert_eq!(Won(500).korean(), "500원");
        assert_eq!(Won(12_000).korean(), "12,000원");
        assert_eq!(Won(1_234_567).korean(), "1,234,567원");
        assert_eq!(Won(-3_000).korean(), "-3,000원");
        assert_eq!(Won(12_000).international(), "₩12,000");
        assert_eq!(Won(-100_000).international(), "-₩100,000");
        assert_eq!(Won(i64::MIN).korean(), "-9,223,372,036,854,775,808원");
    }

    #[test]
    fn arithmetic_is_checked_where_it_matters() {
        assert_eq!(Won(1_500).checked_mul(3), Some(Won(4_500)));
        assert_eq!(Won(i64::MAX).checked_mul(2), None);
        assert_eq!(Won(i64::MAX).checked_add(Won(1)), None);
        assert_eq!([Won(1), Won(2)].into_iter().sum::<Won>(), Won(3));
    }
}
