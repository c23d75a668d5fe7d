//! The deliver use case: lease due outbound messages (one per recipient), pace them with the shared
//! token bucket, send them, and record each outcome by its error class. [`Deliver`] holds what a
//! sender needs and sends one message; the [`SendPool`] keeps many sends under way at once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::StoreError;
use crate::messenger::{Accepted, ErrorClass, Messenger, SendFailure};
use crate::model::{OutboundJob, SendOutcome};
use crate::monitoring::{Attempt, DeliveryObserver, ReceiptOutcome, Unobserved};
use crate::pacing::{MAX_ATTEMPTS, TokenBucket, retry_after};
use crate::ports::Outbox;
use crate::read_receipts::ReadReceipts;
use crate::send_pool::SendPool;
use crate::shared_rate::{SendBudget, SharedRate};

/// How long an outbound message stays leased to a sender that stopped answering.
pub const SEND_LEASE: Duration = Duration::from_secs(60);

/// How long a status webhook for a message we do not know yet is kept waiting for it.
pub const STATUS_WAIT: Duration = Duration::from_secs(3600);

/// What one delivery round (or one cycle of the send pool) recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Accepted by Meta (or recorded by the sandbox).
    pub sent: usize,
    /// Scheduled for another attempt.
    pub retried: usize,
    /// Given up (with their error recorded).
    pub failed: usize,
}

impl DeliveryRound {
    /// Whether the round did anything.
    pub fn is_empty(&self) -> bool {
        self.sent + self.retried + self.failed == 0
    }

    /// Counts one recorded attempt.
    pub(crate) fn count(&mut self, attempt: Attempt) {
        match attempt {
            Attempt::Sent | Attempt::Sandboxed => self.sent += 1,
            Attempt::Retried(_) => self.retried += 1,
            Attempt::Failed(_) => self.failed += 1,
        }
    }
}

/// The sender of one process: its store, messenger and pacing. Its sends run in a [`SendPool`].
pub struct Deliver<S, M> {
    pub(crate) store: S,
    messenger: M,
    pub(crate) bucket: Arc<TokenBucket>,
    /// With several instances: the share of the database's schedule that paces this sender
    /// instead of the bucket's clock (the bucket still holds Meta's pauses).
    pub(crate) shared: Option<SharedRate>,
    pub(crate) owner: String,
    pub(crate) max_in_flight: usize,
    pub(crate) lease: Duration,
    pub(crate) observer: Arc<dyn DeliveryObserver>,
    pub(crate) receipts: Option<Arc<ReadReceipts>>,
}

/// A send that has ended, with what to record for it.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) job: OutboundJob,
    pub(crate) outcome: SendOutcome,
    pub(crate) attempt: Attempt,
}

/// What to record for a failure, and whether the whole sender must pause.
fn outcome_of(
    job: &OutboundJob,
    failure: &SendFailure,
    now: DateTime<Utc>,
) -> (SendOutcome, Option<DateTime<Utc>>) {
    let give_up = |title: String| SendOutcome::Failed {
        code: failure.code,
        title,
    };
    let retry = |class| {
        let at = now + retry_after(class, job.attempts, job.outbox_id);
        SendOutcome::Retry {
            at,
            error: format!("{}: {}", class.as_str(), failure.title),
        }
    };
    match failure.class {
        ErrorClass::OutsideWindow => (
            give_up("outside the 24-hour window: a template is needed".into()),
            None,
        ),
        ErrorClass::Permanent => (give_up(failure.title.clone()), None),
        _ if job.attempts + 1 >= MAX_ATTEMPTS => (
            give_up(format!(
                "gave up after {MAX_ATTEMPTS} attempts: {}",
                failure.title
            )),
            None,
        ),
        ErrorClass::Throttled => {
            let pause = now + retry_after(ErrorClass::Throttled, 0, job.outbox_id);
            (retry(ErrorClass::Throttled), Some(pause))
        }
        class @ (ErrorClass::Retry | ErrorClass::PairLimited | ErrorClass::TokenExpired) => {
            (retry(class), None)
        }
    }
}

impl<S: Outbox + SendBudget, M: Messenger> Deliver<S, M> {
    /// A sender called `owner` (unique per process: its leases carry the name), with at most
    /// `max_in_flight` sends under way at once, paced by `bucket`.
    pub fn new(
        store: S,
        messenger: M,
        bucket: Arc<TokenBucket>,
        owner: impl Into<String>,
        max_in_flight: usize,
    ) -> Self {
        Self {
            store,
            messenger,
            bucket,
            shared: None,
            owner: owner.into(),
            max_in_flight: max_in_flight.max(1),
            lease: SEND_LEASE,
            observer: Arc::new(Unobserved),
            receipts: None,
        }
    }

