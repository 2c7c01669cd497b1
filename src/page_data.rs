//! The data a table's page carries (`#tableorder-boot`), so that the widget can show the menu
//! without asking first: written by the server, read by the widget as it starts.
//!
//! The server writes it with serde (the menu as the API sends it); the widget reads it with
//! miniserde. This is the one JSON the page's first load must read, and serde_json with
//! serde's derived readers for the menu was a seventh of that load's code; miniserde reads
//! through one visitor per type instead, as fast on a 280-item menu. The shapes below are the
//! API's as written to JSON (camelCase; a field serde leaves out when empty is optional
//! here), each made into its `order_core` type by a conversion that names every field, so a
//! field added there does not compile here until it is read. The parts drawn later read the
//! API with serde as before; the tests hold this reader to serde's.

use miniserde::Deserialize;
use order_core::{
    Category, ClientConfig, Item, ItemText, Menu, OptionChoice, OptionGroup, StaffCallReason,
    StoreInfo, Table, Won,
};

/// What the page carried; each part may be missing.
#[derive(Default, Clone, Debug, PartialEq)]
pub struct Boot {
    pub store: String,
    pub config: Option<ClientConfig>,
    pub menu: Option<Menu>,
    pub table: Option<Table>,
}

impl Boot {
    /// All the store front needs.
    pub fn is_complete(&self) -> bool {
        self.config.is_some() && self.menu.is_some() && self.table.is_some()
    }
}

/// The page's data as JSON, for a `<script type="application/json">`: `menu` is the menu as
/// the API sends it (kept serialised by the server). `<` is escaped, so the data cannot close
/// the element.
pub fn write(
    store: &str,
    config: &ClientConfig,
    menu: Option<&str>,
    table: Option<&Table>,
) -> Result<String, serde_json::Error> {
    let json = format!(
        r#"{{"store":{},"config":{},"menu":{},"table":{}}}"#,
        serde_json::to_string(store)?,
        serde_json::to_string(config)?,
        menu.unwrap_or("null"),
        serde_json::to_string(&table)?,
    );
    Ok(json.replace('<', "\\u003c"))
}

/// Reads what [`write`] wrote; `None` for anything else.
pub fn read(json: &str) -> Option<Boot> {
    let page: PageData = miniserde::json::from_str(json).ok()?;
    Some(Boot {
        store: page.store,
        config: page.config.map(Into::into),
        menu: page.menu.map(Into::into),
        table: page.table.map(Into::into),
    })
}

#[derive(Deserialize)]
struct PageData {
    store: String,
    config: Option<PageConfig>,
    menu: Option<PageMenu>,
    table: Option<PageTable>,
}

#[derive(Deserialize)]
struct PageConfig {
    #[serde(rename = "pollIntervalMs")]
    poll_interval_ms: u64,
    #[serde(rename = "acceptWindowMs")]
    accept_window_ms: u64,
    #[serde(rename = "occupiedRetryMs")]
    occupied_retry_ms: u64,
    #[serde(rename = "maxOccupiedRetries")]
    max_occupied_retries: u32,
}

impl From<PageConfig> for ClientConfig {
    fn from(c: PageConfig) -> Self {
        ClientConfig {
            poll_interval_ms: c.poll_interval_ms,
            accept_window_ms: c.accept_window_ms,
            occupied_retry_ms: c.occupied_retry_ms,
            max_occupied_retries: c.max_occupied_retries,
        }
    }
}

#[derive(Deserialize)]
struct PageTable {
    id: String,
    floor: String,
    name: String,
}

impl From<PageTable> for Table {
    fn from(t: PageTable) -> Self {
        Table {
            id: t.id,
            floor: t.floor,
            name: t.name,
        }
    }
}

#[derive(Deserialize)]
struct PageMenu {
    store: PageStore,
    version: String,
    categories: Vec<PageCategory>,
    stale: Option<bool>,
    #[serde(rename = "staffCalls")]
    staff_calls: Option<Vec<PageStaffCall>>,
}

