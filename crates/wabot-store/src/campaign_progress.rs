//! A campaign's progress: the campaign rows (all, or one) with their counts — the recipients by
//! state and skip reason, and the fed ones by their message's status and error code (one grouped
//! query each, on the recipients' `(campaign_id, state, id)` index and the messages' key).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_app::{CampaignCounts, CampaignProgress, CampaignState, StoreError, failure_class};

use crate::connection::AnyConnection;
use crate::schema::{campaign_recipients, campaigns, messages, templates};
use crate::sql::{TxError, utc};
use crate::states::RecipientState;

type CampaignRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    f64,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// The campaigns (all, or one), newest first, with their counts.
pub(crate) fn progress(
    connection: &mut AnyConnection,
    only: Option<i64>,
    limit: i64,
) -> Result<Vec<CampaignProgress>, TxError> {
    let mut query = campaigns::table
        .inner_join(templates::table)
        .order(campaigns::id.desc())
        .limit(limit)
        .select((
            campaigns::id,
            campaigns::name,
            templates::name,
            templates::language,
            campaigns::state,
            campaigns::stop_reason,
            campaigns::messages_per_second,
            campaigns::slowed_until,
            campaigns::created_at,
            campaigns::starts_at,
            campaigns::finished_at,
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(campaigns::id.eq(id));
    }
    let rows: Vec<CampaignRow> = query.load(connection)?;
    let mut all = Vec::with_capacity(rows.len());
    for row in rows {
        let state = CampaignState::parse(&row.4)
            .ok_or_else(|| StoreError::invalid(format!("campaign {} state {}", row.0, row.4)))?;
        all.push(CampaignProgress {
            id: row.0,
            counts: counts(connection, row.0)?,
            name: row.1,
            template: row.2,
            language: row.3,
            state,
            stop_reason: row.5,
            messages_per_second: row.6,
            slowed_until: row.7.map(utc),
            created_at: utc(row.8),
            starts_at: utc(row.9),
            finished_at: row.10.map(utc),
        });
    }
    Ok(all)
}

/// A campaign's counts: its recipients by state, the fed ones by their message's status.
fn counts(connection: &mut AnyConnection, id: i64) -> Result<CampaignCounts, TxError> {
    let mut counts = CampaignCounts::default();
    let by_state: Vec<(String, Option<String>, i64)> = campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(id))
        .group_by((campaign_recipients::state, campaign_recipients::skip_reason))
        .select((
            campaign_recipients::state,
            campaign_recipients::skip_reason,
            diesel::dsl::count_star(),
        ))
        .load(connection)?;
    for (state, reason, n) in by_state {
        counts.total += n;
        match RecipientState::parse(&state) {
            Some(RecipientState::Pending) => counts.waiting += n,
            Some(RecipientState::Cancelled) => counts.cancelled += n,
            Some(RecipientState::Skipped) => {
                *counts
                    .skipped
                    .entry(reason.unwrap_or_else(|| "unknown".to_owned()))
                    .or_default() += n;
            }
            Some(RecipientState::Queued) | None => {}
        }
    }
    let by_status: Vec<(String, Option<i64>, i64)> = campaign_recipients::table
        .inner_join(messages::table)
        .filter(campaign_recipients::campaign_id.eq(id))
        .filter(campaign_recipients::state.eq(RecipientState::Queued.as_str()))
        .group_by((messages::status, messages::error_code))
        .select((
            messages::status,
            messages::error_code,
            diesel::dsl::count_star(),
        ))
        .load(connection)?;
    for (status, code, n) in by_status {
        match status.as_str() {
            "sent" | "sandboxed" => counts.sent += n,
            "delivered" => counts.delivered += n,
            "read" => counts.read += n,
            "failed" => *counts.failed.entry(failure_class(code)).or_default() += n,
            _ => counts.queued += n,
        }
    }
    counts.resent_after_crash = campaign_recipients::table
        .filter(campaign_recipients::campaign_id.eq(id))
        .filter(campaign_recipients::taken_over.gt(0))
        .count()
        .get_result(connection)?;
    Ok(counts)
}
