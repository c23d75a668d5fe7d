//! The store suite: every test runs on SQLite and on a real PostgreSQL started by the suite itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backends;
mod cluster;
mod concurrency;
mod conversation_list;
mod conversations;
mod deferred;
mod handoffs;
mod health;
mod identity;
mod ingest;
mod migrations;
mod operators;
mod outbox;
mod outreach;
mod overview;
mod records;
mod rollups;
mod send_pace;
mod stats;
mod support;
mod ticket_desk;
mod ticket_media;
mod ticket_updates;
mod turns;
