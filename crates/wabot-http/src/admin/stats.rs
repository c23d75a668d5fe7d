//! `GET /api/stats?days=N`: what happened in the last N days (default 7): messages by day and
//! direction, contacts, menu usage and drop-off, reply-time percentiles, and send outcomes by error
//! class.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wabot_app::{Count, Statistics, Stats, utc_now};
use wabot_cloud_api::class_of_code;

use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// The period asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Period {
    /// How many days back, 1–366 (default 7).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 366)]
    days: Option<String>,
}

/// A count under labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tally {
    /// What is counted, e.g. `{"day": "2026-11-24", "direction": "in"}`.
    #[schema(value_type = Object)]
    pub labels: BTreeMap<&'static str, String>,
    /// How many.
    pub count: i64,
}

/// Reply times: from a customer's message to our first reply accepted by Meta.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyTimes {
    /// Replies measured.
    pub count: usize,
    /// Median, milliseconds.
    pub p50_ms: i64,
    /// 90th percentile, milliseconds.
    pub p90_ms: i64,
    /// 99th percentile, milliseconds.
    pub p99_ms: i64,
}

/// The statistics of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsReport {
    /// The start of the period.
    pub since: DateTime<Utc>,
    /// All contacts ever seen.
    pub contacts: i64,
    /// Messages by `day` (UTC) and `direction`.
    pub messages_by_day: Vec<Tally>,
    /// Messages by `direction` and `status`.
    pub messages_by_status: Vec<Tally>,
    /// Menu events (`node_entered`, `option_chosen`, `form_completed`, …) by `event` and `node`.
    pub menu_usage: Vec<Tally>,
    /// Conversations that went quiet, by the `node` they were left at.
    pub drop_off: Vec<Tally>,
    /// Reply times.
    pub response_times: ReplyTimes,
    /// Outbound messages by `outcome` (`pending`, `sent`, `sandboxed`, `delivered`, `read`, `failed`) and error
    /// `class` (`none` unless failed).
    pub send_outcomes: Vec<Tally>,
}

fn tallies(counts: Vec<Count>, names: &[&'static str]) -> Vec<Tally> {
    counts
        .into_iter()
        .map(|count| Tally {
            labels: names.iter().copied().zip(count.labels).collect(),
            count: count.count,
        })
        .collect()
}

/// Outbound messages by status, with failures split by the class of their error code.
fn send_outcomes(stats: &Stats) -> Vec<Tally> {
    let mut outcomes: BTreeMap<(String, &'static str), i64> = BTreeMap::new();
    for count in &stats.messages_by_status {
        if let [direction, status] = count.labels.as_slice()
            && direction == "out"
            && status != "failed"
        {
            *outcomes.entry((status.clone(), "none")).or_default() += count.count;
        }
    }
    for count in &stats.failures_by_code {
        let class = count
            .labels
            .first()
            .and_then(|code| code.parse::<i64>().ok())
            .map_or("unknown", |code| class_of_code(code).as_str());
        *outcomes.entry(("failed".to_owned(), class)).or_default() += count.count;
    }
    outcomes
        .into_iter()
        .map(|((outcome, class), count)| Tally {
            labels: BTreeMap::from([("outcome", outcome), ("class", class.to_owned())]),
            count,
        })
        .collect()
}

/// Reports the statistics of the last `days` days.
#[utoipa::path(
    get,
    path = "/api/stats",
    tag = "stats",
    params(Period),
    responses(
        (status = 200, description = "The statistics", body = StatsReport),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "Bad number of days", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn stats<S: Statistics + 'static>(
    state: web::Data<AdminState<S>>,
    period: web::Query<Period>,
) -> Result<HttpResponse, ApiError> {
    let days = match &period.days {
        None => 7,
        Some(days) => days
            .parse::<i64>()
            .ok()
            .filter(|days| (1..=366).contains(days))
            .ok_or_else(|| ApiError::invalid("days", "must be a number from 1 to 366"))?,
    };
    let now = utc_now();
    let since = now - TimeDelta::days(days);
    let stats = state
        .store
        .stats(since, now - state.idle_after)
        .await
        .map_err(ApiError::Unavailable)?;
    let send_outcomes = send_outcomes(&stats);
    let times = stats.response_times;
    Ok(HttpResponse::Ok().json(StatsReport {
        since,
        contacts: stats.contacts,
        messages_by_day: tallies(stats.messages_by_day, &["day", "direction"]),
        messages_by_status: tallies(stats.messages_by_status, &["direction", "status"]),
        menu_usage: tallies(stats.menu_events, &["event", "node"]),
        drop_off: tallies(stats.drop_off, &["node"]),
        response_times: ReplyTimes {
            count: times.count,
            p50_ms: times.p50_ms,
            p90_ms: times.p90_ms,
            p99_ms: times.p99_ms,
        },
        send_outcomes,
    }))
}
