//! Heartbeats: each background worker beats after every round, so readiness can tell a live worker
//! from one that died or hangs.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// The last time a worker (any worker of a kind) finished a round.
#[derive(Debug, Default)]
pub struct Heartbeat {
    last_micros: AtomicI64,
}

impl Heartbeat {
    /// A heartbeat that has never beaten.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a beat.
    pub fn beat(&self, now: DateTime<Utc>) {
        self.last_micros
            .store(now.timestamp_micros(), Ordering::Relaxed);
    }

    /// Whether it beat within `within` of `now`.
    pub fn alive(&self, now: DateTime<Utc>, within: TimeDelta) -> bool {
        let last = self.last_micros.load(Ordering::Relaxed);
        last > 0 && now.timestamp_micros() - last <= within.num_microseconds().unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_heartbeat_is_alive_only_after_a_recent_beat() {
        let noon = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let heart = Heartbeat::new();
        assert!(!heart.alive(noon, TimeDelta::seconds(5)));
        heart.beat(noon);
        assert!(heart.alive(noon + TimeDelta::seconds(5), TimeDelta::seconds(5)));
        assert!(!heart.alive(noon + TimeDelta::seconds(6), TimeDelta::seconds(5)));
    }
}
