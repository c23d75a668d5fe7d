//! Status updates of messages we sent (`value.statuses[]`) and the error objects webhooks carry.

use serde::Serialize;
use serde_json::Value;

use crate::json::{field, items, seconds};

/// Where a message we sent is. Ordered for "only forward": sent < delivered < read; `played`
/// (a voice message was played) counts as read; `failed` and `deleted` are terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum StatusKind {
    /// Accepted by WhatsApp (one tick).
    Sent,
    /// On the customer's phone (two ticks).
    Delivered,
    /// Read (blue ticks).
    Read,
    /// A voice message was played for the first time.
    Played,
    /// Could not be delivered; see the errors.
    Failed,
    /// Deleted.
    Deleted,
    /// A status this crate does not know, as sent.
    Unknown(String),
}

impl StatusKind {
    /// Reads Meta's status name.
    pub fn parse(name: &str) -> Self {
        match name {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "played" => Self::Played,
            "failed" => Self::Failed,
            "deleted" => Self::Deleted,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// Meta's name for it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Played => "played",
            Self::Failed => "failed",
            Self::Deleted => "deleted",
            Self::Unknown(name) => name,
        }
    }
}

/// An error object inside a webhook: `{code, title, message, error_data: {details}, href}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WebhookError {
    /// Meta's error code (e.g. 131047).
    pub code: Option<i64>,
    /// A short title.
    pub title: Option<String>,
    /// A message.
    pub message: Option<String>,
    /// `error_data.details`: the most useful explanation.
    pub details: Option<String>,
    /// A link to documentation.
    pub href: Option<String>,
}

impl WebhookError {
    /// Reads one error object; missing parts stay `None`.
    pub fn from_json(raw: &Value) -> Self {
        Self {
            code: raw.get("code").and_then(seconds),
            title: field(raw, "title"),
            message: field(raw, "message"),
            details: raw
                .get("error_data")
                .and_then(|data| field(data, "details")),
            href: field(raw, "href"),
        }
    }
}

/// Pricing of a delivered message, as Meta reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pricing {
    /// `PMP` or (before 2025-07) `CBP`.
    pub pricing_model: Option<String>,
    /// `service`, `utility`, `marketing`, …
    pub category: Option<String>,
    /// `regular`, `free_customer_service`, `free_entry_point`.
    pub kind: Option<String>,
    /// Whether it is billed (slated for deprecation by Meta).
    pub billable: Option<bool>,
}

/// One status update of a message we sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Status {
    /// The id of our message (`wamid.…`).
    pub id: String,
    /// The new status.
    pub status: StatusKind,
    /// When (Unix seconds).
    pub timestamp: Option<i64>,
    /// The recipient's WhatsApp id (or group id), absent for BSUID-only recipients.
    pub recipient_id: Option<String>,
    /// The recipient's business-scoped user id (2026+).
    pub recipient_user_id: Option<String>,
    /// The recipient's parent business-scoped user id, if any.
    pub recipient_parent_user_id: Option<String>,
    /// `individual` or `group`.
    pub recipient_type: Option<String>,
    /// The string we attached when sending, echoed back.
    pub biz_opaque_callback_data: Option<String>,
    /// The conversation id (≤ v23), if given.
    pub conversation_id: Option<String>,
    /// The conversation origin type (`service`, `marketing`, …), if given.
    pub conversation_origin: Option<String>,
    /// Pricing, on one of delivered/read.
    pub pricing: Option<Pricing>,
    /// Why it failed (failed only).
    pub errors: Vec<WebhookError>,
}

impl Status {
    /// Reads one status; never fails (an unreadable status name is [`StatusKind::Unknown`]).
    pub fn from_json(raw: &Value) -> Self {
        let conversation = raw.get("conversation");
        Self {
            id: field(raw, "id").unwrap_or_default(),
            status: StatusKind::parse(&field(raw, "status").unwrap_or_default()),
            timestamp: raw.get("timestamp").and_then(seconds),
            recipient_id: field(raw, "recipient_id"),
            recipient_user_id: field(raw, "recipient_user_id"),
            recipient_parent_user_id: field(raw, "recipient_parent_user_id"),
            recipient_type: field(raw, "recipient_type"),
            biz_opaque_callback_data: field(raw, "biz_opaque_callback_data"),
            conversation_id: conversation.and_then(|c| field(c, "id")),
            conversation_origin: conversation
                .and_then(|c| c.get("origin"))
                .and_then(|origin| field(origin, "type")),
            pricing: raw.get("pricing").map(|pricing| Pricing {
                pricing_model: field(pricing, "pricing_model"),
                category: field(pricing, "category"),
                kind: field(pricing, "type"),
                billable: pricing.get("billable").and_then(Value::as_bool),
            }),
            errors: items(raw, "errors")
                .iter()
                .map(WebhookError::from_json)
                .collect(),
        }
    }
}
