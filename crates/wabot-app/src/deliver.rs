//! The deliver use case: lease due outbound messages (one per recipient), pace them with the shared
//! token bucket, send them, and record each outcome by its error class.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::future::join_all;

use crate::error::StoreError;
use crate::messenger::{ErrorClass, Messenger, SendFailure};
use crate::model::{OutboundJob, SendOutcome};
use crate::monitoring::{Attempt, DeliveryObserver, Unobserved};
use crate::pacing::{MAX_ATTEMPTS, TokenBucket, retry_after};
use crate::ports::Outbox;

/// How long an outbound message stays leased to a sender that stopped answering.
pub const SEND_LEASE: Duration = Duration::from_secs(60);

/// How long a status webhook for a message we do not know yet is kept waiting for it.
pub const STATUS_WAIT: Duration = Duration::from_secs(3600);

/// What one delivery round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Accepted by Meta.
    pub sent: usize,
    /// Scheduled for another attempt.
    pub retried: usize,
    /// Given up (with their error recorded).
    pub failed: usize,
    /// The token bucket was empty: the next token comes within `1 / rate` seconds.
    pub starved: bool,
}

impl DeliveryRound {
    /// Whether the round did anything.
    pub fn is_empty(&self) -> bool {
        self.sent + self.retried + self.failed == 0
    }
}

/// Sends for one worker.
pub struct Deliver<S, M> {
    store: S,
    messenger: M,
    bucket: Arc<TokenBucket>,
    owner: String,
    batch: usize,
    lease: Duration,
    observer: Arc<dyn DeliveryObserver>,
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

impl<S: Outbox, M: Messenger> Deliver<S, M> {
    /// A worker called `owner`, sending at most `batch` messages per round, paced by `bucket`.
    pub fn new(
        store: S,
        messenger: M,
        bucket: Arc<TokenBucket>,
        owner: impl Into<String>,
        batch: usize,
    ) -> Self {
        Self {
            store,
            messenger,
            bucket,
            owner: owner.into(),
            batch: batch.max(1),
            lease: SEND_LEASE,
            observer: Arc::new(Unobserved),
        }
    }

    /// Tells `observer` of every attempt and reply latency.
    pub fn with_observer(mut self, observer: Arc<dyn DeliveryObserver>) -> Self {
        self.observer = observer;
        self
    }

    /// Leases messages for `lease` (how soon another worker may resend after a crash).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// One round: as many due messages as the bucket allows, each sent and its outcome recorded.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<DeliveryRound, StoreError> {
        let allowed = self.bucket.take(self.batch, now);
        if allowed == 0 {
            return Ok(DeliveryRound {
                starved: true,
                ..DeliveryRound::default()
            });
        }
        let jobs = self
            .store
            .claim_due(&self.owner, now, self.lease, allowed)
            .await?;
        self.bucket.give_back(allowed - jobs.len());
        // The round's messages go to different recipients: send them concurrently (a Graph API call
        // takes 100–300 ms in production, so one at a time would cap a worker at a few per second),
        // and record each outcome as soon as its own send ends.
        let attempts = join_all(jobs.iter().map(|job| self.deliver_one(job, now))).await;
        let mut round = DeliveryRound::default();
        let mut first_error = None;
        for attempt in attempts {
            match attempt {
                Ok(Attempt::Sent) => round.sent += 1,
                Ok(Attempt::Retried(_)) => round.retried += 1,
                Ok(Attempt::Failed(_)) => round.failed += 1,
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            return Err(error);
        }
        if round.sent > 0 {
            // Status webhooks can overtake the record of the send they describe; settle them now.
            self.store.reapply_statuses(now, STATUS_WAIT).await?;
        }
        Ok(round)
    }
}

impl<S: Outbox, M: Messenger> Deliver<S, M> {
    /// Sends one job and records its outcome.
    async fn deliver_one(
        &self,
        job: &OutboundJob,
        now: DateTime<Utc>,
    ) -> Result<Attempt, StoreError> {
        let (outcome, attempt) = match self.messenger.send(&job.body).await {
            Ok(wa_message_id) => {
                if let Some(origin) = job.origin_at {
                    // Measured on the wall clock when Meta answered, not the round's `now`.
                    let latency = (crate::utc_now() - origin).to_std().unwrap_or_default();
                    self.observer.replied(latency);
                }
                (SendOutcome::Sent { wa_message_id }, Attempt::Sent)
            }
            Err(failure) => {
                let (outcome, pause) = outcome_of(job, &failure, now);
                if let Some(until) = pause {
                    self.bucket.pause_until(until);
                }
                let attempt = match outcome {
                    SendOutcome::Failed { .. } => Attempt::Failed(failure.class),
                    _ => Attempt::Retried(failure.class),
                };
                (outcome, attempt)
            }
        };
        self.observer.attempted(attempt);
        self.store
            .record_outcome(job, &self.owner, now, outcome)
            .await?;
        Ok(attempt)
    }
}

/// The time until the bucket may send again, if it is paused.
pub fn pause_left(bucket: &TokenBucket, now: DateTime<Utc>) -> Option<TimeDelta> {
    bucket.paused_until(now).map(|until| until - now)
}
