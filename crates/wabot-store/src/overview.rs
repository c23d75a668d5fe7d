//! [`Statistics::overview`](wabot_app::Statistics::overview) for [`DieselStore`]: the console's
//! overview of a period `[since, until)`, assembled from the figures `figures` shares with
//! `/api/stats`: the message figures per day through `rollups` (complete days from
//! `daily_figures`, today from the raw tables), then one read for the distinct counts and the
//! funnel. The console asks for whole UTC days ending now (`since` at midnight, `until` now), which
//! the store serves best: any other period is answered too, its partial first day read raw. The
//! figures' one definition (times are UTC):
//!
//! - `days`: every UTC day the period touches, oldest first, with the messages each way whose
//!   `created_at` is in the period; days without traffic are there with zeros.
//! - `active_conversations`: contacts whose last inbound message is at or after `since` — exactly
//!   the distinct contacts who wrote in the period when `until` is now.
//! - `reply_times`: for each customer message answered, from its arrival (`outbox.origin_at`) to
//!   the first reply to it accepted by Meta (the least `messages.sent_at` of its replies), over the
//!   replies made in the period, day by day; nearest-rank percentiles from the merged days'
//!   histograms (exact below 100 ms, within 1.5 % above).
//! - `delivery`: the outbound messages made in the period by their status now: `accepted` = sent,
//!   sandboxed, delivered or read; `delivered` = delivered or read; `read`; `failed`; `waiting` =
//!   the rest (pending: queued or waiting for a retry). A `sandboxed` message counts as accepted:
//!   the sandbox stands in for Meta and the message is done like a sent one (it never reaches
//!   `delivered`, so a sandbox lowers the delivered rate rather than hiding its messages).
//! - `failures_by_code`: failed outbound messages made in the period by error code, most first
//!   (ties in code order, `none` last).
//! - `funnel`: per menu node, `reached` = contacts who entered it at or after `since`
//!   (`node_visits`: exactly those who entered it in the period when `until` is now), and `left` =
//!   conversations whose last step (`sessions.updated_at`) was in
//!   `[since, min(until, idle_before))`, by the node they are at (`sessions.node`); a node with
//!   either count is listed, in node order. Conversations that ended (no node) are not in it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use wabot_app::{DayTraffic, FunnelNode, Overview, Period, StoreError};

use crate::figures::{self, DayFigures, Span};
use crate::sql::naive;
use crate::store::DieselStore;

impl DieselStore {
    /// The overview of `period` (see the module doc for each figure).
    pub(crate) async fn overview_of(
        &self,
        period: Period,
        idle_before: DateTime<Utc>,
    ) -> Result<Overview, StoreError> {
        let span = Span {
            since: naive(period.since),
            until: naive(period.until),
        };
        let idle_before = naive(idle_before.min(period.until));
        let by_day = self.period_figures(span).await?;
        let (active_conversations, funnel) = self
            .read(move |connection| {
                Ok((
                    figures::customers_who_wrote(connection, span.since)?,
                    funnel(
                        figures::reached_by_node(connection, span.since)?,
                        figures::left_by_node(connection, span.since, idle_before)?,
                    ),
                ))
            })
            .await?;
        let mut total = DayFigures::default();
        for figures in by_day.values() {
            total.merge(figures);
        }
        let mut failures_by_code = figures::failure_counts(&total.failures);
        failures_by_code.sort_by_key(|count| std::cmp::Reverse(count.count));
        Ok(Overview {
            period,
            days: days(period, &by_day),
            active_conversations,
            reply_times: total.replies.percentiles(),
            delivery: total.delivery,
            failures_by_code,
            funnel,
        })
    }
}

/// Every day of the period with its traffic, zeros included.
fn days(period: Period, by_day: &BTreeMap<NaiveDate, DayFigures>) -> Vec<DayTraffic> {
    let mut days = BTreeMap::new();
    if period.until > period.since {
        let first = period.since.date_naive();
        let last = (period.until - TimeDelta::nanoseconds(1)).date_naive();
        for day in first.iter_days().take_while(|day| *day <= last) {
            days.insert(day, (0, 0));
        }
    }
    for (day, figures) in by_day {
        let traffic = days.entry(*day).or_insert((0, 0));
        traffic.0 += figures.inbound;
        traffic.1 += figures.delivery.outbound;
    }
    days.into_iter()
        .map(|(day, (inbound, outbound))| DayTraffic {
            day,
            inbound,
            outbound,
        })
        .collect()
}

/// The funnel: each node with who reached it and who left there.
fn funnel(
    reached: Vec<(Option<String>, i64)>,
    left: Vec<(Option<String>, i64)>,
) -> Vec<FunnelNode> {
    let mut nodes: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (node, n) in reached {
        if let Some(node) = node {
            nodes.entry(node).or_default().0 += n;
        }
    }
    for (node, n) in left {
        if let Some(node) = node {
            nodes.entry(node).or_default().1 += n;
        }
    }
    nodes
        .into_iter()
        .map(|(node, (reached, left))| FunnelNode {
            node,
            reached,
            left,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use wabot_app::DeliveryCounts;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn every_day_of_the_period_is_there_and_the_end_is_excluded() {
        let period = Period {
            since: at(20, 12),
            until: at(23, 0),
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default();
        let mut figures = DayFigures {
            inbound: 4,
            ..DayFigures::default()
        };
        figures::count_status(&mut figures.delivery, "read", 2);
        let days = days(period, &BTreeMap::from([(day(21), figures)]));
        let listed: Vec<_> = days
            .iter()
            .map(|d| (d.day, d.inbound, d.outbound))
            .collect();
        assert_eq!(
            listed,
            vec![(day(20), 0, 0), (day(21), 4, 2), (day(22), 0, 0)]
        );
        let empty = Period {
            since: at(20, 0),
            until: at(20, 0),
        };
        assert!(super::days(empty, &BTreeMap::new()).is_empty());
    }

    #[test]
    fn statuses_count_where_they_belong() {
        let mut counts = DeliveryCounts::default();
        for (status, n) in [
            ("pending", 1),
            ("sent", 2),
            ("sandboxed", 4),
            ("delivered", 8),
            ("read", 16),
            ("failed", 32),
        ] {
            figures::count_status(&mut counts, status, n);
        }
        assert_eq!(
            counts,
            DeliveryCounts {
                outbound: 63,
                accepted: 30,
                delivered: 24,
                read: 16,
                failed: 32,
                waiting: 1,
            }
        );
    }
}
