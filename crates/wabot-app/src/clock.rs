//! The current time, from the standard library (so no crate needs chrono's `clock` feature, and the
//! engine can never read the time by accident).

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

/// Now, in UTC, to the microsecond.
pub fn utc_now() -> DateTime<Utc> {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let micros = i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX);
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_is_after_this_code_was_written() {
        assert!(super::utc_now().timestamp() > 1_795_000_000);
    }
}
