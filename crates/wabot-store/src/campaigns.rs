//! [`Campaigns`] for [`DieselStore`]: a campaign and its recipient rows created in one write (in
//! batches of inserts; opted-out contacts stored skipped), its progress counted from the recipients
//! joined to their messages, pause/resume/cancel, audiences chosen by a filter, and the marketing
//! opt-out of a contact. Feeding is in `campaign_feed`, the templates in `templates`.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    AccountUpdate, AudienceFilter, CampaignAction, CampaignCounts, CampaignProgress, CampaignState,
    Campaigns, ContactIds, FeedRound, NewCampaign, SkipReason, StoreError, SyncedTemplate,
    TemplateRecord, failure_class,
};

use wabot_engine::OrderStatus;

use crate::campaign_feed;
use crate::connection::AnyConnection;
use crate::schema::{campaign_recipients, campaigns, contacts, messages, orders, templates};
use crate::sql::{TxError, naive, per_backend, utc};
use crate::states::RecipientState;
use crate::store::DieselStore;

/// Recipient rows per INSERT (7 values each: well under SQLite's 32,766 bound parameters).
const INSERT_BATCH: usize = 2_000;

fn create(
    connection: &mut AnyConnection,
    campaign: &NewCampaign,
    now: DateTime<Utc>,
) -> Result<i64, TxError> {
    let template = crate::templates::load(connection, campaign.template_id)?;
    if !template.approved() {
        return Err(StoreError::Conflict(format!(
            "template {} ({}) is {}, not APPROVED",
            template.name, template.language, template.status
        ))
        .into());
    }
    let opted_out: HashSet<String> = if template.marketing() {
        contacts::table
            .filter(contacts::marketing_opt_out_at.is_not_null())
            .filter(contacts::wa_id.is_not_null())
            .select(contacts::wa_id.assume_not_null())
            .load::<String>(connection)?
            .into_iter()
            .collect()
    } else {
        HashSet::new()
    };
    let row = (
        campaigns::name.eq(&campaign.name),
        campaigns::template_id.eq(campaign.template_id),
        campaigns::state.eq(CampaignState::Running.as_str()),
        campaigns::messages_per_second.eq(campaign.messages_per_second),
        campaigns::paced_at.eq(naive(campaign.starts_at.max(now))),
        campaigns::starts_at.eq(naive(campaign.starts_at)),
        campaigns::created_at.eq(naive(now)),
        campaigns::recipient_count.eq(i64::try_from(campaign.recipients.len()).unwrap_or(0)),
    );
    let id = per_backend!(connection, |c| diesel::insert_into(campaigns::table)
        .values(row)
        .returning(campaigns::id)
        .get_result::<i64>(c)?);
    for batch in campaign.recipients.chunks(INSERT_BATCH) {
        let rows: Vec<_> = batch
            .iter()
            .map(|recipient| {
                let skipped = match &recipient.body {
                    Err(reason) => Some(*reason),
                    Ok(_) if opted_out.contains(&recipient.wa_id) => Some(SkipReason::OptedOut),
                    Ok(_) => None,
                };
                let state = match skipped {
                    Some(_) => RecipientState::Skipped,
                    None => RecipientState::Pending,
                };
                (
                    campaign_recipients::campaign_id.eq(id),
                    campaign_recipients::wa_id.eq(&recipient.wa_id),
                    campaign_recipients::body.eq(recipient.body.as_deref().unwrap_or("")),
                    campaign_recipients::state.eq(state.as_str()),
                    campaign_recipients::skip_reason.eq(skipped.map(SkipReason::as_str)),
                    campaign_recipients::taken_over.eq(0),
                )
            })
            .collect();
        // A multi-row insert is not expressible through the MultiConnection: once per backend.
        per_backend!(connection, |c| diesel::insert_into(
            campaign_recipients::table
        )
        .values(&rows)
        .execute(c)?);
    }
    Ok(id)
}

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
fn progress(
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

fn control(
    connection: &mut AnyConnection,
    id: i64,
    action: CampaignAction,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let (state, template_id): (String, i64) = campaigns::table
        .find(id)
        .select((campaigns::state, campaigns::template_id))
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
    let state = CampaignState::parse(&state)
        .ok_or_else(|| StoreError::invalid(format!("campaign {id} state")))?;
    let refused = || {
        TxError(StoreError::Conflict(format!(
            "campaign {id} is {}",
            state.as_str()
        )))
    };
    let row = campaigns::table.find(id);
    match (action, state) {
        (CampaignAction::Pause, CampaignState::Running) => {
            diesel::update(row)
                .set(campaigns::state.eq(CampaignState::Paused.as_str()))
                .execute(connection)?;
            campaign_feed::withdraw(connection, id, now)?;
        }
        (CampaignAction::Resume, CampaignState::Paused | CampaignState::Stopped) => {
            let template = crate::templates::load(connection, template_id)?;
            if !template.approved() {
                return Err(StoreError::Conflict(format!(
                    "template {} ({}) is {}: it cannot be sent until Meta approves it again",
                    template.name, template.language, template.status
                ))
                .into());
            }
            diesel::update(row)
                .set((
                    campaigns::state.eq(CampaignState::Running.as_str()),
                    campaigns::stop_reason.eq(None::<String>),
                    campaigns::paced_at.eq(naive(now)),
                ))
                .execute(connection)?;
        }
        (
            CampaignAction::Cancel,
            CampaignState::Running | CampaignState::Paused | CampaignState::Stopped,
        ) => {
            diesel::update(row)
                .set((
                    campaigns::state.eq(CampaignState::Cancelled.as_str()),
                    campaigns::finished_at.eq(naive(now)),
                ))
                .execute(connection)?;
            campaign_feed::withdraw(connection, id, now)?;
            diesel::update(
                campaign_recipients::table
                    .filter(campaign_recipients::campaign_id.eq(id))
                    .filter(campaign_recipients::state.eq(RecipientState::Pending.as_str())),
            )
            .set(campaign_recipients::state.eq(RecipientState::Cancelled.as_str()))
            .execute(connection)?;
        }
        _ => return Err(refused()),
    }
    Ok(())
}

fn audience(
    connection: &mut AnyConnection,
    filter: AudienceFilter,
    now: DateTime<Utc>,
) -> Result<Vec<String>, TxError> {
    let known = contacts::wa_id.is_not_null();
    let ids = match filter {
        AudienceFilter::WroteWithinDays(days) => contacts::table
            .filter(known)
            .filter(contacts::last_inbound_at.ge(naive(now - TimeDelta::days(days.into()))))
            .order(contacts::id)
            .select(contacts::wa_id.assume_not_null())
            .load::<String>(connection)?,
        AudienceFilter::HasOpenOrder => {
            let open: Vec<&str> = OrderStatus::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| s.as_str())
                .collect();
            let with_order = orders::table
                .filter(orders::status.eq_any(open))
                .filter(orders::contact_id.is_not_null())
                .select(orders::contact_id.assume_not_null());
            contacts::table
                .filter(known)
                .filter(contacts::id.eq_any(with_order))
                .order(contacts::id)
                .select(contacts::wa_id.assume_not_null())
                .load::<String>(connection)?
        }
    };
    Ok(ids)
}

