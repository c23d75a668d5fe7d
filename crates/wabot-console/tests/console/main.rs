//! The console in-process, on a real SQLite store: who gets in where, CSRF, sessions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod campaigns;
mod pages;
mod support;