    /// Also sends the read receipts `receipts` collects, with the tokens and room replies leave.
    pub fn with_receipts(mut self, receipts: Arc<ReadReceipts>) -> Self {
        self.receipts = Some(receipts);
        self
    }

    /// Tells `observer` of every attempt and reply latency.
    pub fn with_observer(mut self, observer: Arc<dyn DeliveryObserver>) -> Self {
        self.observer = observer;
        self
    }

    /// Paces this sender by its share of the schedule all instances lease from the database
    /// (`shared_rate`), instead of by the bucket's own clock.
    pub fn with_shared_rate(mut self, shared: SharedRate) -> Self {
        self.shared = Some(shared);
        self
    }

    /// How long until the pace may allow another send: the bucket's refill of one token, or the
    /// next leased slot; `None` when the share holds no slot and awaits none.
    pub fn next_token_in(&self, now: DateTime<Utc>) -> Option<Duration> {
        match &self.shared {
            None => Some(self.bucket.token_interval()),
            Some(shared) => shared.next_in(now),
        }
    }

    /// Leases messages for `lease` (how soon another worker may resend after a crash).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// One round: as many due messages as the bucket and the pool allow, each sent, and every
    /// outcome recorded once all have ended (for tests and the terminal chat; the server keeps a
    /// [`SendPool`] going instead).
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<DeliveryRound, StoreError> {
        let mut pool = SendPool::new(self);
        pool.cycle(now).await?;
        while pool.in_flight() > 0 {
            pool.finished().await;
        }
        pool.settle(now).await
    }

    /// Sends one job; what to record for it.
    pub(crate) async fn send(&self, job: OutboundJob, now: DateTime<Utc>) -> Finished {
        let asked = std::time::Instant::now();
        let answer = self.messenger.send(&job.body).await;
        self.observer.send_took(asked.elapsed());
        let (outcome, attempt) = match answer {
            Ok(Accepted {
                message_id: wa_message_id,
                wa_id,
            }) => {
                if let Some(origin) = job.origin_at {
                    // Measured on the wall clock when Meta answered, not the cycle's `now`.
                    let latency = (crate::utc_now() - origin).to_std().unwrap_or_default();
                    self.observer.replied(latency);
                }
                if self.messenger.sandboxed() {
                    (SendOutcome::Sandboxed { wa_message_id }, Attempt::Sandboxed)
                } else {
                    (
                        SendOutcome::Sent {
                            wa_message_id,
                            wa_id,
                        },
                        Attempt::Sent,
                    )
                }
            }
            Err(failure) => {
                let (outcome, pause) = outcome_of(&job, &failure, now);
                if let Some(until) = pause {
                    self.bucket.pause_until(until);
                }
                let attempt = match outcome {
                    SendOutcome::Failed { .. } => Attempt::Failed(failure.class),
                    _ => Attempt::Retried(failure.class),
                };
                let number = u32::try_from(job.attempts).unwrap_or(0).saturating_add(1);
                self.observer.send_failed(&failure, number, attempt);
                (outcome, attempt)
            }
        };
        self.observer.attempted(attempt);
        Finished {
            job,
            outcome,
            attempt,
        }
    }

    /// Marks a customer's message read; a failure is counted, never retried.
    pub(crate) async fn send_receipt(&self, message_id: String) {
        let asked = std::time::Instant::now();
        let outcome = match self.messenger.mark_read(&message_id).await {
            Ok(()) => ReceiptOutcome::Sent,
            Err(failure) => {
                // Over Meta's rate is over it for replies too: the whole sender pauses.
                if failure.class == ErrorClass::Throttled {
                    let until = crate::utc_now() + retry_after(ErrorClass::Throttled, 0, 0);
                    self.bucket.pause_until(until);
                }
                ReceiptOutcome::Failed
            }
        };
        self.observer.send_took(asked.elapsed());
        self.observer.read_receipt(outcome);
    }
}

/// The time until the bucket may send again, if it is paused.
pub fn pause_left(bucket: &TokenBucket, now: DateTime<Utc>) -> Option<TimeDelta> {
    bucket.paused_until(now).map(|until| until - now)
}
