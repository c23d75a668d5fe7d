//! [`Cache`]: what the API answered, by URL, for a short time (`cache_seconds`) and up to a number
//! of entries: a customer tapping through the order menu asks the API once, not at every tap.
//! Only answers are kept; a failure is never cached, so the next message tries again.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A bounded map of answers that expire.
#[derive(Debug)]
pub struct Cache<V> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V: Clone> Cache<V> {
    /// Keeps up to `capacity` answers for `ttl` each (a zero `ttl` or `capacity` keeps none).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The answer kept for `key`, if it is still fresh at `now`.
    pub fn get(&self, key: &str, now: Instant) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (at, value) = entries.get(key)?;
        (now.duration_since(*at) < self.ttl).then(|| value.clone())
    }

    /// Keeps `value` for `key` from `now`. When full, expired answers go first, then the oldest.
    pub fn put(&self, key: String, value: V, now: Instant) {
        if self.ttl.is_zero() || self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| now.duration_since(*at) < ttl);
            if entries.len() >= self.capacity {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(key, _)| key.clone());
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(key, (now, value));
    }

    /// How many answers are kept (fresh or not).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether none is kept.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_expire_and_the_oldest_goes_when_full() {
        let cache = Cache::new(Duration::from_secs(10), 2);
        let start = Instant::now();
        cache.put("a".into(), 1, start);
        cache.put("b".into(), 2, start + Duration::from_secs(1));
        assert_eq!(cache.get("a", start + Duration::from_secs(9)), Some(1));
        assert_eq!(cache.get("a", start + Duration::from_secs(10)), None);
        cache.put("c".into(), 3, start + Duration::from_secs(2));
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("a", start + Duration::from_secs(2)), None);
        assert_eq!(cache.get("b", start + Duration::from_secs(2)), Some(2));
        assert_eq!(cache.get("c", start + Duration::from_secs(2)), Some(3));
    }

    #[test]
    fn a_zero_time_to_live_keeps_nothing() {
        let cache = Cache::new(Duration::ZERO, 10);
        cache.put("a".into(), 1, Instant::now());
        assert!(cache.is_empty());
    }
}
