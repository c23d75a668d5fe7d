//! The figures `/api/stats` and the console's overview share: one query per figure, so each has one
//! definition (`stats` and `overview` only assemble them). Every period is `[since, until)` in UTC;
//! `/api/stats` counts up to [`END_OF_TIME`].
//!
//! - *Messages per day and direction*: `messages.created_at` in the period, grouped by its UTC day
//!   in SQL (`date(created_at)`, which both backends spell alike).
//! - *Customers who wrote*: distinct contacts with an inbound message in the period.
//! - *Reply time*: for each customer message answered, from its arrival at the webhook
//!   (`outbox.origin_at` of the replies to it) to the first of those replies that was accepted
//!   (the least `messages.sent_at`), over the replies made in the period; percentiles by nearest
//!   rank ([`ResponseTimes::from_millis`]). Replies never accepted do not count, nor do messages
//!   that are not replies (manual messages have no `origin_at`).
//! - *Failures by code*: outbound messages made in the period whose status is `failed`, by Meta's
//!   error code (`none` without one).
//! - *Reached*: distinct contacts with a `node_entered` menu event in the period, by node.
//! - *Left*: conversations whose last step (`sessions.updated_at`) was in `[since, idle_before)`,
//!   by the node they are at (`sessions.node`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count, count_star, min, sql};
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{Date, Text};
use wabot_app::{Count, DeliveryStatus, Direction, MessageStatus, ResponseTimes};

use crate::connection::AnyConnection;
use crate::schema::{menu_events, messages, outbox, sessions};
use crate::sql::TxError;
use crate::states::MenuEventName;

/// A period, `[since, until)`, as stored (UTC without zone).
#[derive(Clone, Copy, Debug)]
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
pub(crate) fn inbound_by_day(
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
pub(crate) fn outbound_by_day_and_status(
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

/// Messages of the period by UTC day and direction (`[day, direction]`), in that order; days without
/// traffic are absent.
pub(crate) fn messages_by_day(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<(NaiveDate, Direction, i64)>, TxError> {
    let mut days: std::collections::BTreeMap<(NaiveDate, bool), i64> = Default::default();
    for (day, n) in inbound_by_day(connection, span)? {
        *days.entry((day, false)).or_default() += n;
    }
    for (day, _, n) in outbound_by_day_and_status(connection, span)? {
        *days.entry((day, true)).or_default() += n;
    }
    Ok(days
        .into_iter()
        .map(|((day, out), n)| (day, if out { Direction::Out } else { Direction::In }, n))
        .collect())
}

/// Distinct contacts with an inbound message in the period.
pub(crate) fn customers_who_wrote(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<i64, TxError> {
    Ok(messages::table
        .filter(messages::direction.eq(Direction::In.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .select(count(messages::contact_id).aggregate_distinct())
        .first::<i64>(connection)?)
}

/// Reply times of the period (see the module doc).
pub(crate) fn reply_times(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<ResponseTimes, TxError> {
    let rows = outbox::table
        .inner_join(messages::table)
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .filter(messages::sent_at.is_not_null())
        .filter(outbox::origin_at.is_not_null())
        .group_by((outbox::contact_id, outbox::origin_at))
        .select((outbox::origin_at, min(messages::sent_at)))
        .load::<(Option<NaiveDateTime>, Option<NaiveDateTime>)>(connection)?;
    let millis = rows
        .into_iter()
        .filter_map(|(asked, answered)| Some((answered? - asked?).num_milliseconds().max(0)))
        .collect();
    Ok(ResponseTimes::from_millis(millis))
}

/// Failed outbound messages of the period by error code, in code order (`none` last).
pub(crate) fn failures_by_code(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<Count>, TxError> {
    let rows = messages::table
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::created_at.ge(span.since))
        .filter(messages::created_at.lt(span.until))
        .filter(messages::status.eq(MessageStatus::Delivery(DeliveryStatus::Failed).as_str()))
        .group_by(messages::error_code)
        .select((messages::error_code, count_star()))
        .order(messages::error_code)
        .load::<(Option<i64>, i64)>(connection)?;
    let mut counts: Vec<Count> = rows
        .into_iter()
        .map(|(code, count)| Count {
            labels: vec![code.map_or_else(|| "none".to_owned(), |code| code.to_string())],
            count,
        })
        .collect();
    // The backends sort NULL differently; `none` goes last on both.
    counts.sort_by_key(|count| count.labels[0] == "none");
    Ok(counts)
}

/// Distinct contacts who entered each node in the period, in node order.
pub(crate) fn reached_by_node(
    connection: &mut AnyConnection,
    span: Span,
) -> Result<Vec<(Option<String>, i64)>, TxError> {
    Ok(menu_events::table
        .filter(menu_events::event.eq(MenuEventName::NodeEntered.as_str()))
        .filter(menu_events::at.ge(span.since))
        .filter(menu_events::at.lt(span.until))
        .group_by(menu_events::node)
        .select((
            menu_events::node,
            count(menu_events::contact_id).aggregate_distinct(),
        ))
        .order(menu_events::node)
        .load(connection)?)
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
