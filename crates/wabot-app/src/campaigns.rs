//! Campaigns: a template broadcast to many recipients, one durable row per recipient (the unit of
//! exactly-once), fed into the outbox at the campaign's rate with the lowest priority, so replies to
//! customers who are talking go first. The records, the [`Campaigns`] port, and what an operator
//! asks for ([`CampaignAction`], [`AudienceFilter`]). How it fits together: `docs/campaigns.md`.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::templates::{SyncedTemplate, TemplateRecord};

/// Where a campaign is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Feeding its recipients (or waiting for its start time).
    Running,
    /// Paused by an operator: nothing more is fed; resume carries on.
    Paused,
    /// Stopped because its template can no longer be sent (paused or disabled by Meta); resumes
    /// once the template is approved again.
    Stopped,
    /// Cancelled by an operator: its unfed recipients get nothing.
    Cancelled,
    /// Every recipient fed (or skipped).
    Completed,
}

impl CampaignState {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Stopped => "stopped",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Running,
            Self::Paused,
            Self::Stopped,
            Self::Cancelled,
            Self::Completed,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }
}

/// What an operator does to a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignAction {
    /// Stop feeding and withdraw the campaign's messages not yet claimed by a sender.
    Pause,
    /// Feed again (a paused campaign, or a stopped one whose template is approved again).
    Resume,
    /// Stop for good: withdraw what is not yet claimed; the unfed recipients get nothing.
    Cancel,
}

/// One recipient of a new campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecipient {
    /// The WhatsApp id (digits).
    pub wa_id: String,
    /// The `POST /messages` body, or why it is skipped (`invalid`, `duplicate`).
    pub body: Result<String, SkipReason>,
}

/// Why a recipient gets nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Opted out of marketing (at creation or when fed).
    OptedOut,
    /// Not a phone number.
    Invalid,
    /// Listed twice: the first row counts.
    Duplicate,
}

impl SkipReason {
    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OptedOut => "opted_out",
            Self::Invalid => "invalid",
            Self::Duplicate => "duplicate",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::OptedOut, Self::Invalid, Self::Duplicate]
            .into_iter()
            .find(|reason| reason.as_str() == name)
    }
}

/// A campaign to create.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCampaign {
    /// The operator's name for it.
    pub name: String,
    /// The stored template it sends.
    pub template_id: i64,
    /// Its pace (messages per second), at most what replies leave of the number's rate.
    pub messages_per_second: f64,
    /// When feeding may begin.
    pub starts_at: DateTime<Utc>,
    /// Its recipients, in order.
    pub recipients: Vec<NewRecipient>,
}

/// A campaign with its figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignProgress {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The template's name and language.
    pub template: String,
    /// The template's language.
    pub language: String,
    /// Where it is.
    pub state: CampaignState,
    /// Why it stopped (a template paused or disabled), if it did.
    pub stop_reason: Option<String>,
    /// Its pace.
    pub messages_per_second: f64,
    /// Until when 130429 (Meta's throughput limit) halved its pace.
    pub slowed_until: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Feeding begins at.
    pub starts_at: DateTime<Utc>,
    /// Completed or cancelled at.
    pub finished_at: Option<DateTime<Utc>>,
    /// The counts.
    pub counts: CampaignCounts,
}

/// How a campaign's recipients stand. Every recipient is in exactly one of `waiting`, `queued`,
/// `sent`, `delivered`, `read`, `failed` (by error class), `skipped` (by reason) or `cancelled`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CampaignCounts {
    /// Recipients.
    pub total: i64,
    /// Not fed to the outbox yet.
    pub waiting: i64,
    /// In the outbox, not accepted by Meta yet.
    pub queued: i64,
    /// Accepted by Meta (no later status yet).
    pub sent: i64,
    /// Delivered (not read yet).
    pub delivered: i64,
    /// Read.
    pub read: i64,
    /// Failed, by error class (`stopped_marketing` 131050, `marketing_limit` 131049,
    /// `experiment` 130472, `undeliverable` 131026, else `code_<n>`).
    pub failed: BTreeMap<String, i64>,
    /// Skipped, by reason.
    pub skipped: BTreeMap<String, i64>,
    /// Never fed: the campaign was cancelled first.
    pub cancelled: i64,
    /// Sends that were under way when their sender died and were sent again by another (these
    /// recipients may have the template twice).
    pub resent_after_crash: i64,
}

impl CampaignCounts {
    /// Recipients the campaign still has to send to (waiting or queued).
    pub fn remaining(&self) -> i64 {
        self.waiting + self.queued
    }
}

