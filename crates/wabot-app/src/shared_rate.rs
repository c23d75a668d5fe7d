//! Sharing Meta's per-number rate between instances (PostgreSQL): one schedule of send slots per
//! phone number, kept in the database, from which each sender leases a few slots at a time.
//!
//! The database row holds the next free slot (`next_slot`). A lease of `n` slots starts at
//! `max(next_slot, now)` on the database's clock and moves `next_slot` on by `n` intervals, so no
//! two leases ever hold the same stretch of time; a lease is refused while `next_slot` is more
//! than [`LEASE_HORIZON`] ahead. The process then uses each slot from its time until
//! [`SLOT_TOLERANCE`] after it, or never (a slot not used by then is dropped). So every send of
//! every instance happens within [`SLOT_TOLERANCE`] after a slot of its own, and the slots are one
//! interval apart: a one-second window sees the slots of at most 1 s + [`SLOT_TOLERANCE`], which
//! the interval keeps within the rate, less the hundredth the single-process bucket also keeps
//! back for sends that bunch on the way.
//!
//! Times cross between clocks as offsets only: the database answers "your first slot is `d` after
//! my clock read", and the process, which asked at `t0` and heard back at `t1`, uses the slot from
//! `t1 + d` (never before it began) until `t0 + d +` [`SLOT_TOLERANCE`] (never after it ended),
//! so neither clock skew between the machines nor a slow round trip can move a send out of its
//! slot; a round trip longer than the tolerance just wastes the lease.
//!
//! Failure: an instance that dies holds nothing beyond the slots it had leased, at most
//! [`LEASE_HORIZON`] ahead (a quarter of a second); the others lease the schedule after that. A
//! database that cannot be reached stops this sender (it sends nothing it has no slot for). Meta's
//! throttling (a pause) is published to the row, so every instance pauses.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::StoreError;

/// How long after its time a leased slot may still be used.
pub const SLOT_TOLERANCE: Duration = Duration::from_millis(25);

/// How far ahead of the database's clock the schedule may be leased: the most a dead instance
/// can hold.
pub const LEASE_HORIZON: Duration = Duration::from_millis(250);

/// What a sender asks of the shared schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRequest {
    /// The schedule's key: the phone number the messages are sent from.
    pub phone_number_id: String,
    /// Slots wanted (0 with `hold_for`: only publish a pause).
    pub count: u32,
    /// The time between two slots.
    pub interval: Duration,
    /// Refuse when the schedule is leased further ahead than this.
    pub horizon: Duration,
    /// Meta throttled us: nothing may be sent by anyone for this long.
    pub hold_for: Option<Duration>,
}

/// What the schedule granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotLease {
    /// Slots granted (0: the schedule is leased beyond the horizon; ask again after `retry_in`).
    pub granted: u32,
    /// The first slot's time, after the database's clock read.
    pub starts_in: Duration,
    /// When a refused lease is worth asking again.
    pub retry_in: Duration,
}

/// The port: the shared schedule of send slots (the store keeps it in the database).
pub trait SendBudget: Send + Sync {
    /// Leases slots of the schedule as [`SlotRequest`] says, in one write.
    fn lease_slots(
        &self,
        request: SlotRequest,
    ) -> impl Future<Output = Result<SlotLease, StoreError>> + Send;
}

/// The longest pause a schedule keeps: a `next_slot` further ahead than this (a clock that was
/// set back) is treated as free.
pub const MAX_HOLD: Duration = Duration::from_secs(600);

/// The lease itself, as the store runs it on the row (all times in microseconds of the database's
/// clock): given the row's `next_slot` and the clock's `now`, the new `next_slot` and the answer.
pub fn lease_schedule(next_slot: i64, now: i64, request: &SlotRequest) -> (i64, SlotLease) {
    let micros = |duration: Duration| i64::try_from(duration.as_micros()).unwrap_or(i64::MAX);
    let next_slot = if next_slot.saturating_sub(now) > micros(MAX_HOLD) {
        now
    } else {
        next_slot
    };
    let mut lease = SlotLease {
        granted: 0,
        starts_in: Duration::ZERO,
        retry_in: Duration::ZERO,
    };
    if let Some(hold) = request.hold_for {
        let until = now.saturating_add(micros(hold.min(MAX_HOLD)));
        return (next_slot.max(until), lease);
    }
    let ahead = next_slot.saturating_sub(now);
    if ahead > micros(request.horizon) {
        let wait = ahead - micros(request.horizon);
        lease.retry_in = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
        return (next_slot, lease);
    }
    let start = next_slot.max(now);
    let length = micros(request.interval).saturating_mul(i64::from(request.count));
    lease.granted = request.count;
    lease.starts_in = Duration::from_micros(u64::try_from(start - now).unwrap_or(0));
    (start.saturating_add(length), lease)
}

