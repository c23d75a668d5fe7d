//! The conversation state saved between steps: where the customer is and what a form collected.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything the engine remembers about one customer's conversation. Serialisable, so the store
/// can keep it as JSON; unknown node ids (after a menu change) are handled as a fresh start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationState {
    /// The customer this conversation is with (WhatsApp id or business-scoped user id); every
    /// business data lookup is scoped to it.
    pub customer: String,
    /// The node the customer is at: a menu, or the form being filled. `None` before the first step.
    pub node: Option<String>,
    /// Progress through the form at `node`, if it is a form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<FormProgress>,
    /// When the customer last wrote; drives the idle timeout.
    pub last_activity: Option<DateTime<Utc>>,
    /// Incremented by every step; lets a store refuse a stale write.
    pub version: u64,
}

/// How far a customer got in a form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProgress {
    /// The index of the field being asked.
    pub field: usize,
    /// Invalid answers in a row for this field.
    pub attempts: u32,
    /// Answers so far, by field name (skipped optional fields are absent).
    pub values: BTreeMap<String, String>,
}

impl ConversationState {
    /// The state of a customer who has never written.
    pub fn new(customer: impl Into<String>) -> Self {
        Self {
            customer: customer.into(),
            node: None,
            form: None,
            last_activity: None,
            version: 0,
        }
    }
}
