#![doc = include_str!("../README.md")]

mod business;
mod connection;
mod contacts;
mod conversations;
mod demo;
mod tx;
pub mod migrations;
pub mod schema;
mod inbox;
mod ingest;
mod outbox;
mod status;
mod store;

pub use connection::{AnyConnection, DatabaseUrl, Manager};
pub use demo::Seeded;
pub use store::DieselStore;