/// One leased slot in this process's clock: usable from `from` until `until`.
#[derive(Clone, Copy, Debug)]
struct Slot {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Slots {
    /// Leased and not used yet, in time order.
    held: VecDeque<Slot>,
    /// The slots of the last take (for `give_back`).
    taken: Vec<Slot>,
    /// Whether the last claim found more due than it had slots for.
    demand: bool,
    /// A refused lease: not before this.
    no_lease_before: Option<DateTime<Utc>>,
    /// The end of the last pause published to the schedule.
    published_hold: Option<DateTime<Utc>>,
}

/// This process's share of the schedule: the slots it leased and when it needs more.
#[derive(Debug)]
pub struct SharedRate {
    phone_number_id: String,
    interval: Duration,
    batch: u32,
    state: Mutex<Slots>,
}

fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

impl SharedRate {
    /// The share of one sender of `phone_number_id` at `rate` messages per second (every instance
    /// must be configured with the same rate).
    pub fn new(phone_number_id: impl Into<String>, rate: u32) -> Self {
        let rate = f64::from(rate.max(1));
        // Slots within 1 s + the tolerance: the rate less a hundredth, which covers sends that
        // bunch by up to 10 ms on the way (as the single-process bucket does).
        let per_window = (rate - rate / 100.0).max(0.99);
        let interval = (1.0 + SLOT_TOLERANCE.as_secs_f64()) / per_window;
        // A lease holds about 50 ms of the schedule: few writes, little held by each instance.
        let batch = (0.05 / interval).ceil().max(1.0) as u32;
        Self {
            phone_number_id: phone_number_id.into(),
            interval: Duration::from_secs_f64(interval),
            batch,
            state: Mutex::new(Slots {
                demand: true,
                ..Slots::default()
            }),
        }
    }

    /// The time between two slots of the schedule.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// What to lease now, if anything: a batch while there is work and less than a batch held, one
    /// slot (a probe) when idle and holding none, a pause to publish when `paused_until` is new.
    pub fn request(
        &self,
        now: DateTime<Utc>,
        paused_until: Option<DateTime<Utc>>,
    ) -> Option<SlotRequest> {
        let mut state = self.state.lock().ok()?;
        let mut request = SlotRequest {
            phone_number_id: self.phone_number_id.clone(),
            count: 0,
            interval: self.interval,
            horizon: LEASE_HORIZON,
            hold_for: None,
        };
        if let Some(until) = paused_until.filter(|until| *until > now) {
            state.held.clear();
            if state.published_hold.is_some_and(|done| done >= until) {
                return None;
            }
            state.published_hold = Some(until);
            request.hold_for = (until - now).to_std().ok();
            return Some(request);
        }
        if state.no_lease_before.is_some_and(|at| now < at) {
            return None;
        }
        state.held.retain(|slot| slot.until >= now);
        let held = u32::try_from(state.held.len()).unwrap_or(u32::MAX);
        request.count = match (state.demand, held) {
            (true, held) if held < self.batch => self.batch,
            (false, 0) => 1,
            _ => return None,
        };
        Some(request)
    }

    /// Keeps what a lease asked at `asked` and answered at `answered` granted.
    pub fn deposit(&self, lease: SlotLease, asked: DateTime<Utc>, answered: DateTime<Utc>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if lease.granted == 0 {
            state.no_lease_before = Some(answered + delta(lease.retry_in));
            return;
        }
        state.no_lease_before = None;
        for n in 0..lease.granted {
            let offset = delta(lease.starts_in) + delta(self.interval * n);
            let slot = Slot {
                from: answered + offset,
                until: asked + offset + delta(SLOT_TOLERANCE),
            };
            // A round trip longer than the tolerance leaves no time the slot surely covers.
            if slot.from <= slot.until {
                state.held.push_back(slot);
            }
        }
    }

    /// Takes up to `wanted` slots whose time has come (dropping those that passed unused).
    pub fn take(&self, wanted: usize, now: DateTime<Utc>) -> usize {
        let Ok(mut state) = self.state.lock() else {
            return 0;
        };
        state.held.retain(|slot| slot.until >= now);
        let ready = state
            .held
            .iter()
            .take_while(|slot| slot.from <= now)
            .count();
        let granted = ready.min(wanted);
        state.taken = state.held.drain(..granted).collect();
        granted
    }

    /// Gives back the last `unused` of the slots the last take took (they still expire in time).
    pub fn give_back(&self, unused: usize) {
        if let Ok(mut state) = self.state.lock() {
            let keep = state.taken.len().saturating_sub(unused);
            let back: Vec<Slot> = state.taken.drain(keep..).collect();
            for slot in back.into_iter().rev() {
                state.held.push_front(slot);
            }
        }
    }

    /// Says whether the sender found more work than slots (then it leases whole batches).
    pub fn set_demand(&self, demand: bool) {
        if let Ok(mut state) = self.state.lock() {
            state.demand = demand;
        }
    }

    /// How long until the next held slot (or a refused lease may be asked again); `None` when
    /// nothing is held or awaited.
    pub fn next_in(&self, now: DateTime<Utc>) -> Option<Duration> {
        let state = self.state.lock().ok()?;
        let next = state
            .held
            .iter()
            .find(|slot| slot.until >= now)
            .map(|slot| slot.from)
            .or(state.no_lease_before)?;
        Some((next - now).to_std().unwrap_or_default())
    }

    /// Leases what [`SharedRate::request`] says from `budget`, timing the round trip on `clock`.
    pub async fn refill<B: SendBudget>(
        &self,
        budget: &B,
        now: DateTime<Utc>,
        paused_until: Option<DateTime<Utc>>,
        clock: impl Fn() -> DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(request) = self.request(now, paused_until) else {
            return Ok(());
        };
        let asked = clock();
        let lease = budget.lease_slots(request).await?;
        self.deposit(lease, asked, clock());
        Ok(())
    }
}

#[cfg(test)]
#[path = "shared_rate_tests.rs"]
mod tests;
