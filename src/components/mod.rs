//! The widget's components, one per file.

mod cart;
mod fetched_page;
mod floating_layer;
mod header;
mod history;
mod item_sheet;
mod later;
mod menu;
mod notice;
mod sheet;
mod skeleton;
mod staff_call;
mod staff_pin;
mod status_panel;
mod storefront;
mod widget;
mod wording;

pub use crate::page_data::Boot;
pub use cart::{CartAside, CartBar, CartSheet};
pub use floating_layer::{FloatingLayer, Place};
pub use header::Header;
pub use history::HistorySheet;
pub use item_sheet::{Counter, ItemSheet};
pub use menu::{CategoryHeading, CategoryTabs, ItemPhoto, MenuList};
pub use notice::Notice;
pub use sheet::Sheet;
pub use skeleton::Skeleton;
pub use staff_call::StaffCallSheet;
pub use staff_pin::StaffPin;
pub use status_panel::{StatusBody, StatusPanel};
#[cfg(feature = "ssr")]
pub use widget::render_table_page;
pub use widget::{take_boot, Localized, Widget};
