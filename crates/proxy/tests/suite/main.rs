//! The server's tests, as one binary: each module is one area, run against real servers on
//! ephemeral ports (`common` starts them). One binary links once and runs every area's tests
//! side by side.

mod common;

mod admin;
mod api;
mod check_upstream;
mod connections;
mod corpus;
mod exactly_once;
mod guarantees;
mod hosts;
mod links_and_tablets;
mod logs;
mod openapi_contract;
mod operations;
mod outage;
mod qr;
mod real_smartro;
mod replicas;
mod store_polling;
mod trust;
mod trust_second_round;
