//! [`Statistics`] for [`DieselStore`]: counts grouped in SQL, and per-day counts and reply times
//! computed from the messages of the window (a reply time runs from a customer's message to our first
//! reply accepted by Meta). Grouping by day is done here, not in SQL, because the two backends spell
//! "the day of a timestamp" differently.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use wabot_app::{
    Backlog, Count, DeliveryStatus, Direction, MessageStatus, ResponseTimes, Statistics, Stats,
    StoreError,
};
use wabot_engine::ConversationState;

use crate::connection::AnyConnection;
use crate::schema::{contacts, menu_events, messages, sessions};
use crate::sql::{TxError, corrupt_json, naive};
use crate::store::DieselStore;

fn count(labels: Vec<String>, count: i64) -> Count {
    Count { labels, count }
}

/// Messages by UTC day and direction, in day order.
fn per_day(rows: &[(i64, String, NaiveDateTime, Option<NaiveDateTime>)]) -> Vec<Count> {
    let mut days: BTreeMap<(NaiveDate, &str), i64> = BTreeMap::new();
    for (_, direction, created_at, _) in rows {
        *days
            .entry((created_at.date(), direction.as_str()))
            .or_default() += 1;
    }
    days.into_iter()
        .map(|((day, direction), n)| count(vec![day.to_string(), direction.to_owned()], n))
        .collect()
}

/// Milliseconds from each customer message to the first reply sent after it.
fn reply_times(rows: Vec<(i64, String, NaiveDateTime, Option<NaiveDateTime>)>) -> ResponseTimes {
    let mut waiting: HashMap<i64, NaiveDateTime> = HashMap::new();
    let mut millis = Vec::new();
    for (contact, direction, created_at, sent_at) in rows {
        if direction == Direction::In.as_str() {
            waiting.entry(contact).or_insert(created_at);
        } else if let Some(sent_at) = sent_at
            && let Some(asked) = waiting.remove(&contact)
        {
            millis.push((sent_at - asked).num_milliseconds().max(0));
        }
    }
    ResponseTimes::from_millis(millis)
}

/// Conversations whose last step was in `[since, idle_before)`, by the node they were left at.
fn drop_off(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> Result<Vec<Count>, TxError> {
    let states = sessions::table
        .filter(sessions::updated_at.ge(since))
        .filter(sessions::updated_at.lt(idle_before))
        .select(sessions::state)
        .load::<String>(connection)?;
    let mut nodes: BTreeMap<String, i64> = BTreeMap::new();
    for state in states {
        let state: ConversationState =
            serde_json::from_str(&state).map_err(|e| corrupt_json("a session", e))?;
        *nodes.entry(state.node.unwrap_or_default()).or_default() += 1;
    }
    Ok(nodes
        .into_iter()
        .map(|(node, n)| count(vec![node], n))
        .collect())
}

/// Options chosen in the window, by menu and key (only `option_chosen` events have a key).
fn options_chosen(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
) -> Result<Vec<Count>, TxError> {
    let rows = menu_events::table
        .filter(menu_events::at.ge(since))
        .filter(menu_events::option_key.is_not_null())
        .group_by((menu_events::node, menu_events::option_key))
        .select((menu_events::node, menu_events::option_key, count_star()))
        .order((menu_events::node, menu_events::option_key))
        .load::<(Option<String>, Option<i32>, i64)>(connection)?;
    Ok(rows
        .into_iter()
        .filter_map(|(node, key, n)| Some(count(vec![node?, key?.to_string()], n)))
        .collect())
}

/// Outbound messages of the window that failed, by error code.
fn failures_by_code(
    connection: &mut AnyConnection,
    since: NaiveDateTime,
) -> Result<Vec<Count>, TxError> {
    let rows = messages::table
        .filter(messages::created_at.ge(since))
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::status.eq(MessageStatus::Delivery(DeliveryStatus::Failed).as_str()))
        .group_by(messages::error_code)
        .select((messages::error_code, count_star()))
        .order(messages::error_code)
        .load::<(Option<i64>, i64)>(connection)?;
    Ok(rows
        .into_iter()
        .map(|(code, n)| {
            let code = code.map_or_else(|| "none".to_owned(), |code| code.to_string());
            count(vec![code], n)
        })
        .collect())
}

impl Statistics for DieselStore {
    async fn backlog(&self, active_since: DateTime<Utc>) -> Result<Backlog, StoreError> {
        self.read(move |connection| crate::backlog::backlog(connection, naive(active_since)))
            .await
    }

    async fn stats(
        &self,
        since: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> Result<Stats, StoreError> {
        let (since, idle_before) = (naive(since), naive(idle_before));
        self.read(move |connection| {
            let contacts = contacts::table.count().get_result::<i64>(connection)?;
            let by_status = messages::table
                .filter(messages::created_at.ge(since))
                .group_by((messages::direction, messages::status))
                .select((messages::direction, messages::status, count_star()))
                .order((messages::direction, messages::status))
                .load::<(String, String, i64)>(connection)?;
            let events = menu_events::table
                .filter(menu_events::at.ge(since))
                .group_by((menu_events::event, menu_events::node))
                .select((menu_events::event, menu_events::node, count_star()))
                .order((menu_events::event, menu_events::node))
                .load::<(String, Option<String>, i64)>(connection)?;
            let timeline = messages::table
                .filter(messages::created_at.ge(since))
                // Insertion order is causal order (a reply is stored after its question), whereas Meta's
                // timestamps have whole seconds and may tie with or precede our own.
                .order((messages::contact_id, messages::id))
                .select((
                    messages::contact_id,
                    messages::direction,
                    messages::created_at,
                    messages::sent_at,
                ))
                .load::<(i64, String, NaiveDateTime, Option<NaiveDateTime>)>(connection)?;
            Ok(Stats {
                contacts,
                messages_by_day: per_day(&timeline),
                messages_by_status: by_status
                    .into_iter()
                    .map(|(direction, status, n)| count(vec![direction, status], n))
                    .collect(),
                menu_events: events
                    .into_iter()
                    .map(|(event, node, n)| count(vec![event, node.unwrap_or_default()], n))
                    .collect(),
                options_chosen: options_chosen(connection, since)?,
                response_times: reply_times(timeline),
                drop_off: drop_off(connection, since, idle_before)?,
                failures_by_code: failures_by_code(connection, since)?,
            })
        })
        .await
    }
}
