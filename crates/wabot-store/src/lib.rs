#![doc = include_str!("../README.md")]

mod backlog;
mod business;
mod connection;
mod contacts;
mod conversations;
mod demo;
mod file_check;
mod group_commit;
mod inbox;
mod ingest;
pub mod migrations;
mod outbox;
mod outreach;
pub mod schema;
mod stats;
mod status;
mod store;
mod turn;
mod tx;

pub use connection::{AnyConnection, DatabaseUrl, Manager};
pub use demo::Seeded;
pub use store::DieselStore;
