//! Reply times as a histogram, so a day's reply times can be stored in a few hundred bytes
//! (`daily_figures.reply_times`) and days merged by adding counts. Buckets: one per millisecond
//! below [`EXACT_BELOW`] (exact), then log-spaced, each [`GROWTH`] (2 %) wider than the one before
//! (about 530 buckets up to an hour). A bucket is named by its geometric middle, rounded to the
//! millisecond, so a time read back is within 1.5 % of the time measured (1 % half a bucket, plus
//! the rounding). Percentiles are by nearest rank over the buckets, as
//! [`ResponseTimes::from_millis`] does over the times: the same rank falls in the same bucket, so a
//! percentile is the exact one within that resolution.

use std::collections::BTreeMap;

use wabot_app::{ResponseTimes, StoreError};

use crate::sql::TxError;

/// Below this many milliseconds every millisecond is a bucket of its own.
pub(crate) const EXACT_BELOW: i64 = 100;
/// How much wider each bucket from [`EXACT_BELOW`] on is than the one before.
pub(crate) const GROWTH: f64 = 1.02;

/// Counts of reply times by bucket (the bucket's middle in milliseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Histogram(BTreeMap<i64, i64>);

/// The bucket a time falls in, named by its middle.
pub(crate) fn bucket(ms: i64) -> i64 {
    if ms < EXACT_BELOW {
        return ms.max(0);
    }
    // Times are far below 2^52 ms, so the conversions are exact; the result is a few hundred.
    let k = ((ms as f64 / EXACT_BELOW as f64).ln() / GROWTH.ln()).floor();
    let middle = EXACT_BELOW as f64 * GROWTH.powf(k + 0.5);
    middle.round() as i64
}

impl Histogram {
    /// Counts one reply time.
    pub(crate) fn add(&mut self, ms: i64) {
        *self.0.entry(bucket(ms)).or_default() += 1;
    }

    /// Adds another histogram's counts.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        for (bucket, n) in &other.0 {
            *self.0.entry(*bucket).or_default() += n;
        }
    }

    /// Percentiles by nearest rank (see the module doc for the resolution).
    pub(crate) fn percentiles(&self) -> ResponseTimes {
        let total: i64 = self.0.values().sum();
        let rank = |p: i64| {
            // The nearest rank, 1-based: ceil(total * p / 100).
            let wanted = (total * p + 99) / 100;
            let mut seen = 0;
            for (bucket, n) in &self.0 {
                seen += n;
                if seen >= wanted.max(1) {
                    return *bucket;
                }
            }
            0
        };
        ResponseTimes {
            count: usize::try_from(total).unwrap_or(usize::MAX),
            p50_ms: rank(50),
            p90_ms: rank(90),
            p95_ms: rank(95),
            p99_ms: rank(99),
        }
    }

    /// As stored: JSON `[[bucket, count], ...]`, buckets ascending.
    pub(crate) fn to_json(&self) -> String {
        let pairs: Vec<(i64, i64)> = self.0.iter().map(|(b, n)| (*b, *n)).collect();
        serde_json::Value::from(
            pairs
                .into_iter()
                .map(|(b, n)| serde_json::Value::from(vec![b, n]))
                .collect::<Vec<_>>(),
        )
        .to_string()
    }

    /// Reads a stored histogram back.
    pub(crate) fn from_json(json: &str) -> Result<Self, TxError> {
        let pairs: Vec<(i64, i64)> = serde_json::from_str(json)
            .map_err(|e| TxError(StoreError::corrupt("a stored reply-time histogram", e)))?;
        Ok(Self(pairs.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_below_100_ms_then_within_one_and_a_half_percent() {
        for ms in 0..EXACT_BELOW {
            assert_eq!(bucket(ms), ms);
        }
        let mut previous = 0;
        for ms in EXACT_BELOW..2_000_000 {
            let b = bucket(ms);
            let error = (b - ms).abs() as f64 / ms as f64;
            assert!(error <= 0.015, "{ms} ms read back as {b}");
            assert!(b >= previous, "buckets are in the order of the times");
            previous = b;
        }
    }

    #[test]
    fn percentiles_match_the_exact_ones_within_the_resolution_and_survive_storage() {
        let millis: Vec<i64> = (1..=1000).map(|i| i * 37 % 5000 + 20).collect();
        let mut histogram = Histogram::default();
        let (first, second) = millis.split_at(400);
        let mut other = Histogram::default();
        first.iter().for_each(|ms| histogram.add(*ms));
        second.iter().for_each(|ms| other.add(*ms));
        histogram.merge(&other);
        let exact = ResponseTimes::from_millis(millis);
        let read_back = Histogram::from_json(&histogram.to_json()).unwrap();
        assert_eq!(read_back, histogram);
        let got = read_back.percentiles();
        assert_eq!(got.count, exact.count);
        for (got, exact) in [
            (got.p50_ms, exact.p50_ms),
            (got.p90_ms, exact.p90_ms),
            (got.p95_ms, exact.p95_ms),
            (got.p99_ms, exact.p99_ms),
        ] {
            assert_eq!(got, bucket(exact));
        }
        assert_eq!(Histogram::default().percentiles(), ResponseTimes::default());
    }
}
