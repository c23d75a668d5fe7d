//! Conversations handed to a person: the records agents see (the queue, one handoff with its
//! events) and the [`Handoffs`] port that keeps them. A conversation has at most one open handoff;
//! a claim is atomic (one agent per conversation, across instances); every change is an event
//! with who and when.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use wabot_engine::ConversationState;

use crate::error::StoreError;
use crate::model::{ContactSummary, OutboundDraft, StepRecord};
use crate::outreach::Queued;

/// Where a handoff is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffState {
    /// In the queue, nobody on it.
    Waiting,
    /// An agent has it.
    Claimed,
    /// Nobody answered in time and the customer left a message for a call back (in the queue).
    MessageLeft,
    /// Over: the bot has the conversation again.
    Closed,
}

impl HandoffState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Claimed => "claimed",
            Self::MessageLeft => "message_left",
            Self::Closed => "closed",
        }
    }

    /// The state a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Waiting,
            Self::Claimed,
            Self::MessageLeft,
            Self::Closed,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }
}

/// A handoff as the queue lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Handoff {
    /// The row id.
    pub id: i64,
    /// The customer.
    pub contact: ContactSummary,
    /// Where it is.
    pub state: HandoffState,
    /// The agent who has it (a console user's name, an API caller's name, or `business app`).
    pub agent: Option<String>,
    /// How it was asked for: the handoff node's id, `word`, or `business_app`.
    pub reason: String,
    /// When the customer asked.
    pub opened_at: DateTime<Utc>,
    /// When an agent first took it.
    pub claimed_at: Option<DateTime<Utc>>,
    /// When an agent first answered.
    pub first_reply_at: Option<DateTime<Utc>>,
    /// The latest message either way, claim or note.
    pub last_activity_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The message the customer left when nobody answered, if any.
    pub message_left: Option<String>,
    /// The menu nodes the customer last went through before asking, oldest first.
    pub menu_path: Vec<String>,
}

/// One thing that happened to a handoff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandoffEvent {
    /// `opened`, `claimed`, `replied`, `noted`, `transferred`, `unanswered`, `message_left`,
    /// `requeued`, `closed`.
    pub event: String,
    /// Who did it (an agent's name; none for the customer or the system).
    pub actor: Option<String>,
    /// The note's or reply's text, the transfer's new agent, the close's reason.
    pub text: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// What a claim did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The agent has it now.
    Claimed,
    /// Another agent had it first.
    TakenBy(String),
    /// It is closed (or there is no such handoff).
    NotOpen,
}

/// A handoff's figures over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HandoffFigures {
    /// Handoffs opened in the period.
    pub opened: i64,
    /// Of those, closed without any agent reply (the customer left, or was never answered).
    pub abandoned: i64,
    /// From opening to the first agent reply, in milliseconds, for those answered.
    pub first_reply_ms: Vec<i64>,
}

/// Handoffs, kept with the conversations they belong to.
pub trait Handoffs: Send + Sync {
    /// The open handoffs (waiting first, longest waiting first; then claimed ones).
    fn open_handoffs(&self) -> impl Future<Output = Result<Vec<Handoff>, StoreError>> + Send;

    /// One handoff and its events, oldest first.
    fn handoff(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<(Handoff, Vec<HandoffEvent>)>, StoreError>> + Send;

    /// Gives the handoff to `agent` if nobody has it (atomic: of two agents racing one wins).
    fn claim(
        &self,
        id: i64,
        agent: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Gives a claimed (or waiting) handoff to another agent; `false` when it is not open.
    fn transfer(
        &self,
        id: i64,
        to: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Adds a note the customer never sees; `false` when there is no such handoff.
    fn note(
        &self,
        id: i64,
        by: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Queues the agent's reply to the customer (refused when the 24-hour window is closed and
    /// the draft needs it, as for any manual message) and records it; [`StoreError::NotFound`]
    /// when the handoff is not open.
    fn reply(
        &self,
        id: i64,
        by: &str,
        draft: OutboundDraft,
        window_required: bool,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Queued, StoreError>> + Send;

    /// Closes the handoff and gives the conversation back to the bot, in one transaction:
    /// `back_to_bot` turns the saved conversation state into the step that leaves the handoff
    /// (its replies are queued). `false` when it is not open.
    fn close<F>(
        &self,
        id: i64,
        by: &str,
        now: DateTime<Utc>,
        back_to_bot: F,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send
    where
        F: FnOnce(&ConversationState) -> StepRecord + Send + 'static;

    /// The timeouts, all in one write each: waiting handoffs nobody claimed for `unclaimed` get
    /// `unanswered`'s step (the customer is told, and may leave a message); claimed ones without
    /// activity for `idle` go back to the queue. Returns how many of each.
    fn expire<F>(
        &self,
        now: DateTime<Utc>,
        unclaimed: Duration,
        idle: Duration,
        unanswered: F,
    ) -> impl Future<Output = Result<(usize, usize), StoreError>> + Send
    where
        F: Fn(&ConversationState) -> Option<StepRecord> + Send + Sync + 'static;

    /// The figures of the handoffs opened since `since`.
    fn handoff_figures(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<HandoffFigures, StoreError>> + Send;
}
