//! The webhook envelope: `object`, every `entry`, every `change`, and for the `messages` field its
//! metadata, contacts, messages, statuses and errors. Other fields are kept raw.
//!
//! [`WebhookPayload::parse`] fails only on bytes that are not a JSON object; everything inside is read
//! leniently, because a real payload from Meta must never be refused (Meta would retry it for days).

use serde::Serialize;
use serde_json::Value;

use crate::echoes::{EchoesValue, MessageEcho};

use crate::inbound::InboundMessage;
use crate::json::{field, items};
use crate::status::{Status, WebhookError};

/// Why a webhook body could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not JSON.
    #[error("the webhook body is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not an object.
    #[error("the webhook body is not a JSON object")]
    NotAnObject,
}

/// A whole webhook POST body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WebhookPayload {
    /// Always `whatsapp_business_account` for WhatsApp.
    pub object: String,
    /// Every entry (one per business account).
    pub entries: Vec<Entry>,
}

/// One `entry`: a business account's changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// The WhatsApp Business Account id.
    pub id: String,
    /// Every change.
    pub changes: Vec<Change>,
}

/// One `change`, by its subscription field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Change {
    /// `field: "messages"`: inbound messages and statuses of sent ones.
    Messages(MessagesValue),
    /// `field: "smb_message_echoes"`: messages the business sent from the WhatsApp Business app.
    Echoes(EchoesValue),
    /// Any other field (`account_update`, `message_template_status_update`, …), kept raw.
    Unknown {
        /// The field name.
        field: String,
        /// The `value` object.
        value: Value,
    },
}

/// `value.metadata`: which of our numbers this is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// The number as shown to customers.
    pub display_phone_number: Option<String>,
    /// The phone number id messages are sent from.
    pub phone_number_id: Option<String>,
}

/// `value.contacts[]`: who the messages are from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// WhatsApp id (usually the phone number), absent for BSUID-only users.
    pub wa_id: Option<String>,
    /// Business-scoped user id (2026+).
    pub user_id: Option<String>,
    /// Parent business-scoped user id, if any.
    pub parent_user_id: Option<String>,
    /// The profile name.
    pub name: Option<String>,
    /// The WhatsApp username, if the user has one.
    pub username: Option<String>,
}

/// The `value` of a `messages` change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MessagesValue {
    /// Which number it concerns.
    pub metadata: Metadata,
    /// The senders of `messages`.
    pub contacts: Vec<Contact>,
    /// Inbound messages.
    pub messages: Vec<InboundMessage>,
    /// Status updates of messages we sent.
    pub statuses: Vec<Status>,
    /// Account- or system-level errors (e.g. 130429 throughput).
    pub errors: Vec<WebhookError>,
}

impl WebhookPayload {
    /// Reads a webhook body (already verified: see [`crate::SignatureVerifier`]).
    pub fn parse(body: &[u8]) -> Result<Self, ParseError> {
        let raw: Value = serde_json::from_slice(body)?;
        if !raw.is_object() {
            return Err(ParseError::NotAnObject);
        }
        Ok(Self::from_json(&raw))
    }

    /// Reads an already parsed body; never fails.
    pub fn from_json(raw: &Value) -> Self {
        Self {
            object: field(raw, "object").unwrap_or_default(),
            entries: items(raw, "entry").iter().map(Entry::from_json).collect(),
        }
    }

    /// Every `messages` value in the payload, across all entries and changes.
    pub fn messages_values(&self) -> impl Iterator<Item = &MessagesValue> {
        self.entries
            .iter()
            .flat_map(|entry| &entry.changes)
            .filter_map(|change| match change {
                Change::Messages(value) => Some(value),
                Change::Echoes(_) | Change::Unknown { .. } => None,
            })
    }

    /// Every message echoed from the WhatsApp Business app, across all entries and changes.
    pub fn echoes(&self) -> impl Iterator<Item = &MessageEcho> {
        self.entries
            .iter()
            .flat_map(|entry| &entry.changes)
            .filter_map(|change| match change {
                Change::Echoes(value) => Some(&value.echoes),
                Change::Messages(_) | Change::Unknown { .. } => None,
            })
            .flatten()
    }
}

impl Entry {
    fn from_json(raw: &Value) -> Self {
        Self {
            id: field(raw, "id").unwrap_or_default(),
            changes: items(raw, "changes")
                .iter()
                .map(Change::from_json)
                .collect(),
        }
    }
}

impl Change {
    fn from_json(raw: &Value) -> Self {
        let field_name = field(raw, "field").unwrap_or_default();
        let value = raw.get("value").unwrap_or(&Value::Null);
        if field_name == "messages" && value.is_object() {
            Change::Messages(MessagesValue::from_json(value))
        } else if field_name == "smb_message_echoes" && value.is_object() {
            Change::Echoes(EchoesValue::from_json(value))
        } else {
            Change::Unknown {
                field: field_name,
                value: value.clone(),
            }
        }
    }
}

impl MessagesValue {
    fn from_json(raw: &Value) -> Self {
        let metadata = raw
            .get("metadata")
            .map_or_else(Metadata::default, |metadata| Metadata {
                display_phone_number: field(metadata, "display_phone_number"),
                phone_number_id: field(metadata, "phone_number_id"),
            });
        let contacts = items(raw, "contacts")
            .iter()
            .map(|contact| {
                let profile = contact.get("profile");
                Contact {
                    wa_id: field(contact, "wa_id"),
                    user_id: field(contact, "user_id"),
                    parent_user_id: field(contact, "parent_user_id"),
                    name: profile.and_then(|profile| field(profile, "name")),
                    username: profile.and_then(|profile| field(profile, "username")),
                }
            })
            .collect();
        Self {
            metadata,
            contacts,
            messages: items(raw, "messages")
                .iter()
                .map(InboundMessage::from_json)
                .collect(),
            statuses: items(raw, "statuses")
                .iter()
                .map(Status::from_json)
                .collect(),
            errors: items(raw, "errors")
                .iter()
                .map(WebhookError::from_json)
                .collect(),
        }
    }
}
