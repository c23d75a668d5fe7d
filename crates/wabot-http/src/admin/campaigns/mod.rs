//! `/api/campaigns`: template broadcasts — create one (a JSON audience or a CSV body), list them,
//! show one with its counts and ETA, pause/resume/cancel. One handler per file; the views and the
//! error mapping here. How campaigns work: `docs/campaigns.md`.

pub mod control;
pub mod create;
pub mod list;
pub mod show;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::{CampaignProgress, CampaignState, LaunchError, eta};

use crate::error::ApiError;

/// How a campaign's recipients stand: each is counted once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsView {
    /// Recipients.
    pub total: i64,
    /// Not fed to the outbox yet.
    pub waiting: i64,
    /// In the outbox, not accepted by Meta yet.
    pub queued: i64,
    /// Accepted by Meta, no later status yet.
    pub sent: i64,
    /// Delivered, not read yet.
    pub delivered: i64,
    /// Read.
    pub read: i64,
    /// Failed, by error class: `stopped_marketing` (131050: the customer is now opted out),
    /// `marketing_limit` (131049), `experiment` (130472), `undeliverable` (131026), else `code_<n>`.
    #[schema(value_type = Object, example = json!({"marketing_limit": 2}))]
    pub failed: BTreeMap<String, i64>,
    /// Skipped, by reason: `opted_out`, `invalid`, `duplicate`.
    #[schema(value_type = Object, example = json!({"opted_out": 1}))]
    pub skipped: BTreeMap<String, i64>,
    /// Never fed: the campaign was cancelled first.
    pub cancelled: i64,
    /// Sends under way when their sender died, sent again after restart: these customers may
    /// have the template twice.
    pub resent_after_crash: i64,
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignView {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The template's name.
    pub template: String,
    /// The template's language.
    pub language: String,
    /// `running`, `paused`, `stopped` (its template was paused or disabled), `cancelled`, `completed`.
    #[schema(value_type = String, example = "running")]
    pub state: CampaignState,
    /// Why it stopped.
    pub stop_reason: Option<String>,
    /// Its pace.
    pub messages_per_second: f64,
    /// Until when it goes at half pace (Meta throttled it).
    pub slowed_until: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Feeding begins at.
    pub starts_at: DateTime<Utc>,
    /// Completed or cancelled at.
    pub finished_at: Option<DateTime<Utc>>,
    /// When it should be done at its pace (while running).
    pub eta: Option<DateTime<Utc>>,
    /// The counts.
    pub counts: CountsView,
}

impl CampaignView {
    /// The view of a campaign at `now`.
    pub fn new(progress: CampaignProgress, now: DateTime<Utc>) -> Self {
        let eta = eta(&progress, now);
        let c = progress.counts;
        Self {
            id: progress.id,
            name: progress.name,
            template: progress.template,
            language: progress.language,
            state: progress.state,
            stop_reason: progress.stop_reason,
            messages_per_second: progress.messages_per_second,
            slowed_until: progress.slowed_until,
            created_at: progress.created_at,
            starts_at: progress.starts_at,
            finished_at: progress.finished_at,
            eta,
            counts: CountsView {
                total: c.total,
                waiting: c.waiting,
                queued: c.queued,
                sent: c.sent,
                delivered: c.delivered,
                read: c.read,
                failed: c.failed,
                skipped: c.skipped,
                cancelled: c.cancelled,
                resent_after_crash: c.resent_after_crash,
            },
        }
    }
}

/// A launch error: a wrong request is a 422 naming the field.
pub fn launch_error(error: LaunchError) -> ApiError {
    match error {
        LaunchError::Invalid { field, message } => ApiError::invalid(field, message),
        LaunchError::Store(error) => ApiError::from_store(error),
    }
}
