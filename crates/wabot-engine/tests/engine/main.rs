//! The engine's integration tests: golden transcripts, menu validation, properties and events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod events;
mod languages;
mod properties;
mod transcript;
mod validation;
