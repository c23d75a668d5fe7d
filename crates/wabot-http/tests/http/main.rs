//! In-process tests of the HTTP adapter: the webhook routes against a recording inbox, and the admin
//! API, OpenAPI document, metrics and readiness against a real SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;
mod admin;
mod admin_messages;
mod campaigns;
mod metrics;
mod openapi;
mod records;
mod webhook;
