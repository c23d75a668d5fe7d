//! The records that cross the ports: webhook events and their items, conversation steps, outbound
//! jobs and their outcomes, delivery statuses, and what the admin side reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wabot_engine::{ConversationState, Event, HandoffChange, Input, Step};

use crate::messenger::ReplyRenderer;

use crate::error::StoreError;
pub use crate::message_states::{DeliveryStatus, Direction, MessageStatus, OutboundKind};

/// How Meta identifies a contact: the phone-based WhatsApp id and/or the business-scoped user id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactIds {
    /// The WhatsApp id (usually the phone number without `+`).
    pub wa_id: Option<String>,
    /// The business-scoped user id (2026+), e.g. `US.1349…`.
    pub user_id: Option<String>,
}

impl ContactIds {
    /// The key business data and conversations use: the WhatsApp id when known, else the user id.
    pub fn key(&self) -> Option<&str> {
        self.wa_id.as_deref().or(self.user_id.as_deref())
    }
}

/// A message a customer sent, as the conversation worker needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMessage {
    /// Meta's message id, to quote and to mark as read.
    pub message_id: String,
    /// The WhatsApp type name (`text`, `interactive`, `image`, …).
    pub kind: String,
    /// What the engine sees.
    pub input: Input,
    /// Where it came from: its replies go there (the phone number it was sent from, else the
    /// business-scoped user id), even when the contact has been seen at another number since.
    /// Empty in items stored before this field existed: they are answered at the contact's key.
    #[serde(default)]
    pub reply_to: ContactIds,
}

impl CustomerMessage {
    /// Where replies to this message go: the phone number it came from, else its user id, else
    /// `fallback` (the contact's key).
    pub fn reply_address<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.reply_to.key().unwrap_or(fallback)
    }
}

/// A status webhook for one of our messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// Our message's id (`wamid.…`).
    pub message_id: String,
    /// The new status.
    pub status: DeliveryStatus,
    /// The error code, for `Failed`.
    pub error_code: Option<i64>,
    /// The error title, for `Failed`.
    pub error_title: Option<String>,
}

/// What one inbound item carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum InboundPayload {
    /// A customer's message, for the conversation worker.
    Message(CustomerMessage),
    /// A status of one of our messages.
    Status(StatusUpdate),
    /// WhatsApp's notice that the customer moved to new ids (`system` `user_changed_number`,
    /// `user_changed_user_id`): the contact follows, and nothing more goes to the old number.
    IdentityChange(IdentityChange),
    /// A message the business sent to the customer from the WhatsApp Business app (coexistence):
    /// kept in the conversation, and a person is talking, so the bot falls silent.
    BusinessEcho(BusinessEcho),
}

/// A message echoed from the WhatsApp Business app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessEcho {
    /// Meta's id of the message.
    pub message_id: String,
    /// The WhatsApp type (`text`, `image`, …).
    pub kind: String,
    /// Its text (a text's body, a caption), if it has one.
    pub text: Option<String>,
    /// Whether it opens (or continues) a handoff claimed by the business app, so the bot does
    /// not talk over the person (`handoff.business_app_takes_over`).
    pub take_over: bool,
}

/// The ids a customer moved to (the item's contact holds the ids they came from).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityChange {
    /// The new ids (either may be absent: only what changed).
    pub new: ContactIds,
}

/// One item exploded from a webhook event, with the key that makes it unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInboundItem {
    /// The message id for messages; `message id + ":" + status` for statuses.
    pub dedupe_key: String,
    /// The customer concerned (sender or recipient).
    pub contact: ContactIds,
    /// The customer's profile name, if the webhook gave one.
    pub profile_name: Option<String>,
    /// When Meta says it happened.
    pub occurred_at: DateTime<Utc>,
    /// The content.
    pub payload: InboundPayload,
}

/// A verified webhook POST, to be stored with its items in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebhookEvent {
    /// When we received it.
    pub received_at: DateTime<Utc>,
    /// The raw body, exactly as received (webhook bodies are UTF-8 JSON).
    pub body: String,
    /// The items found in it.
    pub items: Vec<NewInboundItem>,
    /// What it says about the account rather than a conversation (template changes, marketing
    /// preferences), applied in the same write.
    pub account_updates: Vec<crate::campaigns::AccountUpdate>,
}

