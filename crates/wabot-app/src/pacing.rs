//! Pacing: a token bucket for the whole sender (Meta's messages-per-second limit), and the backoff
//! schedule for retries.

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use crate::messenger::ErrorClass;

/// A token bucket for the sender of a process: never more than `rate` sends in any one-second
/// window. Bursts of up to a twentieth of a second's worth let a cycle of the send pool start
/// several messages at once (taking tokens one at a time would mean a write per message to claim
/// it); to keep every window within the rate, the bucket refills at
/// the rate less the burst, less a hundredth more so that sends bunched by up to 10 ms on the way
/// (network, scheduling) still arrive within the rate (`rate - (burst - 1) - rate / 100` per second:
/// 76/s at 80, 941/s at 1,000). A throttled answer from Meta pauses it.
#[derive(Debug)]
pub struct TokenBucket {
    /// Tokens added per second.
    rate: f64,
    capacity: f64,
    state: Mutex<BucketState>,
}

#[derive(Debug)]
struct BucketState {
    tokens: f64,
    last: DateTime<Utc>,
    paused_until: Option<DateTime<Utc>>,
}

impl TokenBucket {
    /// A full bucket for `rate` messages per second (at least one).
    pub fn new(rate: u32, now: DateTime<Utc>) -> Self {
        let limit = f64::from(rate.max(1));
        let capacity = (limit / 20.0).ceil().max(1.0);
        // A window can start with a full bucket: `capacity` at once, then one every 1/rate seconds;
        // and sends delayed on the way by different amounts arrive closer together than they left.
        let rate = limit - (capacity - 1.0) - limit / 100.0;
        let state = BucketState {
            tokens: capacity,
            last: now,
            paused_until: None,
        };
        Self {
            rate,
            capacity,
            state: Mutex::new(state),
        }
    }

    /// Takes up to `wanted` tokens; returns how many it got (0 while paused or empty).
    pub fn take(&self, wanted: usize, now: DateTime<Utc>) -> usize {
        let Ok(mut state) = self.state.lock() else {
            return 0;
        };
        if state.paused_until.is_some_and(|until| now < until) {
            return 0;
        }
        let elapsed = (now - state.last)
            .num_microseconds()
            .unwrap_or(i64::MAX)
            .max(0) as f64
            / 1e6;
        state.tokens = (state.tokens + elapsed * self.rate).min(self.capacity);
        state.last = now;
        let granted = state.tokens.floor().min(wanted as f64).max(0.0);
        state.tokens -= granted;
        granted as usize
    }

    /// The time one token takes to refill.
    pub fn token_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(1.0 / self.rate)
    }

    /// Gives back tokens that were taken but not used.
    pub fn give_back(&self, unused: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.tokens = (state.tokens + unused as f64).min(self.capacity);
        }
    }

    /// Stops all sending until `until` (Meta said the sender is over its limit).
    pub fn pause_until(&self, until: DateTime<Utc>) {
        if let Ok(mut state) = self.state.lock() {
            state.paused_until = Some(
                state
                    .paused_until
                    .map_or(until, |current| current.max(until)),
            );
            state.tokens = 0.0;
        }
    }

    /// When sending may resume, if paused.
    pub fn paused_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.state
            .lock()
            .ok()?
            .paused_until
            .filter(|until| now < *until)
    }
}

/// After this many attempts a retryable message is given up as failed.
pub const MAX_ATTEMPTS: i32 = 12;

