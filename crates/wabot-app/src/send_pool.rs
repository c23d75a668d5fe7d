//! The send pool: many sends under way at once, refilled as soon as a token and a due message are
//! both there, so a slow Graph API (100–400 ms a send) does not hold the sender below Meta's rate.
//! The concurrency needed is rate × latency (80/s × 0.4 s = 32; 1,000/s × 0.3 s = 300), bounded
//! by [`Deliver`]'s `max_in_flight`.
//!
//! A [`SendPool::cycle`] records the outcomes of the sends that have ended and leases new ones, in
//! one write, then starts them: due replies first (leased by the store, at most one in flight per
//! recipient, in order), then read receipts with whatever tokens and room the replies left. Between
//! cycles the caller waits — for a send to end ([`SendPool::finished`]), for new work, or for a
//! token — as [`Cycle::wait`] says. With a shared rate, taking tokens is a write of its own
//! (`SharedRate::refill`) when the share runs low. The pool does no waiting of its own, so it runs
//! on any executor.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::deliver::{Deliver, DeliveryRound, Finished, STATUS_WAIT};
use crate::error::StoreError;
use crate::messenger::Messenger;
use crate::model::{OutboundJob, SendOutcome};
use crate::ports::{LeaseRequest, Outbox};
use crate::shared_rate::SendBudget;

/// A send or a read receipt under way.
type Underway<'a> = Pin<Box<dyn Future<Output = Option<Finished>> + Send + 'a>>;

/// What the caller should wait for before the next cycle (besides a send ending, which always
/// calls for one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The pool is full: only a send ending makes room.
    Room,
    /// Out of tokens (or paused by Meta) with work perhaps due: the next token, or the pause's end.
    Token,
    /// Nothing more is due: new work (a wake-up), or the poll interval.
    Work,
}

/// What a cycle did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    /// The outcomes it recorded.
    pub recorded: DeliveryRound,
    /// Outcomes it could not record because the lease had run out and another sender took the
    /// message over (this process stalled longer than the lease): that sender's record counts.
    pub lost_leases: usize,
    /// Sends and read receipts it started.
    pub started: usize,
    /// What to wait for next.
    pub wait: Wait,
}

/// Sends under way for one [`Deliver`].
pub struct SendPool<'a, S, M> {
    deliver: &'a Deliver<S, M>,
    underway: FuturesUnordered<Underway<'a>>,
    /// Sends that ended and wait to be recorded.
    ended: Vec<Finished>,
}

impl<'a, S: Outbox + SendBudget, M: Messenger> SendPool<'a, S, M> {
    /// An empty pool.
    pub fn new(deliver: &'a Deliver<S, M>) -> Self {
        Self {
            deliver,
            underway: FuturesUnordered::new(),
            ended: Vec::new(),
        }
    }

    /// Sends and read receipts under way.
    pub fn in_flight(&self) -> usize {
        self.underway.len()
    }

    /// Waits until at least one send or receipt under way ends (forever when none is), and takes
    /// every other that has ended too. Safe to cancel: nothing that ended is lost.
    pub async fn finished(&mut self) {
        if let Some(ended) = self.underway.next().await {
            self.ended.extend(ended);
        }
        while let Some(Some(ended)) = self.underway.next().now_or_never() {
            self.ended.extend(ended);
        }
        self.deliver.observer.in_flight(self.underway.len());
    }

    /// Records what ended and leases new sends in one write, then starts as many sends as tokens,
    /// room and due work allow, and read receipts with the tokens and room left.
    pub async fn cycle(&mut self, now: DateTime<Utc>) -> Result<Cycle, StoreError> {
        let deliver = self.deliver;
        let room = deliver.max_in_flight.saturating_sub(self.underway.len());
        let tokens = match room {
            0 => 0,
            _ => match take(deliver, room, now).await {
                Ok(tokens) => tokens,
                Err(error) => {
                    // No tokens (the shared rate could not be read): what ended is recorded all
                    // the same, so an accepted send is not sent again when its lease runs out.
                    self.write(now, 0).await?;
                    return Err(error);
                }
            },
        };
        let (recorded, lost_leases, jobs) = match self.write(now, tokens).await {
            Ok(written) => written,
            Err(error) => {
                give_back(deliver, tokens);
                return Err(error);
            }
        };
        let (started, wait) = match (room, tokens) {
            (0, _) => (0, Wait::Room),
            (_, 0) => (0, Wait::Token),
            _ => self.start(jobs, tokens, now),
        };
        Ok(Cycle {
            recorded,
            lost_leases,
            started,
            wait,
        })
    }

