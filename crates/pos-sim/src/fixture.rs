//! A store as the upstream describes it: credentials, tables and menu, in Smartro's shapes.

use serde::{Deserialize, Serialize};

/// The demo store: a Korean restaurant on two floors.
pub const DEMO_FIXTURE: &str = include_str!("../fixtures/demo-store.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Fixture {
    pub store_id: String,
    pub service_id: String,
    pub store_name: String,
    /// `yyyyMMddHHmmss`: when the menu last changed.
    pub update_dtime: String,
    pub table_list: Vec<TableRow>,
    pub item_group_list: Vec<ItemGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct TableRow {
    pub flr_code: String,
    pub tbl_code: String,
    pub flr_name: String,
    pub tbl_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ItemGroup {
    pub item_group_code: String,
    pub item_group_name: String,
    pub item_group_cnt: String,
    pub item_group_use_flag: String,
    pub item_list: Vec<MenuItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct MenuItem {
    pub item_id: String,
    pub item_name: String,
    pub sale_price: String,
    pub item_use_flag: String,
    pub item_set_gbn: String,
    #[serde(rename = "SOLD_OUT_YN")]
    pub sold_out_yn: String,
    pub additive_group_list: Vec<AdditiveGroup>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct AdditiveGroup {
    pub additive_group_code: String,
    pub additive_group_name: String,
    pub min_cnt: String,
    pub max_cnt: String,
    pub additive_item_list: Vec<Additive>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Additive {
    pub additive_id: String,
    pub additive_name: String,
    pub additive_sale_price: String,
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
        for item in self.items() {
            if item.sale_price.parse::<i64>().is_err() {
                return bad(format!(
                    "item {} has a SALE_PRICE that is not a number",
                    item.item_id
                ));
            }
            for g in &item.additive_group_list {
                let (min, max) = (g.min_cnt.parse::<u32>(), g.max_cnt.parse::<u32>());
                match (min, max) {
                    (Ok(min), Ok(max)) if min <= max => {}
                    _ => {
                        return bad(format!(
                            "option group {} has bad MIN_CNT/MAX_CNT",
                            g.additive_group_code
                        ))
                    }
                }
                if g.additive_item_list
                    .iter()
                    .any(|a| a.additive_sale_price.parse::<i64>().is_err())
                {
                    return bad(format!(
                        "option group {} has a price that is not a number",
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

    /// An item a guest can see: its group and itself flagged as shown ("N", as the upstream has it).
    pub fn shown_item(&self, id: &str) -> Option<&MenuItem> {
        self.item_group_list
            .iter()
            .filter(|g| g.item_group_use_flag == "N")
            .flat_map(|g| g.item_list.iter())
            .find(|i| i.item_id == id && i.item_use_flag == "N")
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
        let shown: Vec<_> = f
            .item_group_list
            .iter()
            .filter(|g| g.item_group_use_flag == "N")
            .collect();
        assert!(shown.len() >= 5, "at least 5 categories");
        assert!(
            shown.iter().map(|g| g.item_list.len()).sum::<usize>() >= 30,
            "at least 30 items"
        );
        let with_min_max = f
            .items()
            .flat_map(|i| &i.additive_group_list)
            .filter(|g| g.min_cnt != g.max_cnt || g.min_cnt != "0")
            .count();
        assert!(with_min_max >= 3);
        let floors: std::collections::BTreeSet<_> =
            f.table_list.iter().map(|t| &t.flr_code).collect();
        assert_eq!(floors.len(), 2);
    }

    #[test]
    fn rejects_inconsistent_fixtures() {
        let mut v: serde_json::Value = serde_json::from_str(DEMO_FIXTURE).unwrap();
        v["ITEM_GROUP_LIST"][0]["ITEM_LIST"][0]["SALE_PRICE"] = "9천원".into();
        assert!(matches!(
            Fixture::parse(&v.to_string()),
            Err(FixtureError::Invalid(_))
        ));
        assert!(matches!(Fixture::parse("{"), Err(FixtureError::Json(_))));
    }
}
