//! [`Statistics::overview`](wabot_app::Statistics::overview) for [`DieselStore`]: the console's
//! overview of a period `[since, until)`, read in one read from the queries `figures` shares with
//! `/api/stats`. The figures' one definition (times are UTC):
//!
//! - `days`: every UTC day the period touches, oldest first, with the messages each way whose
//!   `created_at` is in the period; days without traffic are there with zeros.
//! - `active_conversations`: distinct contacts with an inbound message in the period.
//! - `reply_times`: for each customer message answered, from its arrival (`outbox.origin_at`) to
//!   the first reply to it accepted by Meta (the least `messages.sent_at` of its replies), over the
//!   replies made in the period; nearest-rank percentiles.
//! - `delivery`: the outbound messages made in the period by their status now: `accepted` = sent,
//!   sandboxed, delivered or read; `delivered` = delivered or read; `read`; `failed`; `waiting` =
//!   the rest (pending: queued or waiting for a retry). A `sandboxed` message counts as accepted:
//!   the sandbox stands in for Meta and the message is done like a sent one (it never reaches
//!   `delivered`, so a sandbox lowers the delivered rate rather than hiding its messages).
//! - `failures_by_code`: failed outbound messages made in the period by error code, most first
//!   (ties in code order, `none` last).
//! - `funnel`: per menu node, `reached` = distinct contacts with a `node_entered` event in the
//!   period, and `left` = conversations whose last step (`sessions.updated_at`) was in
//!   `[since, min(until, idle_before))`, by the node they are at (`sessions.node`); a node with
//!   either count is listed, in node order. Conversations that ended (no node) are not in it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use wabot_app::{
    DayTraffic, DeliveryCounts, DeliveryStatus, FunnelNode, Overview, Period, StoreError,
};

use crate::figures::{self, Span};
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
        self.read(move |connection| {
            let inbound = figures::inbound_by_day(connection, span)?;
            let outbound = figures::outbound_by_day_and_status(connection, span)?;
            let mut failures_by_code = figures::failures_by_code(connection, span)?;
            failures_by_code.sort_by_key(|count| std::cmp::Reverse(count.count));
            Ok(Overview {
                period,
                days: days(period, &inbound, &outbound),
                active_conversations: figures::customers_who_wrote(connection, span)?,
                reply_times: figures::reply_times(connection, span)?,
                delivery: delivery(&outbound),
                failures_by_code,
                funnel: funnel(
                    figures::reached_by_node(connection, span)?,
                    figures::left_by_node(connection, span.since, idle_before)?,
                ),
            })
        })
        .await
    }
}

/// Every day of the period with its traffic, zeros included.
fn days(
    period: Period,
    inbound: &[(NaiveDate, i64)],
    outbound: &[(NaiveDate, String, i64)],
) -> Vec<DayTraffic> {
    let mut days = BTreeMap::new();
    if period.until > period.since {
        let first = period.since.date_naive();
        let last = (period.until - TimeDelta::nanoseconds(1)).date_naive();
        for day in first.iter_days().take_while(|day| *day <= last) {
            days.insert(day, (0, 0));
        }
    }
    for (day, n) in inbound {
        days.entry(*day).or_insert((0, 0)).0 += n;
    }
    for (day, _, n) in outbound {
        days.entry(*day).or_insert((0, 0)).1 += n;
    }
    days.into_iter()
        .map(|(day, (inbound, outbound))| DayTraffic {
            day,
            inbound,
            outbound,
        })
        .collect()
}

/// The outbound messages by what became of them.
fn delivery(outbound: &[(NaiveDate, String, i64)]) -> DeliveryCounts {
    let mut counts = DeliveryCounts::default();
    for (_, status, n) in outbound {
        let n = *n;
        counts.outbound += n;
        match DeliveryStatus::parse(status) {
            Some(DeliveryStatus::Sent | DeliveryStatus::Sandboxed) => counts.accepted += n,
            Some(DeliveryStatus::Delivered) => {
                counts.accepted += n;
                counts.delivered += n;
            }
            Some(DeliveryStatus::Read) => {
                counts.accepted += n;
                counts.delivered += n;
                counts.read += n;
            }
            Some(DeliveryStatus::Failed) => counts.failed += n,
            Some(DeliveryStatus::Pending) | None => counts.waiting += n,
        }
    }
    counts
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
        let days = days(period, &[(day(21), 4)], &[(day(21), "read".into(), 2)]);
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
        assert!(super::days(empty, &[], &[]).is_empty());
    }

    #[test]
    fn statuses_count_where_they_belong() {
        let d = NaiveDate::MIN;
        let rows: Vec<_> = [
            ("pending", 1),
            ("sent", 2),
            ("sandboxed", 4),
            ("delivered", 8),
            ("read", 16),
            ("failed", 32),
        ]
        .into_iter()
        .map(|(s, n)| (d, s.to_owned(), n))
        .collect();
        let counts = delivery(&rows);
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
