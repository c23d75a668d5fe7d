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
    /// Where the customer is in a handoff to a person, if they asked for one: the bot stays
    /// silent until it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<HandoffStage>,
    /// The language the conversation speaks (a code of the menu's `settings.languages`); absent
    /// before the first step, in states saved before languages existed, and when the menu declares
    /// no languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Whether the customer chose `language` (a `[languages.words]` word). A chosen language is
    /// kept; otherwise every step works it out again (calling code, else the menu's default).
    #[serde(default, skip_serializing_if = "is_false")]
    pub language_chosen: bool,
    /// When the customer last wrote; drives the idle timeout.
    pub last_activity: Option<DateTime<Utc>>,
    /// Incremented by every step; lets a store refuse a stale write.
    pub version: u64,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// How far a handoff to a person has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffStage {
    /// In the queue (or with an agent): the customer's messages wait for a person.
    Waiting,
    /// Nobody answered in time: the customer was offered to leave a message.
    Offered,
    /// The customer left a message for a call back.
    MessageLeft,
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
            handoff: None,
            language: None,
            language_chosen: false,
            last_activity: None,
            version: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_state_saved_before_languages_still_loads() {
        let old = r#"{"customer":"34600111222","node":"orders","last_activity":null,"version":3}"#;
        let state: ConversationState = serde_json::from_str(old).unwrap();
        assert_eq!(state.language, None);
        assert!(!state.language_chosen);
        assert_eq!(state.node.as_deref(), Some("orders"));
        let mut chosen = state.clone();
        chosen.language = Some("es".into());
        chosen.language_chosen = true;
        let json = serde_json::to_string(&chosen).unwrap();
        assert!(
            json.contains(r#""language":"es","language_chosen":true"#),
            "{json}"
        );
        assert!(!serde_json::to_string(&state).unwrap().contains("language"));
    }
}