/// What an ingest stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IngestReceipt {
    /// The stored event's id.
    pub event_id: i64,
    /// Items stored for the first time.
    pub new_items: usize,
    /// Items already stored by an earlier delivery of the same update.
    pub duplicates: usize,
}

/// What one turn of a conversation worker did (see [`crate::Conversations::step_next`]), or
/// several taken together ([`crate::Conversations::step_waiting`]).
#[derive(Debug)]
pub struct Turn {
    /// The contact whose messages were handled (of several turns: the last).
    pub contact_id: i64,
    /// Messages handled and committed, oldest first (of several turns: of them all).
    pub steps: usize,
    /// Why the turn stopped early: this message and the ones after it stay pending.
    pub failed: Option<StoreError>,
    /// The write took as many conversations, or as many of one conversation's messages, as it
    /// was allowed: more may wait, so its worker should look again at once rather than wait to be
    /// woken.
    pub more_waiting: bool,
}

/// A reply to queue: its WhatsApp type and the Cloud API request body as JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundDraft {
    /// The WhatsApp type.
    pub kind: OutboundKind,
    /// The request body for `POST /messages`.
    pub body: String,
}

/// What a conversation step produced, to be committed at once.
#[derive(Clone, Debug, PartialEq)]
pub struct StepRecord {
    /// The new conversation state.
    pub state: ConversationState,
    /// The replies, in order.
    pub replies: Vec<OutboundDraft>,
    /// Analytics events.
    pub events: Vec<Event>,
    /// How the step changed the conversation's handoff to a person, recorded with it.
    pub handoff: Option<HandoffChange>,
}

impl StepRecord {
    /// What an engine step commits, its replies rendered for `to` (the address they go to).
    pub fn rendered(step: Step, renderer: &(impl ReplyRenderer + ?Sized), to: &str) -> Self {
        Self {
            replies: step
                .replies
                .iter()
                .flat_map(|reply| renderer.render(reply, to))
                .collect(),
            state: step.state,
            events: step.events,
            handoff: step.handoff,
        }
    }
}

/// An outbound message leased to a sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundJob {
    /// The outbox row.
    pub outbox_id: i64,
    /// The message row it sends.
    pub message_id: i64,
    /// The contact it goes to.
    pub contact_id: i64,
    /// The request body.
    pub body: String,
    /// Attempts before this one.
    pub attempts: i32,
    /// For a reply: when the message it answers reached our webhook (for the reply latency).
    pub origin_at: Option<DateTime<Utc>>,
}

/// How a send attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Meta accepted it.
    Sent {
        /// The id Meta gave it.
        wa_message_id: String,
        /// The recipient's WhatsApp id as Meta knows it, when Meta said: the contact is known by
        /// it from then on.
        wa_id: Option<String>,
    },
    /// The sandbox recorded it (nothing was sent): done, like `Sent`, and never sent again.
    Sandboxed {
        /// The id the sandbox gave it.
        wa_message_id: String,
    },
    /// Try again at `at`.
    Retry {
        /// When.
        at: DateTime<Utc>,
        /// What went wrong, for the record.
        error: String,
    },
    /// Give up.
    Failed {
        /// Meta's error code, if any.
        code: Option<i64>,
        /// What went wrong.
        title: String,
    },
}

impl SendOutcome {
    /// The id of a send Meta (or the sandbox) accepted; `None` for a retry or a failure.
    pub fn accepted_id(&self) -> Option<&str> {
        match self {
            Self::Sent { wa_message_id, .. } | Self::Sandboxed { wa_message_id } => {
                Some(wa_message_id)
            }
            Self::Retry { .. } | Self::Failed { .. } => None,
        }
    }
}

/// What applying a status webhook did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusApplied {
    /// The message moved forward.
    Applied,
    /// The message was already at that status or beyond (or failed): nothing changed.
    Stale,
    /// No message of ours has that id (yet).
    UnknownMessage,
}

