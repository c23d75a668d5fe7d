//! [`Statistics`] for [`DieselStore`]: `/api/stats` (counts since a point in time) and the backlog;
//! the console's overview is `overview`. The figures `/api/stats` shares with the overview (messages
//! per day, reply times, failures) come through `rollups` (complete days from `daily_figures`), the
//! drop-off from `figures`, with their definitions; the counts by status, by menu event and by
//! option chosen are grouped in SQL here, over the raw rows since `since`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use wabot_app::{Backlog, Count, Direction, Overview, Period, Statistics, Stats, StoreError};

use crate::connection::AnyConnection;
use crate::figures::{self, DayFigures, END_OF_TIME, Span};
use crate::schema::{contacts, menu_events, messages};
use crate::sql::{TxError, naive};
use crate::store::DieselStore;

fn count(labels: Vec<String>, count: i64) -> Count {
    Count { labels, count }
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

impl Statistics for DieselStore {
    async fn overview(
        &self,
        period: Period,
        idle_before: DateTime<Utc>,
    ) -> Result<Overview, StoreError> {
        self.overview_of(period, idle_before).await
    }

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
        let span = Span {
            since,
            until: END_OF_TIME,
        };
        let by_day = self.period_figures(span).await?;
        let mut stats = self
            .read(move |connection| {
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
                let drop_off = figures::left_by_node(connection, since, idle_before)?;
                Ok(Stats {
                    contacts,
                    messages_by_status: by_status
                        .into_iter()
                        .map(|(direction, status, n)| count(vec![direction, status], n))
                        .collect(),
                    menu_events: events
                        .into_iter()
                        .map(|(event, node, n)| count(vec![event, node.unwrap_or_default()], n))
                        .collect(),
                    drop_off: drop_off
                        .into_iter()
                        .map(|(node, n)| count(vec![node.unwrap_or_default()], n))
                        .collect(),
                    options_chosen: options_chosen(connection, since)?,
                    ..Stats::default()
                })
            })
            .await?;
        let mut total = DayFigures::default();
        for (day, figures) in &by_day {
            total.merge(figures);
            for (direction, n) in [
                (Direction::In, figures.inbound),
                (Direction::Out, figures.delivery.outbound),
            ] {
                if n > 0 {
                    let labels = vec![day.to_string(), direction.as_str().to_owned()];
                    stats.messages_by_day.push(count(labels, n));
                }
            }
        }
        stats.response_times = total.replies.percentiles();
        stats.failures_by_code = figures::failure_counts(&total.failures);
        Ok(stats)
    }
}
