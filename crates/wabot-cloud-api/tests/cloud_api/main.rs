//! Integration tests of the Cloud API crate: Meta's OpenAPI examples and schema, hand-written
//! webhook fixtures, signature vectors, the client against a real local HTTP server, and rendering.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod conformance;
mod fixtures;
mod media_keeping;
mod properties;
mod render;
mod schema;
mod signature;
mod templates;
mod ticket_template;