fn set_opt_out(
    connection: &mut AnyConnection,
    wa_id: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let ids = ContactIds {
        wa_id: Some(wa_id.to_owned()),
        user_id: None,
    };
    let contact_id = crate::identity::resolve_contact(connection, &ids, None, now, false)?;
    marketing_preference(connection, contact_id, reason, now)
}

/// Opts a contact out of marketing (with the reason) or back in (`None`). An opt-out keeps the
/// time of the first one.
pub(crate) fn marketing_preference(
    connection: &mut AnyConnection,
    contact_id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let row = contacts::table.find(contact_id);
    match reason {
        Some(reason) => diesel::update(row.filter(contacts::marketing_opt_out_at.is_null()))
            .set((
                contacts::marketing_opt_out_at.eq(naive(now)),
                contacts::marketing_opt_out_reason.eq(reason),
            ))
            .execute(connection)?,
        None => diesel::update(row)
            .set((
                contacts::marketing_opt_out_at.eq(None::<NaiveDateTime>),
                contacts::marketing_opt_out_reason.eq(None::<String>),
            ))
            .execute(connection)?,
    };
    Ok(())
}

/// The opt-out reason recorded for a customer who confirmed a stop word.
pub(crate) const STOP_WORD_REASON: &str = "stop_word";
/// The opt-out reason recorded for Meta's `user_preferences` webhook.
const USER_PREFERENCES_REASON: &str = "user_preferences";

