//! The storage ports, named for capabilities. Each returns a `Send` future so services can be generic
//! over them; implementations run their blocking work off the async threads.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use wabot_engine::{BusinessData, ConversationState};

use crate::analytics::{Overview, Period};
use crate::contact_ref::ContactRef;
use crate::error::StoreError;
use crate::model::{
    ContactSummary, CustomerMessage, IngestReceipt, MessageRecord, NewWebhookEvent, OutboundJob,
    Page, SendOutcome, Stats, StatusApplied, StatusUpdate, StepRecord, Turn,
};
use crate::monitoring::Backlog;
use crate::outreach::{ManualMessage, Queued};

/// Business data bound to the transaction a conversation step runs in.
pub type StepData<'a> = dyn BusinessData<Error = StoreError> + 'a;

/// One step of a conversation's turn ([`Conversations::step_next`]): from the customer's key, the
/// message, the saved state and business data bound to the turn's transaction, to the new state and
/// what it queues. Any such closure is one.
pub trait TurnStep:
    Fn(
        &str,
        &CustomerMessage,
        ConversationState,
        &mut StepData<'_>,
    ) -> Result<StepRecord, StoreError>
    + Send
    + 'static
{
}

impl<F> TurnStep for F where
    F: Fn(
            &str,
            &CustomerMessage,
            ConversationState,
            &mut StepData<'_>,
        ) -> Result<StepRecord, StoreError>
        + Send
        + 'static
{
}

/// Where webhook events arrive.
pub trait Inbox: Send + Sync {
    /// Stores the raw event and its items in one transaction. Items already stored (the same message
    /// id, or the same message id and status) are counted as duplicates and not stored again.
    fn ingest(
        &self,
        event: NewWebhookEvent,
    ) -> impl Future<Output = Result<IngestReceipt, StoreError>> + Send;
}

/// Conversation sessions, stepped inside one transaction with their side effects.
pub trait Conversations: Send + Sync {
    /// Takes the turn of the conversation that has waited longest (its oldest pending message is
    /// the oldest of all; on PostgreSQL one another instance is stepping is skipped) and steps up
    /// to `max_items` of its pending messages in order, all in one transaction: no lease is needed,
    /// and a crash leaves every message of the turn pending. Each message is one step: load the
    /// saved state (a new one for a first message), call `step` with the customer's key, the
    /// message and business data bound to the transaction, save the new state (refused if its
    /// version moved on: [`StoreError::StaleSession`]), queue the replies, record the events and
    /// mark the message done. A message whose step fails is rolled back and ends the turn
    /// ([`Turn::failed`]), the messages before it staying done; the conversation then waits before
    /// it is tried again (2 s, doubling with each failure, at most five minutes), so one that keeps
    /// failing holds up no other. `None` when nothing is pending (or due).
    fn step_next<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        max_items: usize,
        step: F,
    ) -> impl Future<Output = Result<Option<Turn>, StoreError>> + Send;

    /// Takes the turns of up to `conversations` waiting conversations, one after the other, in one
    /// transaction, each as [`Conversations::step_next`] takes one: a burst of first messages from
    /// many customers costs one commit (and one trip to the store) for many turns instead of one
    /// each. It stops after the first turn that fails or is deferred, so that turn is the last; the
    /// [`Turn`] answered counts the steps of them all and names the last conversation and why it
    /// stopped. `None` when nothing is pending (or due).
    fn step_waiting<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        conversations: usize,
        max_items: usize,
        step: F,
    ) -> impl Future<Output = Result<Option<Turn>, StoreError>> + Send;

    /// Takes the turn of contact `contact_id`'s conversation as [`Conversations::step_next`] does,
    /// even while its messages are held ([`StoreError::StepDeferred`]): the worker that held them
    /// comes back with what it fetched. `None` when it has nothing pending (or, on PostgreSQL,
    /// another instance is stepping it).
    fn step_contact<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        contact_id: i64,
        max_items: usize,
        step: F,
    ) -> impl Future<Output = Result<Option<Turn>, StoreError>> + Send;

    /// The saved state of a contact's conversation, if it has one.
    fn session(
        &self,
        contact_id: i64,
    ) -> impl Future<Output = Result<Option<ConversationState>, StoreError>> + Send;
}

/// Who leases due messages, for how long, and how many ([`Outbox::record_and_claim`]).
#[derive(Clone, Copy, Debug)]
pub struct LeaseRequest<'a> {
    /// The sender that will hold the leases.
    pub owner: &'a str,
    /// How long a lease lasts.
    pub lease: Duration,
    /// At most this many messages (0: lease none).
    pub limit: usize,
}