/// Keyset paging: at most `limit` rows after the row with id `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Rows per page.
    pub limit: i64,
    /// Continue after this id.
    pub after: Option<i64>,
}

/// A contact as the admin side lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContactSummary {
    /// The contact's id.
    pub id: i64,
    /// How Meta identifies it.
    pub ids: ContactIds,
    /// The profile name.
    pub profile_name: Option<String>,
    /// First message.
    pub first_seen_at: DateTime<Utc>,
    /// Latest activity.
    pub last_seen_at: DateTime<Utc>,
    /// Latest message from the customer (opens the 24-hour window).
    pub last_inbound_at: Option<DateTime<Utc>>,
}

/// A message in a contact's history, either direction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageRecord {
    /// The row id.
    pub id: i64,
    /// From the customer or to them.
    pub direction: Direction,
    /// Meta's message id, once known.
    pub wa_message_id: Option<String>,
    /// The WhatsApp type: Meta's own name for an inbound message (kept as sent, also for types
    /// this version does not know), [`OutboundKind::as_str`] for ours.
    pub kind: String,
    /// The JSON body.
    pub body: String,
    /// Where it is.
    pub status: MessageStatus,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When each status was reached.
    pub sent_at: Option<DateTime<Utc>>,
    /// Delivered at.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Read at.
    pub read_at: Option<DateTime<Utc>>,
    /// Failed at.
    pub failed_at: Option<DateTime<Utc>>,
    /// The error code, if it failed.
    pub error_code: Option<i64>,
    /// The error title, if it failed.
    pub error_title: Option<String>,
}

/// How many of something, by a label (a status, an event and its node, a day and direction).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    /// What is counted, e.g. `["2026-11-24", "in"]` or `["node_entered", "orders"]`.
    pub labels: Vec<String>,
    /// How many.
    pub count: i64,
}

/// Reply times: from a customer's message to our first reply being accepted by Meta.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResponseTimes {
    /// How many replies were measured.
    pub count: usize,
    /// Median, in milliseconds.
    pub p50_ms: i64,
    /// 90th percentile, in milliseconds.
    pub p90_ms: i64,
    /// 95th percentile, in milliseconds.
    pub p95_ms: i64,
    /// 99th percentile, in milliseconds.
    pub p99_ms: i64,
}

/// What happened since a point in time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// All contacts ever seen.
    pub contacts: i64,
    /// Messages by day (UTC) and direction.
    pub messages_by_day: Vec<Count>,
    /// Messages by direction and status.
    pub messages_by_status: Vec<Count>,
    /// Menu events by event and node.
    pub menu_events: Vec<Count>,
    /// Options chosen, by menu and option key (e.g. `["orders", "2"]`): each edge of the menu tree.
    /// Events recorded before keys were kept (migration 000011) are not in it.
    pub options_chosen: Vec<Count>,
    /// Conversations gone idle, by the node they were left at.
    pub drop_off: Vec<Count>,
    /// Outbound messages that failed, by Meta's error code (`none` when there was no code).
    pub failures_by_code: Vec<Count>,
    /// Reply times.
    pub response_times: ResponseTimes,
}

impl ResponseTimes {
    /// Percentiles of the given durations (nearest rank).
    pub fn from_millis(mut millis: Vec<i64>) -> Self {
        millis.sort_unstable();
        let rank = |p: usize| {
            let index = (millis.len() * p).div_ceil(100).saturating_sub(1);
            millis.get(index).copied().unwrap_or(0)
        };
        Self {
            count: millis.len(),
            p50_ms: rank(50),
            p90_ms: rank(90),
            p95_ms: rank(95),
            p99_ms: rank(99),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let times = ResponseTimes::from_millis((1..=100).rev().collect());
        assert_eq!(
            (times.count, times.p50_ms, times.p90_ms, times.p99_ms),
            (100, 50, 90, 99)
        );
        assert_eq!(ResponseTimes::from_millis(vec![]), ResponseTimes::default());
        let one = ResponseTimes::from_millis(vec![7]);
        assert_eq!((one.p50_ms, one.p99_ms), (7, 7));
    }
}
