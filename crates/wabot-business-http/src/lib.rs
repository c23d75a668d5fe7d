//! Orders and schedule read live from the business's own HTTP API (`business.source = "http"`):
//! [`HttpBusinessSource`] implements wabot-app's `BusinessSource` port, beside the built-in tables
//! (the store's `BusinessData`). `template.rs` checks and fills the URL templates, `mapping.rs`
//! reads the API's JSON through the configured field names, `cache.rs` keeps answers briefly, and
//! `source.rs` asks the API with the auth and timeout configured. The JSON an API must answer is
//! described in `docs/business-data.md`.

mod cache;
mod mapping;
mod source;
mod template;

pub use mapping::{Malformed, OrderFieldNames, OrderFields, ScheduleFieldNames, ScheduleFields};
pub use source::{
    Auth, HttpBusinessSource, HttpSourceConfig, MAX_ANSWER_BYTES, SourceError, UPCOMING_DAYS,
};
pub use template::{PLACEHOLDERS, TemplateError, UrlTemplate};
