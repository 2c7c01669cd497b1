//! The one small menu that tests and benches share (feature `test-fixtures`): a dish with a
//! required and an optional option group, a plain dish, and a sold-out drink.

use crate::api::{Category, Item, Menu, OptionChoice, OptionGroup, StoreInfo};
use crate::money::Won;

pub const KIMCHI_STEW: &str = "I1";
pub const MAKGEOLLI: &str = "I2";
pub const PORK_BELLY: &str = "I3";
/// Kimchi stew's required group (exactly one) and its options.
pub const SPICINESS: &str = "R01";
pub const MILD: &str = "A1";
pub const VERY_HOT: &str = "A2";
/// Kimchi stew's optional group (up to two).
pub const TOPPINGS: &str = "R02";
pub const CHEESE: &str = "T1";
pub const EGG: &str = "T2";

fn choice(id: &str, name: &str, price: i64) -> OptionChoice {
    OptionChoice {
        id: id.into(),
        name: name.into(),
        price: Won(price),
    }
}

/// 김치찌개, 9,000원: 맵기 (순한맛, 아주 매운맛 +500) and up to two 토핑 (치즈 +2,000, 계란 +1,000).
pub fn kimchi_stew() -> Item {
    Item {
        id: KIMCHI_STEW.into(),
        name: "김치찌개".into(),
        price: Won(9_000),
        option_groups: vec![
            OptionGroup {
                id: SPICINESS.into(),
                name: "맵기".into(),
                min: 1,
                max: 1,
                options: vec![
                    choice(MILD, "순한맛", 0),
                    choice(VERY_HOT, "아주 매운맛", 500),
                ],
            },
            OptionGroup {
                id: TOPPINGS.into(),
                name: "토핑".into(),
                min: 0,
                max: 2,
                options: vec![choice(CHEESE, "치즈", 2_000), choice(EGG, "계란", 1_000)],
            },
        ],
        ..Item::default()
    }
}

/// 스마일 한식당: 식사 (김치찌개, 삼겹살 16,000원) and 주류 (막걸리 12,500원, sold out).
pub fn menu() -> Menu {
    let plain = |id: &str, name: &str, price: i64, sold_out: bool| Item {
        id: id.into(),
        name: name.into(),
        price: Won(price),
        sold_out,
        ..Item::default()
    };
    Menu {
        store: StoreInfo {
            name: "스마일 한식당".into(),
            open: true,
        },
        version: "1".into(),
        stale: false,
        staff_calls: vec![],
        categories: vec![
            Category {
                id: "G1".into(),
                name: "식사".into(),
                items: vec![kimchi_stew(), plain(PORK_BELLY, "삼겹살", 16_000, false)],
            },
            Category {
                id: "G2".into(),
                name: "주류".into(),
                items: vec![plain(MAKGEOLLI, "막걸리", 12_500, true)],
            },
        ],
    }
}
