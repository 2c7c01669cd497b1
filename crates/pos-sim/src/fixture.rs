//! A store as the upstream describes it: credentials, tables and menu, in Smartro's shapes.

use serde::{Deserialize, Serialize};

/// The demo store: a Korean restaurant on two floors.
pub const DEMO_FIXTURE: &str = include_str!("../fixtures/demo-store.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Fixture {
    pub store_id: String,
    pub service_id: String,
    /// When the menu last changed: `yyyyMMddHHmmss` and more (the real stamp is longer).
    pub update_dtime: String,
    pub table_list: Vec<TableRow>,
    pub item_group_list: Vec<ItemGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct TableRow {
    pub flr_code: String,
    pub flr_name: String,
    pub tbl_code: String,
    pub tbl_name: String,
}

/// The group of staff-call reasons (water, napkins, …): dishes are never in it.
pub const STAFF_CALL_GROUP: &str = "99999";

/// The memo that marks an order as a call for staff, as the real client sends it.
pub const STAFF_CALL_MEMO: &str = "직원호출";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ItemGroup {
    pub item_group_code: String,
    pub item_group_name: String,
    pub item_group_cnt: u32,
    pub item_group_use_flag: String,
    pub item_list: Vec<MenuItem>,
}

/// A menu item as the real service sends it: `ITEM_AMT` a JSON number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct MenuItem {
    pub item_id: String,
    pub item_name: String,
    pub item_amt: i64,
    #[serde(default)]
    pub item_cnt: i64,
    pub item_use_flag: String,
    pub item_set_gbn: String,
    /// (assumed) The simulator's own sold-out flag; Smartro's menu has none.
    #[serde(
        default,
        rename = "SOLD_OUT_YN",
        skip_serializing_if = "Option::is_none"
    )]
    pub sold_out_yn: Option<String>,
    /// Absent or `null` when the item has no options, as on the real service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additive_group_list: Option<Vec<AdditiveGroup>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct AdditiveGroup {
    pub additive_group_code: String,
    pub additive_group_name: String,
    pub additive_group_use_flag: String,
    /// (assumed) Absent: none required, at most one, as the real client lets guests choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cnt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cnt: Option<String>,
    pub additive_item_list: Vec<Additive>,
}

impl AdditiveGroup {
    /// How many options a guest picks from this group: (min, max).
    pub fn bounds(&self) -> (u32, u32) {
        let parse = |v: &Option<String>, default| {
            v.as_deref()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(default)
        };
        (parse(&self.min_cnt, 0), parse(&self.max_cnt, 1))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Additive {
    pub additive_id: String,
    pub additive_name: String,
    pub additive_sale_price: i64,
    pub additive_use_flag: String,
}

/// What the POS shows guests: flagged `"N"`, as the real client reads it.
pub fn shown(flag: &str) -> bool {
    flag == "N"
}

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("the fixture is not valid store JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the fixture is inconsistent: {0}")]
    Invalid(String),
}

impl Fixture {
    pub fn demo() -> Fixture {
        // The demo fixture is part of the binary and checked by a test.
        Fixture::parse(DEMO_FIXTURE).expect("the bundled demo fixture is valid")
    }

    pub fn parse(json: &str) -> Result<Fixture, FixtureError> {
        let f: Fixture = serde_json::from_str(json)?;
        f.check()?;
        Ok(f)
    }