    /// Starts the sends leased with `tokens`, then read receipts with the tokens left; returns how
    /// many started and what to wait for next.
    fn start(
        &mut self,
        jobs: Vec<OutboundJob>,
        tokens: usize,
        now: DateTime<Utc>,
    ) -> (usize, Wait) {
        let deliver = self.deliver;
        let more_due = jobs.len() == tokens;
        let mut started = jobs.len();
        for job in jobs {
            self.underway
                .push(Box::pin(deliver.send(job, now).map(Some)));
        }
        let spare = tokens - started;
        let receipts = match (&deliver.receipts, spare) {
            (Some(receipts), 1..) => receipts.take(spare),
            _ => Vec::new(),
        };
        started += receipts.len();
        give_back(deliver, spare - receipts.len());
        if let Some(shared) = &deliver.shared {
            let receipts_wait = deliver.receipts.as_ref().is_some_and(|r| !r.is_empty());
            shared.set_demand(more_due || receipts_wait);
        }
        for message_id in receipts {
            self.underway
                .push(Box::pin(deliver.send_receipt(message_id).map(|()| None)));
        }
        deliver.observer.in_flight(self.underway.len());
        (started, if more_due { Wait::Token } else { Wait::Work })
    }

    /// Records what ended and starts nothing: for a caller that stops using the pool (a send
    /// started and then dropped would stay leased until its lease ran out).
    pub async fn settle(&mut self, now: DateTime<Utc>) -> Result<DeliveryRound, StoreError> {
        Ok(self.write(now, 0).await?.0)
    }

    /// Records the outcomes of the sends that ended and leases up to `tokens` due messages, in one
    /// write (none when there is nothing to do); returns the outcomes counted, how many had lost
    /// their lease, and the messages leased. A write that fails keeps the outcomes for the next
    /// cycle — unless they can be recorded alone: see below.
    async fn write(
        &mut self,
        now: DateTime<Utc>,
        tokens: usize,
    ) -> Result<(DeliveryRound, usize, Vec<OutboundJob>), StoreError> {
        if self.ended.is_empty() && tokens == 0 {
            return Ok((DeliveryRound::default(), 0, Vec::new()));
        }
        let deliver = self.deliver;
        let lease = LeaseRequest {
            owner: &deliver.owner,
            lease: deliver.lease,
            limit: tokens,
        };
        let store = &deliver.store;
        let written = match store
            .record_and_claim(self.outcomes(), lease, now, Some(STATUS_WAIT))
            .await
        {
            Ok(written) => written,
            Err(error) => {
                // Settling early statuses or leasing failed, and the whole write with it: the
                // outcomes are recorded alone, so a send Meta accepted is not sent again when its
                // lease runs out; the cycle still fails with the error.
                if !self.ended.is_empty() {
                    let alone = LeaseRequest { limit: 0, ..lease };
                    if let Ok(written) = store
                        .record_and_claim(self.outcomes(), alone, now, None)
                        .await
                    {
                        self.count(written.recorded);
                    }
                }
                return Err(error);
            }
        };
        let (round, lost) = self.count(written.recorded);
        Ok((round, lost, written.claimed))
    }

    /// The outcomes of the sends that ended, to record.
    fn outcomes(&self) -> Vec<(OutboundJob, SendOutcome)> {
        self.ended
            .iter()
            .map(|ended| (ended.job.clone(), ended.outcome.clone()))
            .collect()
    }

    /// Counts what a write recorded of the sends that ended (all of them, in order) and forgets
    /// them; returns the outcomes counted and how many had lost their lease.
    fn count(&mut self, recorded: Vec<Result<(), StoreError>>) -> (DeliveryRound, usize) {
        let (mut round, mut lost) = (DeliveryRound::default(), 0);
        for (ended, result) in self.ended.drain(..).zip(recorded) {
            match result {
                Ok(()) => round.count(ended.attempt),
                Err(_) => lost += 1,
            }
        }
        (round, lost)
    }
}

/// Takes up to `wanted` tokens: from the bucket, or from the share of the shared schedule
/// (leasing more slots first when it needs them; none while Meta's pause lasts).
async fn take<S: Outbox + SendBudget, M: Messenger>(
    deliver: &Deliver<S, M>,
    wanted: usize,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let Some(shared) = &deliver.shared else {
        return Ok(deliver.bucket.take(wanted, now));
    };
    let paused = deliver.bucket.paused_until(now);
    shared
        .refill(&deliver.store, now, paused, crate::utc_now)
        .await?;
    Ok(if paused.is_some() {
        0
    } else {
        shared.take(wanted, now)
    })
}

/// Gives back tokens taken but not used.
fn give_back<S, M>(deliver: &Deliver<S, M>, unused: usize) {
    match &deliver.shared {
        None => deliver.bucket.give_back(unused),
        Some(shared) => shared.give_back(unused),
    }
}
