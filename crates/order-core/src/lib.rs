//! The ordering domain of tableorder, with no I/O.
//!
//! `order-core` decides; the widget and the proxy do. It holds the types of the public
//! browser ↔ proxy API, money in integer won, the cart and its validation against the menu,
//! and the order flow as a state machine that takes events and a `now` and returns commands.

pub mod api;
pub mod cart;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
pub mod flow;
pub mod money;
pub mod owner;
pub mod pricing;

pub use api::*;
pub use money::Won;
