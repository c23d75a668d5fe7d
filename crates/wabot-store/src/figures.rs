//! The figures `/api/stats` and the console's overview share: one query per figure, so each has one
//! definition (`stats` and `overview` only assemble them). Every period is `[since, until)` in UTC;
//! `/api/stats` counts up to [`END_OF_TIME`]. The message figures are read per UTC day
//! ([`by_day`]): for complete days `rollups` reads them from `daily_figures`, where they were
//! stored from these same queries.
//!
//! - *Messages per day and direction*: `messages.created_at` in the period, grouped by its UTC day
//!   in SQL (`date(created_at)`, which both backends spell alike).
//! - *Customers who wrote*: contacts whose last inbound message (`contacts.last_inbound_at`) is at
//!   or after the period's start ([`customers_who_wrote`]).
//! - *Reply time*: for each customer message answered, from its arrival at the webhook
//!   (`outbox.origin_at` of the replies to it) to the first of those replies that was accepted
//!   (the least `messages.sent_at`), over the replies made in the period, taken day by day (a
//!   message whose replies were made on two days, either side of midnight, counts on each);
//!   percentiles by nearest rank over a histogram (`histogram`: exact below 100 ms, within 1.5 %
//!   above). Replies never accepted do not count, nor do messages that are not replies (manual
//!   messages have no `origin_at`).
//! - *Failures by code*: outbound messages made in the period whose status is `failed`, by Meta's
//!   error code (`none` without one).
//! - *Reached*: contacts who entered each node at or after the period's start (`node_visits`,
//!   [`reached_by_node`]).
//! - *Left*: conversations whose last step (`sessions.updated_at`) was in `[since, idle_before)`,
//!   by the node they are at (`sessions.node`).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, min, sql};
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};
use wabot_app::{Count, DeliveryCounts, DeliveryStatus, Direction, MessageStatus};

use crate::connection::AnyConnection;
use crate::histogram::Histogram;
use crate::schema::{contacts, messages, node_visits, outbox, sessions};
use crate::sql::TxError;

/// A period, `[since, until)`, as stored (UTC without zone).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Span {
    pub since: NaiveDateTime,
    pub until: NaiveDateTime,
}

/// The end of an open period (`/api/stats` counts everything since a point): far beyond any stored
/// time, and within both backends' range (a four-digit year also compares right as SQLite text).
pub(crate) const END_OF_TIME: NaiveDateTime = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day.and_time(chrono::NaiveTime::MIN),
    None => NaiveDateTime::MIN,
};

/// A message's UTC day: PostgreSQL's `date(timestamp)` and SQLite's `date(text)` both give it, read
/// back as a `Date` on either.
fn day() -> SqlLiteral<Date> {
    sql::<Date>("date(messages.created_at)")
}