/// What one [`Outbox::record_and_claim`] wrote.
#[derive(Debug, Default)]
pub struct SenderWrite {
    /// One answer per outcome, in order.
    pub recorded: Vec<Result<(), StoreError>>,
    /// The messages leased, oldest first.
    pub claimed: Vec<OutboundJob>,
}

/// The durable outbox and the delivery statuses of what it sent.
pub trait Outbox: Send + Sync {
    /// Leases up to `limit` due outbound messages, oldest first, at most one per recipient and never
    /// one whose recipient already has a message in flight (so each customer's replies stay in order).
    fn claim_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<OutboundJob>, StoreError>> + Send;

    /// Records how a send attempt ended and releases the lease.
    fn record_outcome(
        &self,
        job: &OutboundJob,
        owner: &str,
        now: DateTime<Utc>,
        outcome: SendOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A sender's cycle in one write (one commit): records how several send attempts ended, each
    /// as [`Outbox::record_outcome`] does (one answer per outcome, in order;
    /// [`StoreError::LeaseLost`] for a message another sender has taken over); with `settle`, when
    /// one was recorded as accepted, applies the status webhooks that arrived before their send
    /// was recorded (they wait as pending items; those older than `settle` are given up); then
    /// leases up to `lease.limit` due messages as [`Outbox::claim_due`] does (none for 0). Any
    /// error fails the whole write, nothing of it kept: a caller that must keep its outcomes
    /// records them again alone (no lease, no settling).
    fn record_and_claim(
        &self,
        outcomes: Vec<(OutboundJob, SendOutcome)>,
        lease: LeaseRequest<'_>,
        now: DateTime<Utc>,
        settle: Option<Duration>,
    ) -> impl Future<Output = Result<SenderWrite, StoreError>> + Send;

    /// Moves a message's status forward only (sent < delivered < read; failed is terminal).
    fn apply_status(
        &self,
        update: &StatusUpdate,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StatusApplied, StoreError>> + Send;
}

/// Contacts and their message history, for the admin side.
pub trait Contacts: Send + Sync {
    /// Contacts by id, after `page.after`.
    fn list_contacts(
        &self,
        page: Page,
    ) -> impl Future<Output = Result<Vec<ContactSummary>, StoreError>> + Send;

    /// One contact.
    fn contact(
        &self,
        contact_id: i64,
    ) -> impl Future<Output = Result<Option<ContactSummary>, StoreError>> + Send;

    /// The contact a reference names (see [`ContactRef`]): by id, by its current phone number (an
    /// all-digit number no contact has is tried as an id too), or by its user id.
    fn find_contact(
        &self,
        by: ContactRef,
    ) -> impl Future<Output = Result<Option<ContactSummary>, StoreError>> + Send;

    /// A contact's latest `limit` messages (at most 1,000), both directions, oldest first.
    fn latest_messages(
        &self,
        contact_id: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<MessageRecord>, StoreError>> + Send;

    /// A contact's messages, both directions, oldest first, after `page.after`.
    fn history(
        &self,
        contact_id: i64,
        page: Page,
    ) -> impl Future<Output = Result<Vec<MessageRecord>, StoreError>> + Send;
}

/// Whether the database answers (for readiness).
pub trait Health: Send + Sync {
    /// Answers `Ok` when a trivial query succeeds.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Counts for the admin side and the metrics.
pub trait Statistics: Send + Sync {
    /// What happened since `since` (contacts are counted in all); conversations whose last step was
    /// before `idle_before` count as dropped off at the node they were at.
    fn stats(
        &self,
        since: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<Stats, StoreError>> + Send;

    /// The console's overview of `period`: conversations whose last step in the period was
    /// before `idle_before` count as left at the node they were at (the funnel's drop-off).
    fn overview(
        &self,
        period: Period,
        idle_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<Overview, StoreError>> + Send;

    /// The work waiting now, and the conversations with a step since `active_since`.
    fn backlog(
        &self,
        active_since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Backlog, StoreError>> + Send;
}

/// Messages sent by hand, through the same outbox as replies.
pub trait Outreach: Send + Sync {
    /// Queues `message` to its recipient, in one transaction with the window check: free-form text to
    /// a customer whose 24-hour window is closed (or who never wrote) is refused; a template to a new
    /// number creates the contact.
    fn queue_message(
        &self,
        message: ManualMessage,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Queued, StoreError>> + Send;
}

/// A shared inbox is an inbox.
impl<T: Inbox + ?Sized> Inbox for std::sync::Arc<T> {
    fn ingest(
        &self,
        event: NewWebhookEvent,
    ) -> impl Future<Output = Result<IngestReceipt, StoreError>> + Send {
        (**self).ingest(event)
    }
}

/// A shared health check is a health check.
impl<T: Health + ?Sized> Health for std::sync::Arc<T> {
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        (**self).ping()
    }
}
