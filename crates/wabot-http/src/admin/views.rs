//! What the admin API answers with: its own JSON shapes (with OpenAPI schemas), built from the app's
//! records so the storage model can change without changing the API.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::{
    ContactSummary, DeliveryStatus, MessageRecord, MessageStatus, window_closes_at, window_open,
};
use wabot_cloud_api::class_of_code;

/// WhatsApp's 24-hour customer service window: free-form messages only while it is open.
#[derive(Debug, Serialize, ToSchema)]
pub struct Window {
    /// Whether free text may be sent now.
    pub open: bool,
    /// When it closes (or closed); absent when the customer never wrote.
    pub closes_at: Option<DateTime<Utc>>,
}

/// A contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    /// The contact's id (for the other routes).
    pub id: i64,
    /// The WhatsApp id (phone number without `+`).
    pub wa_id: Option<String>,
    /// The business-scoped user id, when Meta sent one.
    pub user_id: Option<String>,
    /// The WhatsApp profile name.
    pub profile_name: Option<String>,
    /// First seen.
    pub first_seen_at: DateTime<Utc>,
    /// Latest activity (either direction).
    pub last_seen_at: DateTime<Utc>,
    /// The customer's latest message.
    pub last_inbound_at: Option<DateTime<Utc>>,
    /// The 24-hour window.
    pub window: Window,
}

impl Contact {
    /// The view of a stored contact at `now`.
    pub fn new(contact: ContactSummary, now: DateTime<Utc>) -> Self {
        Self {
            id: contact.id,
            wa_id: contact.ids.wa_id,
            user_id: contact.ids.user_id,
            profile_name: contact.profile_name,
            first_seen_at: contact.first_seen_at,
            last_seen_at: contact.last_seen_at,
            last_inbound_at: contact.last_inbound_at,
            window: Window {
                open: window_open(contact.last_inbound_at, now),
                closes_at: window_closes_at(contact.last_inbound_at),
            },
        }
    }
}

/// A contact with where its conversation stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDetail {
    /// The contact.
    #[serde(flatten)]
    pub contact: Contact,
    /// The menu node (or form) the conversation is at; absent before the first message.
    pub menu_node: Option<String>,
    /// Inside a form: the index of the field being asked.
    pub form_field: Option<usize>,
    /// The language the bot speaks with the customer (a code of the menu's `settings.languages`);
    /// absent before the first message, or when the menu declares no languages.
    pub language: Option<String>,
    /// Whether the customer chose that language (a language word such as "español"); otherwise it
    /// follows from their calling code or is the menu's default.
    pub language_chosen: bool,
    /// When the customer last talked to the bot.
    pub last_activity: Option<DateTime<Utc>>,
}

/// One status a message reached, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChange {
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: &'static str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Why a message failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendError {
    /// Meta's error code, when Meta gave one.
    pub code: Option<i64>,
    /// What happened.
    pub title: Option<String>,
    /// How wabot classifies the code (`permanent`, `outside_window`, …).
    pub class: Option<&'static str>,
}

/// A message, either direction.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    /// The message's id.
    pub id: i64,
    /// `in` (from the customer) or `out`.
    pub direction: String,
    /// Meta's id (`wamid.…`), once known.
    pub wa_message_id: Option<String>,
    /// The WhatsApp type (`text`, `interactive`, `template`, …).
    pub kind: String,
    /// Inbound: what the bot understood; outbound: the Cloud API request body.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    /// `received` (inbound) or the delivery status: `pending`, `sent`, `sandboxed` (recorded by the
    /// sandbox, never sent), `delivered`, `read`, `failed`.
    pub status: String,
    /// When it was received or queued.
    pub created_at: DateTime<Utc>,
    /// Every status reached, in order.
    pub statuses: Vec<StatusChange>,
    /// The error, when it failed.
    pub error: Option<SendError>,
}

impl From<MessageRecord> for Message {
    fn from(record: MessageRecord) -> Self {
        // A sandboxed message was recorded when a sent one would have been sent.
        let done = match record.status {
            MessageStatus::Delivery(DeliveryStatus::Sandboxed) => "sandboxed",
            _ => "sent",
        };
        let statuses = [
            (done, record.sent_at),
            ("delivered", record.delivered_at),
            ("read", record.read_at),
            ("failed", record.failed_at),
        ]
        .into_iter()
        .filter_map(|(status, at)| Some(StatusChange { status, at: at? }))
        .collect();
        let error =
            (record.failed_at.is_some() || record.error_code.is_some()).then(|| SendError {
                code: record.error_code,
                title: record.error_title.clone(),
                class: record.error_code.map(|code| class_of_code(code).as_str()),
            });
        Self {
            id: record.id,
            direction: record.direction.as_str().to_owned(),
            wa_message_id: record.wa_message_id,
            kind: record.kind,
            body: serde_json::from_str(&record.body)
                .unwrap_or(serde_json::Value::String(record.body)),
            status: record.status.as_str().to_owned(),
            created_at: record.created_at,
            statuses,
            error,
        }
    }
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    /// Up to `limit` contacts, by id.
    pub items: Vec<Contact>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    /// Up to `limit` messages, oldest first.
    pub items: Vec<Message>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A queued message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The message's id (see `GET /api/contacts/{id}/messages`).
    pub id: i64,
    /// The recipient's contact id.
    pub contact_id: i64,
    /// Always `pending`: it goes out through the outbox.
    pub status: &'static str,
}

/// An error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: String,
    /// For 422: the field at fault.
    pub field: Option<String>,
}
