//! The store suite: every test runs on SQLite and on a real PostgreSQL started by the suite itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backends;
mod campaign_feed;
mod campaigns;
mod cluster;
mod concurrency;
mod conversation_list;
mod conversations;
mod handoffs;
mod health;
mod identity;
mod ingest;
mod migrations;
mod operators;
mod outbox;
mod outreach;
mod overview;
mod rollups;
mod send_pace;
mod stats;
mod support;
mod ticket_desk;
mod turns;
