//! Failed sign-ins, counted per login name and per client address over a sliding window: after
//! too many, further attempts are refused until the oldest failure ages out, whether or not the
//! password is right. Kept in memory per instance (a restart forgives; several instances each
//! allow their own share) — enough to make guessing a password over the network hopeless at
//! argon2's cost per attempt.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

/// How long a failure counts.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Failures allowed per login name within the window.
pub const PER_NAME: usize = 5;
/// Failures allowed per client address within the window (several people may share one).
pub const PER_ADDRESS: usize = 20;
/// Names and addresses remembered at most; the least recently failed are forgotten first.
const MAX_KEYS: usize = 10_000;

/// The failures of each key, oldest first.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

fn name_key(name: &str) -> String {
    format!("name:{}", name.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl LoginThrottle {
    /// When the next attempt for this name from this address may be made, if it must wait.
    pub fn blocked_until(
        &self,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let Ok(mut failures) = self.failures.lock() else {
            return None;
        };
        [
            (name_key(name), PER_NAME),
            (address_key(address), PER_ADDRESS),
        ]
        .into_iter()
        .filter_map(|(key, limit)| {
            let times = failures.get_mut(&key)?;
            while times.front().is_some_and(|at| *at <= now - WINDOW) {
                times.pop_front();
            }
            let len = times.len();
            (len >= limit).then(|| times.get(len - limit).map(|at| *at + WINDOW))?
        })
        .max()
    }

    /// Counts a failed attempt against the name and the address.
    pub fn failed(&self, name: &str, address: &str, now: DateTime<Utc>) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| times.back().is_some_and(|at| *at > now - WINDOW));
        }
        // Still full of recent failures (someone spraying names): forget the least recent ones
        // rather than stop counting, so the newest attempts are always limited.
        while failures.len() >= MAX_KEYS {
            let oldest = failures
                .iter()
                .min_by_key(|(_, times)| times.back().copied())
                .map(|(key, _)| key.clone());
            match oldest {
                Some(key) => failures.remove(&key),
                None => break,
            };
        }
        for key in [name_key(name), address_key(address)] {
            failures.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets the name's failures (after a successful sign-in); the address keeps its count.
    pub fn succeeded(&self, name: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&name_key(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::days(20_000) + TimeDelta::minutes(minutes)
    }

    #[test]
    fn a_name_is_blocked_after_five_failures_until_the_first_ages_out() {
        let throttle = LoginThrottle::default();
        for minute in 0..5 {
            assert_eq!(throttle.blocked_until("ana", "10.0.0.1", at(minute)), None);
            throttle.failed("ana", "10.0.0.1", at(minute));
        }
        assert_eq!(
            throttle.blocked_until("ANA", "10.0.0.2", at(5)),
            Some(at(15))
        );
        assert_eq!(throttle.blocked_until("bo", "10.0.0.2", at(5)), None);
        assert_eq!(throttle.blocked_until("ana", "10.0.0.2", at(15)), None);
    }

    #[test]
    fn an_address_is_blocked_after_twenty_failures_over_any_names() {
        let throttle = LoginThrottle::default();
        for n in 0..20 {
            throttle.failed(&format!("user{n}"), "10.0.0.9", at(0));
        }
        assert_eq!(
            throttle.blocked_until("new", "10.0.0.9", at(1)),
            Some(at(15))
        );
        assert_eq!(throttle.blocked_until("new", "10.0.0.8", at(1)), None);
    }

    #[test]
    fn success_forgives_the_name() {
        let throttle = LoginThrottle::default();
        for _ in 0..5 {
            throttle.failed("ana", "a", at(0));
        }
        throttle.succeeded("ana");
        assert_eq!(throttle.blocked_until("ana", "b", at(1)), None);
    }
}