/// Inbound messages of the period by UTC day (days without any are absent), in day order.
fn inbound_by_day(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<(NaiveDate, i64)>, TxError> {
    Ok(messages::table
        .filter(messages::direction.eq(Direction::In.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .group_by(day())
        .select((day(), count_star()))
        .order(day())
        .load::<(NaiveDate, i64)>(connection)?)
}

/// Outbound messages of the period by UTC day and stored status, in day order.
fn outbound_by_day_and_status(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<(NaiveDate, String, i64)>, TxError> {
    // The status is grouped as literal SQL too: diesel checks a column against a grouping of plain
    // columns only.
    let status = || sql::<Text>("messages.status");
    Ok(messages::table
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .group_by((day(), status()))
        .select((day(), status(), count_star()))
        .order(day())
        .load::<(NaiveDate, String, i64)>(connection)?)
}

/// Failed outbound messages of the period by UTC day and error code.
fn failures_by_day_and_code(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<(NaiveDate, Option<i64>, i64)>, TxError> {
    let code = || sql::<Nullable<BigInt>>("messages.error_code");
    Ok(messages::table
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .filter(messages::status.eq(MessageStatus::Delivery(DeliveryStatus::Failed).as_str()))
        .group_by((day(), code()))
        .select((day(), code(), count_star()))
        .load(connection)?)
}

/// An answered message: the day its replies were made, its arrival, its first accepted reply.
type Answered = (NaiveDate, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// Reply times of the period by the UTC day the replies were made (see the module doc): for each
/// answered message, its arrival and its first accepted reply's `sent_at`.
fn replies_by_day(connection: &mut AnyConnection, span: Span) -> Result<Vec<Answered>, TxError> {
    let contact = || sql::<BigInt>("outbox.contact_id");
    let origin = || sql::<Nullable<Timestamp>>("outbox.origin_at");
    Ok(outbox::table
        .inner_join(messages::table)
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .filter(messages::sent_at.is_not_null())
        .filter(outbox::origin_at.is_not_null())
        .group_by((day(), contact(), origin()))
        .select((day(), origin(), min(messages::sent_at)))
        .load(connection)?)
}

/// One UTC day's message figures (or a part of a day's, for a period's partial days).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DayFigures {
    /// Messages from customers.
    pub inbound: i64,
    /// Our messages by what became of them (`outbound` is all of them).
    pub delivery: DeliveryCounts,
    /// Failed outbound messages by error code (`None`: no code).
    pub failures: BTreeMap<Option<i64>, i64>,
    /// Reply times.
    pub replies: Histogram,
}

impl DayFigures {
    /// Adds another day's (or part's) figures.
    pub(crate) fn merge(&mut self, other: &DayFigures) {
        self.inbound += other.inbound;
        let (d, o) = (&mut self.delivery, &other.delivery);
        d.outbound += o.outbound;
        d.accepted += o.accepted;
        d.delivered += o.delivered;
        d.read += o.read;
        d.failed += o.failed;
        d.waiting += o.waiting;
        for (code, n) in &other.failures {
            *self.failures.entry(*code).or_default() += n;
        }
        self.replies.merge(&other.replies);
    }
}

/// The message figures of `span`, by UTC day, from the raw tables (days without any message are
/// absent). Four grouped range reads of `messages_by_direction_time` (and the outbox for replies).
pub(crate) fn by_day(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<BTreeMap<NaiveDate, DayFigures>, TxError> {
    let mut days: BTreeMap<NaiveDate, DayFigures> = BTreeMap::new();
    for (day, n) in inbound_by_day(connection, span)? {
        days.entry(day).or_default().inbound += n;
    }
    for (day, status, n) in outbound_by_day_and_status(connection, span)? {
        count_status(&mut days.entry(day).or_default().delivery, &status, n);
    }
    for (day, code, n) in failures_by_day_and_code(connection, span)? {
        *days
            .entry(day)
            .or_default()
            .failures
            .entry(code)
            .or_default() += n;
    }
    for (day, asked, answered) in replies_by_day(connection, span)? {
        if let (Some(asked), Some(answered)) = (asked, answered) {
            let ms = (answered - asked).num_milliseconds().max(0);
            days.entry(day).or_default().replies.add(ms);
        }
    }
    Ok(days)
}

/// Counts `n` outbound messages with the stored `status` where they belong.
pub(crate) fn count_status(counts: &mut DeliveryCounts, status: &str, n: i64) {
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

/// Failures by code as the ports show them: code order, `none` last.
pub(crate) fn failure_counts(failures: &BTreeMap<Option<i64>, i64>) -> Vec<Count> {
    let mut counts: Vec<Count> = failures
        .iter()
        .map(|(code, count)| Count {
            labels: vec![code.map_or_else(|| "none".to_owned(), |code| code.to_string())],
            count: *count,
        })
        .collect();
    counts.sort_by_key(|count| count.labels[0] == "none");
    counts
}

/// Customers who wrote since `since`: contacts whose last inbound message is at or after it
/// (`contacts_by_last_inbound`). Exactly "distinct contacts with an inbound message in
/// `[since, until)`" when `until` is now (nothing has arrived after it); for a period that ended
/// earlier it also counts those who wrote only after it.
pub(crate) fn customers_who_wrote(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
) -> Result<i64, TxError> {
    Ok(contacts::table
        .filter(contacts::last_inbound_at.ge(since))
        .count()
        .get_result::<i64>(connection)?)
}

/// Distinct contacts who entered each node since `since`, in node order: `node_visits` rows (one
/// per contact and node, the last time it was entered) at or after it. Exactly "entered in
/// `[since, until)`" when `until` is now, as for [`customers_who_wrote`]. Read node by node, each a
/// range of `node_visits_by_node_time` (the next node found by the index too): grouping the whole
/// table by node would read every row however short the period.
pub(crate) fn reached_by_node(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
) -> Result<Vec<(Option<String>, i64)>, TxError> {
    let mut reached = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let next = match &after {
            None => node_visits::table
                .select(min(node_visits::node))
                .first::<Option<String>>(connection)?,
            Some(previous) => node_visits::table
                .filter(node_visits::node.gt(previous))
                .select(min(node_visits::node))
                .first::<Option<String>>(connection)?,
        };
        let Some(node) = next else {
            return Ok(reached);
        };
        let n = node_visits::table
            .filter(node_visits::node.eq(&node))
            .filter(node_visits::last_entered_at.ge(since))
            .count()
            .get_result::<i64>(connection)?;
        if n > 0 {
            reached.push((Some(node.clone()), n));
        }
        after = Some(node);
    }
}

/// Conversations whose last step was in `[since, idle_before)`, by the node they are at, in node
/// order (`None`: no node, the conversation had ended).
pub(crate) fn left_by_node(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> Result<Vec<(Option<String>, i64)>, TxError> {
    Ok(sessions::table
        .filter(sessions::updated_at.ge(since))
        .filter(sessions::updated_at.lt(idle_before))
        .group_by(sessions::node)
        .select((sessions::node, count_star()))
        .order(sessions::node)
        .load(connection)?)
}
