//! The widget's components, one per file.

mod header;
mod menu;
mod notice;
mod skeleton;
mod widget;

pub use header::Header;
pub use menu::{CategoryTabs, MenuList};
pub use notice::Notice;
pub use skeleton::Skeleton;
pub use widget::Widget;
