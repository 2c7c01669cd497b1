//! The tableorder server: a thin proxy between guests' browsers and Smartro's Order Agent.
//!
//! It holds the credentials, caches each store's tables and menu, reprices every order from
//! that menu, makes resends safe, coalesces polling, and serves the built widget.

pub mod app;
pub mod auth;
pub mod backup;
pub mod base_copies;
pub mod catalog;
pub mod check;
pub mod config;
pub mod connections;
pub mod content;
pub mod db;
pub mod dist;
pub mod error;
pub mod health;
pub mod kst;
pub mod ledger;
pub mod limits;
pub mod metrics;
pub mod orders;
pub mod packed;
pub mod payments;
pub mod photos;
pub mod qr;
mod routes;
pub mod server;
pub mod tls;
pub mod trust;
pub mod upstream;