impl From<PageMenu> for Menu {
    fn from(m: PageMenu) -> Self {
        Menu {
            store: StoreInfo {
                name: m.store.name,
                open: m.store.open,
            },
            version: m.version,
            categories: m.categories.into_iter().map(Category::from).collect(),
            stale: m.stale.unwrap_or_default(),
            staff_calls: m
                .staff_calls
                .unwrap_or_default()
                .into_iter()
                .map(|r| StaffCallReason {
                    id: r.id,
                    name: r.name,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct PageStore {
    name: String,
    open: bool,
}

#[derive(Deserialize)]
struct PageStaffCall {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct PageCategory {
    id: String,
    name: String,
    items: Vec<PageItem>,
}

impl From<PageCategory> for Category {
    fn from(c: PageCategory) -> Self {
        Category {
            id: c.id,
            name: c.name,
            items: c.items.into_iter().map(Item::from).collect(),
        }
    }
}

#[derive(Deserialize)]
struct PageItem {
    id: String,
    name: String,
    price: i64,
    #[serde(rename = "soldOut")]
    sold_out: bool,
    #[serde(rename = "setMenu")]
    set_menu: bool,
    #[serde(rename = "optionGroups")]
    option_groups: Vec<PageOptionGroup>,
    description: Option<String>,
    photo: Option<String>,
    texts: Option<Vec<PageItemText>>,
}

impl From<PageItem> for Item {
    fn from(i: PageItem) -> Self {
        Item {
            id: i.id,
            name: i.name,
            price: Won(i.price),
            sold_out: i.sold_out,
            set_menu: i.set_menu,
            option_groups: i.option_groups.into_iter().map(OptionGroup::from).collect(),
            description: i.description,
            photo: i.photo,
            texts: i
                .texts
                .unwrap_or_default()
                .into_iter()
                .map(|t| ItemText {
                    lang: t.lang,
                    name: t.name,
                    description: t.description,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct PageItemText {
    lang: String,
    name: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct PageOptionGroup {
    id: String,
    name: String,
    min: u32,
    max: u32,
    options: Vec<PageOptionChoice>,
}

impl From<PageOptionGroup> for OptionGroup {
    fn from(g: PageOptionGroup) -> Self {
        OptionGroup {
            id: g.id,
            name: g.name,
            min: g.min,
            max: g.max,
            options: g
                .options
                .into_iter()
                .map(|o| OptionChoice {
                    id: o.id,
                    name: o.name,
                    price: Won(o.price),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct PageOptionChoice {
    id: String,
    name: String,
    price: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use order_core::fixtures;

    fn table() -> Table {
        Table {
            id: "0001-0003".into(),
            floor: "1층".into(),
            name: "3번".into(),
        }
    }

    /// Every field the API may carry, each optional one both present and left out.
    fn full_menu() -> Menu {
        let mut menu = fixtures::menu();
        menu.stale = true;
        menu.staff_calls = vec![StaffCallReason {
            id: "water".into(),
            name: "물".into(),
        }];
        let stew = &mut menu.categories[0].items[0];
        stew.description = Some("돼지고기와 묵은지 \"진하게\"\n</script><b>".into());
        stew.photo = Some("ab12cd".into());
        stew.texts = vec![
            ItemText {
                lang: "en".into(),
                name: "Kimchi stew 🍲".into(),
                description: Some("Pork and aged kimchi \\ rich".into()),
            },
            ItemText {
                lang: "ja".into(),
                name: "キムチチゲ".into(),
                description: None,
            },
        ];
        menu.categories[1].items[0].price = Won(-500);
        menu
    }

    fn page(menu: Option<&Menu>, table: Option<&Table>) -> String {
        let menu = menu.map(|m| serde_json::to_string(m).unwrap());
        write(
            "smile-hansik",
            &ClientConfig::default(),
            menu.as_deref(),
            table,
        )
        .unwrap()
    }

    #[test]
    fn the_widget_reads_what_the_server_wrote_as_serde_does() {
        let menu = full_menu();
        let json = page(Some(&menu), Some(&table()));
        assert!(
            !json.contains('<'),
            "the data could close its element: {json}"
        );
        let read = read(&json).expect("the server's page data");
        assert_eq!(
            read,
            Boot {
                store: "smile-hansik".into(),
                config: Some(ClientConfig::default()),
                menu: Some(menu.clone()),
                table: Some(table()),
            }
        );
        // The same as the API's own reader makes of the menu the page carried.
        let serde_menu: Menu =
            serde_json::from_str(&serde_json::to_string(&menu).unwrap()).unwrap();
        assert_eq!(read.menu, Some(serde_menu));
    }

    #[test]
    fn fields_serde_leaves_out_read_as_empty() {
        let menu = fixtures::menu();
        let json = serde_json::to_string(&menu).unwrap();
        assert!(!json.contains("staffCalls") && !json.contains("texts") && !json.contains("stale"));
        let read = read(&page(Some(&menu), None)).unwrap();
        assert_eq!(read.menu, Some(menu));
        assert_eq!(read.table, None);
    }

    #[test]
    fn parts_the_server_could_not_have_are_missing() {
        let read = read(&page(None, None)).unwrap();
        assert_eq!(read.menu, None);
        assert_eq!(read.table, None);
        assert!(!read.is_complete());
    }

    #[test]
    fn fields_added_later_are_ignored() {
        let json = page(Some(&fixtures::menu()), Some(&table()))
            .replace(
                r#""soldOut""#,
                r#""badge":{"kind":["new",1.5e3]},"soldOut""#,
            )
            .replace(
                r#""store":"smile-hansik""#,
                r#""store":"smile-hansik","v":2"#,
            );
        let read = read(&json).unwrap();
        assert_eq!(read.menu, Some(fixtures::menu()));
    }

    #[test]
    fn anything_else_is_not_read() {
        let good = page(Some(&fixtures::menu()), Some(&table()));
        for bad in [
            String::new(),
            "null".into(),
            good[..good.len() - 1].to_string(),
            good.replace(r#""soldOut":true"#, r#""soldOut":"yes""#),
            good.replace(r#""version":"1","#, ""),
            good.replace(r#""price":9000"#, r#""price":9000.5"#),
        ] {
            assert_eq!(read(&bad), None, "{bad}");
        }
    }
}