    fn check(&self) -> Result<(), FixtureError> {
        let bad = |m: String| Err(FixtureError::Invalid(m));
        if self.store_id.is_empty() || self.service_id.is_empty() {
            return bad("STORE_ID and SERVICE_ID must be set".into());
        }
        if self.update_dtime.len() < 14 {
            return bad("UPDATE_DTIME must start with yyyyMMddHHmmss".into());
        }
        for item in self.items() {
            for g in item.additive_group_list.iter().flatten() {
                let (min, max) = g.bounds();
                if min > max {
                    return bad(format!(
                        "option group {} has MIN_CNT above MAX_CNT",
                        g.additive_group_code
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn items(&self) -> impl Iterator<Item = &MenuItem> {
        self.item_group_list.iter().flat_map(|g| g.item_list.iter())
    }

    pub fn item(&self, id: &str) -> Option<&MenuItem> {
        self.items().find(|i| i.item_id == id)
    }

    /// An item a guest can order: its group and itself shown. Staff-call reasons count too.
    pub fn shown_item(&self, id: &str) -> Option<&MenuItem> {
        self.item_group_list
            .iter()
            .filter(|g| shown(&g.item_group_use_flag))
            .flat_map(|g| g.item_list.iter())
            .find(|i| i.item_id == id && shown(&i.item_use_flag))
    }

    /// Is this one of the staff-call reasons (group 99999)?
    pub fn is_staff_call_reason(&self, id: &str) -> bool {
        self.item_group_list
            .iter()
            .filter(|g| g.item_group_code == STAFF_CALL_GROUP)
            .any(|g| g.item_list.iter().any(|i| i.item_id == id))
    }

    pub fn item_mut(&mut self, id: &str) -> Option<&mut MenuItem> {
        self.item_group_list
            .iter_mut()
            .flat_map(|g| g.item_list.iter_mut())
            .find(|i| i.item_id == id)
    }

    pub fn has_table(&self, floor: &str, table: &str) -> bool {
        self.table_list
            .iter()
            .any(|t| t.flr_code == floor && t.tbl_code == table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_store_is_a_real_restaurant() {
        let f = Fixture::demo();
        let shown_groups: Vec<_> = f
            .item_group_list
            .iter()
            .filter(|g| shown(&g.item_group_use_flag) && g.item_group_code != STAFF_CALL_GROUP)
            .collect();
        assert!(shown_groups.len() >= 5, "at least 5 categories");
        assert!(
            shown_groups
                .iter()
                .map(|g| g.item_list.len())
                .sum::<usize>()
                >= 30,
            "at least 30 items"
        );
        let with_min_max = f
            .items()
            .flat_map(|i| i.additive_group_list.iter().flatten())
            .filter(|g| g.bounds() != (0, 1))
            .count();
        assert!(with_min_max >= 3);
        let floors: std::collections::BTreeSet<_> =
            f.table_list.iter().map(|t| &t.flr_code).collect();
        assert_eq!(floors.len(), 2);
        assert!(f.is_staff_call_reason("S9901"));
        assert!(
            f.update_dtime.len() > 14,
            "the real stamp is longer than 14"
        );
    }

    #[test]
    fn the_demo_menu_is_sent_in_the_real_shapes() {
        let f = Fixture::demo();
        let v = serde_json::to_value(&f.item_group_list).unwrap();
        assert!(v[0]["ITEM_LIST"][0]["ITEM_AMT"].is_number());
        assert!(
            v[0]["ITEM_LIST"][0]["ADDITIVE_GROUP_LIST"][0]["ADDITIVE_ITEM_LIST"][0]
                ["ADDITIVE_SALE_PRICE"]
                .is_number()
        );
    }

    #[test]
    fn rejects_inconsistent_fixtures() {
        let mut v: serde_json::Value = serde_json::from_str(DEMO_FIXTURE).unwrap();
        v["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0]["ITEM_AMT"] = "9천원".into();
        assert!(matches!(
            Fixture::parse(&v.to_string()),
            Err(FixtureError::Json(_))
        ));
        let mut v: serde_json::Value = serde_json::from_str(DEMO_FIXTURE).unwrap();
        v["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0]["ADDITIVE_GROUP_LIST"][0]["MIN_CNT"] = "5".into();
        assert!(matches!(
            Fixture::parse(&v.to_string()),
            Err(FixtureError::Invalid(_))
        ));
        assert!(matches!(Fixture::parse("{"), Err(FixtureError::Json(_))));
    }
}
