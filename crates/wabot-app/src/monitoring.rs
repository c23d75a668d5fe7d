//! What operators watch: a [`DeliveryObserver`] told of every send attempt and reply latency (the
//! metrics adapter implements it), and the [`Backlog`] of work waiting in the database.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::messenger::{ErrorClass, SendFailure};

/// How one send attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Accepted by Meta.
    Sent,
    /// Recorded by the sandbox, not sent.
    Sandboxed,
    /// Failed for now; scheduled again.
    Retried(ErrorClass),
    /// Given up.
    Failed(ErrorClass),
}

impl Attempt {
    /// The outcome's name: `sent`, `sandboxed`, `retried` or `failed`.
    pub fn outcome(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Sandboxed => "sandboxed",
            Self::Retried(_) => "retried",
            Self::Failed(_) => "failed",
        }
    }

    /// The error class's name, or `none` for a send that went through.
    pub fn class(self) -> &'static str {
        match self {
            Self::Sent | Self::Sandboxed => "none",
            Self::Retried(class) | Self::Failed(class) => class.as_str(),
        }
    }
}

/// Told what the sender does (for metrics); must not block.
pub trait DeliveryObserver: Send + Sync {
    /// A send attempt ended.
    fn attempted(&self, attempt: Attempt);

    /// A reply was accepted by Meta `latency` after the message it answers reached our webhook.
    fn replied(&self, latency: Duration);

    /// The Graph API answered a send (whatever it answered) `took` after it was asked.
    fn send_took(&self, took: Duration) {
        let _ = took;
    }

    /// How many sends (and read receipts) are in flight now.
    fn in_flight(&self, count: usize) {
        let _ = count;
    }

    /// What became of a read receipt.
    fn read_receipt(&self, outcome: ReceiptOutcome) {
        let _ = outcome;
    }

    /// A send failed: `attempt` (1 for the first) ended as `failure`, and the message is either
    /// scheduled again (`Attempt::Retried`) or given up (`Attempt::Failed`). Called once per
    /// failed attempt, with no body, token or phone number (for the server's log).
    fn send_failed(&self, failure: &SendFailure, attempt: u32, outcome: Attempt) {
        let _ = (failure, attempt, outcome);
    }
}

/// What became of a read receipt (the blue ticks on a customer's message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReceiptOutcome {
    /// Meta accepted it.
    Sent,
    /// Meta refused it, or it could not be sent; it is not tried again.
    Failed,
    /// It waited too long behind replies (the queue was full) and was dropped unsent.
    Dropped,
}

impl ReceiptOutcome {
    /// The label value in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Dropped => "dropped",
        }
    }
}

/// An observer that ignores everything (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct Unobserved;

impl DeliveryObserver for Unobserved {
    fn attempted(&self, _attempt: Attempt) {}

    fn replied(&self, _latency: Duration) {}
}

impl crate::business_source::LookupObserver for Unobserved {
    fn looked_up(
        &self,
        _kind: &'static str,
        _outcome: crate::business_source::LookupOutcome,
        _took: Duration,
    ) {
    }
}

/// Work waiting in the database, and how many conversations are going on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Inbound items not handled yet.
    pub inbox_pending: i64,
    /// When the oldest of them was received.
    pub inbox_oldest: Option<DateTime<Utc>>,
    /// Outbound messages not sent yet (including those waiting for a retry).
    pub outbox_pending: i64,
    /// When the oldest of them was queued.
    pub outbox_oldest: Option<DateTime<Utc>>,
    /// Conversations with a step since the `active_since` asked for.
    pub sessions_active: i64,
    /// Handoffs waiting for a person (nobody on them yet, a message left included).
    pub handoffs_waiting: i64,
    /// When the longest-waiting of them was opened.
    pub handoff_oldest: Option<DateTime<Utc>>,
}
