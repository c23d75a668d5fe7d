//! What the console reads about conversations and contacts: the list (searched and filtered,
//! newest activity first, paged by cursor) and a contact's identity history. A transcript is
//! [`crate::Contacts::history`].

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::StoreError;
use crate::model::{ContactSummary, Direction};

/// Which conversations to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationFilter {
    /// Part of the profile name (any case) or of the phone number / user id.
    pub search: Option<String>,
    /// Only conversations now at this menu node.
    pub node: Option<String>,
    /// Only customers who wrote at or after this instant (their 24-hour window is open when it
    /// is now minus 24 hours).
    pub wrote_since: Option<DateTime<Utc>>,
}

/// Where a list page starts: after the row with this latest activity and id (the list runs from
/// the newest activity back).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityCursor {
    /// The previous page's last row's `last_seen_at`.
    pub last_seen_at: DateTime<Utc>,
    /// The previous page's last row's contact id.
    pub contact_id: i64,
}

/// The latest message of a conversation, for the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LastMessage {
    /// Which way it went.
    pub direction: Direction,
    /// Its WhatsApp type.
    pub kind: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// One row of the conversation list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConversationRow {
    /// The customer.
    pub contact: ContactSummary,
    /// The menu node the conversation is at (none before the first step or after it ended).
    pub node: Option<String>,
    /// The latest message either way.
    pub last_message: Option<LastMessage>,
}

/// One change of a contact's identity (a new number, a user id gained, a number released).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactChangeRecord {
    /// What changed (the stored name, e.g. `number_changed`).
    pub change: String,
    /// The value before, if any.
    pub old_value: Option<String>,
    /// The value after, if any.
    pub new_value: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The console's reads about conversations.
pub trait ConversationsView: Send + Sync {
    /// Up to `limit` conversations matching `filter`, newest activity first, after `after`.
    fn conversations(
        &self,
        filter: ConversationFilter,
        after: Option<ActivityCursor>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<ConversationRow>, StoreError>> + Send;

    /// How a contact's identity changed, oldest first.
    fn contact_changes(
        &self,
        contact_id: i64,
    ) -> impl Future<Output = Result<Vec<ContactChangeRecord>, StoreError>> + Send;
}