/// The name of a failed campaign message's error code, for the counts.
pub fn failure_class(code: Option<i64>) -> String {
    match code {
        Some(131_050) => "stopped_marketing".to_owned(),
        Some(131_049) => "marketing_limit".to_owned(),
        Some(130_472) => "experiment".to_owned(),
        Some(131_026) => "undeliverable".to_owned(),
        Some(code) => format!("code_{code}"),
        None => "unknown".to_owned(),
    }
}

/// When a running campaign should be done at its pace, or `None` when it is not running.
pub fn eta(progress: &CampaignProgress, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if progress.state != CampaignState::Running || progress.messages_per_second <= 0.0 {
        return None;
    }
    let slowed = progress.slowed_until.is_some_and(|until| until > now);
    let rate = progress.messages_per_second / if slowed { 2.0 } else { 1.0 };
    // Whole milliseconds are precise enough; a count of recipients fits an f64 exactly.
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let millis = (progress.counts.remaining() as f64 / rate * 1000.0).ceil() as i64;
    Some(progress.starts_at.max(now) + chrono::TimeDelta::milliseconds(millis))
}

/// Contacts chosen by what they did, for a campaign's audience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudienceFilter {
    /// Wrote to the business in the last `days` days.
    WroteWithinDays(u32),
    /// Has an order whose status is not `delivered` or `cancelled`.
    HasOpenOrder,
}

/// What one feeding round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeedRound {
    /// Recipients put in the outbox.
    pub fed: usize,
    /// Recipients skipped when fed (opted out since creation).
    pub skipped: usize,
    /// Campaigns that completed.
    pub completed: usize,
    /// Campaigns stopped because their template can no longer be sent.
    pub stopped: usize,
}

/// What a webhook says about the account rather than a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountUpdate {
    /// A template's status, quality or category changed.
    Template(crate::templates::TemplateUpdate),
    /// A customer stopped (`opted_out`) or resumed marketing messages (`user_preferences`).
    MarketingPreference {
        /// The customer's WhatsApp id.
        wa_id: String,
        /// Stopped (`true`) or resumed.
        opted_out: bool,
    },
}

/// Templates and campaigns in storage.
pub trait Campaigns: Send + Sync {
    /// Stores what a sync read (by name and language: new ones added, known ones updated; those
    /// no longer listed are kept, marked `DELETED`); returns how many it stored.
    fn store_templates(
        &self,
        templates: Vec<SyncedTemplate>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;

    /// Every stored template, by name and language.
    fn templates(&self) -> impl Future<Output = Result<Vec<TemplateRecord>, StoreError>> + Send;

    /// One template by name and language.
    fn template(
        &self,
        name: &str,
        language: &str,
    ) -> impl Future<Output = Result<Option<TemplateRecord>, StoreError>> + Send;

    /// The WhatsApp ids of the contacts a filter chooses (opted-out ones included: creation skips
    /// them and counts them).
    fn audience(
        &self,
        filter: AudienceFilter,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Creates a campaign and all its recipient rows in one transaction; recipients opted out of
    /// marketing (for a marketing template) are stored skipped. Returns its progress.
    fn create_campaign(
        &self,
        campaign: NewCampaign,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<CampaignProgress, StoreError>> + Send;

    /// Campaigns, newest first, at most `limit`.
    fn campaigns(
        &self,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<CampaignProgress>, StoreError>> + Send;

    /// One campaign with its counts.
    fn campaign(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<CampaignProgress>, StoreError>> + Send;

    /// Pauses, resumes or cancels a campaign; a move its state does not allow is
    /// [`StoreError::Conflict`], an unknown campaign [`StoreError::NotFound`].
    fn control_campaign(
        &self,
        id: i64,
        action: CampaignAction,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<CampaignProgress, StoreError>> + Send;

    /// One feeding round: for each running campaign that is due, moves as many recipients into
    /// the outbox as its pace allows since the last round, keeping at most `window` of its
    /// messages waiting there; each recipient is marked in the same transaction as its outbox row.
    fn feed_campaigns(
        &self,
        now: DateTime<Utc>,
        window: usize,
    ) -> impl Future<Output = Result<FeedRound, StoreError>> + Send;

    /// Marks a contact (by WhatsApp id; created if unknown) opted out of marketing with a reason,
    /// or opted in again (`reason` `None`).
    fn set_marketing_opt_out(
        &self,
        wa_id: &str,
        reason: Option<String>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