/// Applies what a webhook said about the account (idempotent: a re-delivery changes nothing).
pub(crate) fn apply_account_update(
    connection: &mut AnyConnection,
    update: &AccountUpdate,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    match update {
        AccountUpdate::Template(update) => crate::templates::apply_update(connection, update, at),
        AccountUpdate::MarketingPreference { wa_id, opted_out } => {
            let reason = opted_out.then_some(USER_PREFERENCES_REASON);
            set_opt_out(connection, wa_id, reason, at)
        }
    }
}

/// Meta's code for "the customer stopped marketing messages".
pub(crate) const STOPPED_MARKETING: i64 = 131_050;
/// The opt-out reason recorded for it.
pub(crate) const STOPPED_MARKETING_REASON: &str = "meta_131050";

/// A message failed with 131050: its customer is opted out of marketing.
pub(crate) fn opted_out_by_meta(
    connection: &mut AnyConnection,
    wa_message_id: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    let contact: Option<i64> = messages::table
        .filter(messages::wa_message_id.eq(wa_message_id))
        .select(messages::contact_id)
        .first(connection)
        .optional()?;
    match contact {
        Some(contact_id) => marketing_preference(
            connection,
            contact_id,
            Some(STOPPED_MARKETING_REASON),
            utc(at),
        ),
        None => Ok(()),
    }
}

fn one(connection: &mut AnyConnection, id: i64) -> Result<CampaignProgress, TxError> {
    progress(connection, Some(id), 1)?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")).into())
}

impl Campaigns for DieselStore {
    async fn store_templates(
        &self,
        templates: Vec<SyncedTemplate>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.write(move |c| crate::templates::store(c, &templates, now))
            .await
    }

    async fn templates(&self) -> Result<Vec<TemplateRecord>, StoreError> {
        self.read(crate::templates::all).await
    }

    async fn template(
        &self,
        name: &str,
        language: &str,
    ) -> Result<Option<TemplateRecord>, StoreError> {
        let (name, language) = (name.to_owned(), language.to_owned());
        self.read(move |c| crate::templates::by_name(c, &name, &language))
            .await
    }

    async fn audience(
        &self,
        filter: AudienceFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        self.read(move |c| audience(c, filter, now)).await
    }

    async fn create_campaign(
        &self,
        campaign: NewCampaign,
        now: DateTime<Utc>,
    ) -> Result<CampaignProgress, StoreError> {
        let id = self.write(move |c| create(c, &campaign, now)).await?;
        self.read(move |c| one(c, id)).await
    }

    async fn campaigns(&self, limit: i64) -> Result<Vec<CampaignProgress>, StoreError> {
        self.read(move |c| progress(c, None, limit)).await
    }

    async fn campaign(&self, id: i64) -> Result<Option<CampaignProgress>, StoreError> {
        self.read(move |c| Ok(progress(c, Some(id), 1)?.pop()))
            .await
    }

    async fn control_campaign(
        &self,
        id: i64,
        action: CampaignAction,
        now: DateTime<Utc>,
    ) -> Result<CampaignProgress, StoreError> {
        self.write(move |c| control(c, id, action, now)).await?;
        self.read(move |c| one(c, id)).await
    }

    async fn feed_campaigns(
        &self,
        now: DateTime<Utc>,
        window: usize,
    ) -> Result<FeedRound, StoreError> {
        // Most of the time no campaign runs: look on a reader first, so that costs no write.
        let running = self
            .read(move |c| {
                campaigns::table
                    .filter(campaigns::state.eq(CampaignState::Running.as_str()))
                    .filter(campaigns::starts_at.le(naive(now)))
                    .count()
                    .get_result::<i64>(c)
                    .map_err(TxError::from)
            })
            .await?;
        if running == 0 {
            return Ok(FeedRound::default());
        }
        self.write(move |c| campaign_feed::feed(c, now, window))
            .await
    }

    async fn set_marketing_opt_out(
        &self,
        wa_id: &str,
        reason: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let wa_id = wa_id.to_owned();
        self.write(move |c| set_opt_out(c, &wa_id, reason.as_deref(), now))
            .await
    }
}
