//! `/api/handoffs`: the queue of conversations handed to a person, and what an agent does with one
//! (claim, reply, note, transfer, close) — the agent named in the request, since a bearer token
//! belongs to a machine, not a person. One handler per file; the views and the body reading here.

pub mod claim;
pub mod close;
pub mod list;
pub mod note;
pub mod reply;
pub mod transfer;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use wabot_app::{Handoff, HandoffState};

use crate::error::ApiError;

/// A handoff as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffView {
    /// The handoff's id (for the other routes).
    pub id: i64,
    /// The customer's contact id.
    pub contact_id: i64,
    /// The customer's phone number (WhatsApp id), when known.
    pub phone_number: Option<String>,
    /// The customer's business-scoped user id, when known.
    pub user_id: Option<String>,
    /// The customer's profile name.
    pub name: Option<String>,
    /// `waiting`, `claimed`, `message_left` (nobody answered; the customer left a message) or `closed`.
    #[schema(value_type = String, example = "waiting")]
    pub state: HandoffState,
    /// The agent who has it.
    pub agent: Option<String>,
    /// How it was asked for: the handoff node's id, or `word`.
    pub reason: String,
    /// When the customer asked.
    pub opened_at: DateTime<Utc>,
    /// Seconds since the customer asked (while open).
    pub wait_seconds: i64,
    /// The menu nodes the customer last went through, oldest first.
    pub menu_path: Vec<String>,
    /// The message the customer left, if nobody answered in time.
    pub message_left: Option<String>,
}

impl HandoffView {
    /// The view of a handoff at `now`.
    pub fn new(handoff: Handoff, now: DateTime<Utc>) -> Self {
        let until = handoff.closed_at.unwrap_or(now);
        Self {
            id: handoff.id,
            contact_id: handoff.contact.id,
            phone_number: handoff.contact.ids.wa_id,
            user_id: handoff.contact.ids.user_id,
            name: handoff.contact.profile_name,
            state: handoff.state,
            agent: handoff.agent,
            reason: handoff.reason,
            opened_at: handoff.opened_at,
            wait_seconds: (until - handoff.opened_at).num_seconds().max(0),
            menu_path: handoff.menu_path,
            message_left: handoff.message_left,
        }
    }
}

/// `{"agent": "<name>"}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AgentBody {
    /// The agent's name (any name: no console user is needed).
    #[schema(value_type = String, example = "ana")]
    pub agent: Option<String>,
}

/// `{"text": "..."}`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TextBody {
    /// The text (1–4096 characters).
    #[schema(value_type = String, example = "Hello, this is Ana. How can I help?")]
    pub text: Option<String>,
}

/// Reads a JSON object body into `T`: 400 unless it is an object, 422 naming a wrong field.
pub fn object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value = if body.is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(body).map_err(|error| ApiError::InvalidBody(error.to_string()))?
    };
    if !value.is_object() {
        return Err(ApiError::InvalidBody("expected an object".into()));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|error| ApiError::invalid(error.path().to_string(), error.inner().to_string()))
}

/// A store error of a handoff route: a conversation changed by someone else meanwhile (a
/// customer's message, another agent) is a 409 to try again, not a server failure.
pub fn store_error(error: wabot_app::StoreError) -> ApiError {
    match error {
        wabot_app::StoreError::StaleSession { .. } | wabot_app::StoreError::Conflict(_) => {
            ApiError::Conflict(
                "the conversation changed meanwhile (a new message, another agent): try again"
                    .into(),
            )
        }
        other => ApiError::from_store(other),
    }
}

/// A required, non-blank string field of at most `max` characters.
pub fn required(value: Option<String>, field: &str, max: usize) -> Result<String, ApiError> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let value = value.ok_or_else(|| ApiError::invalid(field, "is required"))?;
    if value.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("is longer than {max} characters"),
        ));
    }
    Ok(value)
}