/// When to try again after a failure of `class`, the message having had `attempts` attempts before
/// this one. Exponential (1 s, 2 s, 4 s … capped at 5 min) with ±20 % jitter derived from `seed`
/// (so workers spread out without a random number source). Pair limits follow Meta's 4^n seconds.
pub fn retry_after(class: ErrorClass, attempts: i32, seed: i64) -> TimeDelta {
    let attempts = u32::try_from(attempts.clamp(0, 30)).unwrap_or(0);
    let base_ms: i64 = match class {
        ErrorClass::PairLimited => 4_i64.saturating_pow(attempts.min(5)) * 1_000,
        ErrorClass::Throttled => 2_000_i64.saturating_mul(1 << attempts.min(7)),
        ErrorClass::TokenExpired => 300_000,
        _ => 1_000_i64.saturating_mul(1 << attempts.min(9)),
    };
    let capped = base_ms.min(300_000);
    let jitter = (seed.wrapping_mul(0x9E37_79B9).rem_euclid(41) - 20) * capped / 100;
    TimeDelta::milliseconds(capped + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(ms: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap() + TimeDelta::milliseconds(ms)
    }

    #[test]
    fn the_bucket_allows_the_rate_and_refills_over_time() {
        let bucket = TokenBucket::new(80, t(0));
        assert_eq!(
            bucket.take(100, t(0)),
            4,
            "a burst is a twentieth of a second's worth"
        );
        assert_eq!(bucket.take(10, t(0)), 0);
        assert_eq!(bucket.take(10, t(27)), 2, "27 ms refill 2 at 76.2/s");
        bucket.give_back(1);
        assert_eq!(bucket.take(10, t(27)), 1);
        assert_eq!(
            bucket.take(1000, t(10_000)),
            4,
            "never more than the burst at once"
        );
        // Over one second of asking every millisecond, about the rate gets through.
        let mut granted = 0;
        for ms in 10_001..=11_000 {
            granted += bucket.take(10, t(ms));
        }
        assert!((73..=79).contains(&granted), "{granted}");
    }

    /// Asks for `wanted` tokens every millisecond for five seconds; returns when each was granted.
    fn grants(rate: u32, wanted: usize) -> Vec<i64> {
        let bucket = TokenBucket::new(rate, t(0));
        let mut times = Vec::new();
        for ms in 0..5_000 {
            let granted = bucket.take(wanted, t(ms));
            times.extend(std::iter::repeat_n(ms, granted));
        }
        times
    }

    #[test]
    fn no_one_second_window_sees_more_than_the_rate() {
        for rate in [1, 7, 20, 21, 50, 80, 200, 1_000] {
            for wanted in [1, 16, 1_000] {
                let times = grants(rate, wanted);
                let mut start = 0;
                for end in 0..times.len() {
                    while times[end] - times[start] >= 1_000 {
                        start += 1;
                    }
                    let in_window = end - start + 1;
                    assert!(
                        in_window <= rate as usize,
                        "rate {rate}, asking {wanted}: {in_window} in the second before {} ms",
                        times[end]
                    );
                }
                let floor = f64::from(rate) * 5.0 * 0.93;
                assert!(
                    times.len() as f64 >= floor.floor(),
                    "rate {rate}: only {} in 5 s",
                    times.len()
                );
            }
        }
    }

    #[test]
    fn a_pause_stops_everything_until_it_ends() {
        let bucket = TokenBucket::new(100, t(0));
        bucket.pause_until(t(2_000));
        assert_eq!(bucket.take(5, t(1_000)), 0);
        assert_eq!(bucket.paused_until(t(1_000)), Some(t(2_000)));
        assert_eq!(bucket.take(5, t(2_500)), 5);
        assert_eq!(bucket.paused_until(t(2_500)), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let ms = |class, attempts, seed| retry_after(class, attempts, seed).num_milliseconds();
        for seed in 0..50 {
            let first = ms(ErrorClass::Retry, 0, seed);
            assert!((800..=1_200).contains(&first), "{first}");
            let late = ms(ErrorClass::Retry, 20, seed);
            assert!((240_000..=360_000).contains(&late), "{late}");
            let pair = ms(ErrorClass::PairLimited, 2, seed);
            assert!((12_800..=19_200).contains(&pair), "16 s ± 20 %: {pair}");
        }
        let spread: std::collections::HashSet<i64> =
            (0..50).map(|seed| ms(ErrorClass::Retry, 3, seed)).collect();
        assert!(spread.len() > 10, "jitter spreads retries");
    }
}
