//! [`Campaigns`] for [`DieselStore`]: a campaign and its recipient rows created in one write (in
//! batches of inserts; opted-out contacts stored skipped), pause/resume/cancel, and audiences chosen
//! by a filter. Its progress is read by `campaign_progress`, feeding is in `campaign_feed`, the
//! templates in `templates`, opt-outs in `marketing`.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    AudienceFilter, CampaignAction, CampaignProgress, CampaignState, Campaigns, FeedRound,
    NewCampaign, SkipReason, StoreError, SyncedTemplate, TemplateRecord,
};

use wabot_engine::OrderStatus;

use crate::campaign_feed;
use crate::connection::AnyConnection;
use crate::schema::{campaign_recipients, campaigns, contacts, orders};
use crate::sql::{TxError, naive, per_backend};
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

fn control(
    connection: &mut AnyConnection,
    id: i64,
    action: CampaignAction,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let campaign = campaigns::table
        .find(id)
        .select((campaigns::state, campaigns::template_id));
    // Locked on PostgreSQL, as the feeder locks it: a pause or cancel and a feeding round of the
    // same campaign never interleave.
    let found: Option<(String, i64)> = match connection {
        AnyConnection::Pg(c) => campaign.for_update().first(c).optional()?,
        AnyConnection::Sqlite(c) => campaign.first(c).optional()?,
    };
    let (state, template_id) =
        found.ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
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
            campaign_feed::withdraw(connection, id)?;
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
            campaign_feed::withdraw(connection, id)?;
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

fn one(connection: &mut AnyConnection, id: i64) -> Result<CampaignProgress, TxError> {
    crate::campaign_progress::progress(connection, Some(id), 1)?
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
        self.read(move |c| crate::campaign_progress::progress(c, None, limit))
            .await
    }

    async fn campaign(&self, id: i64) -> Result<Option<CampaignProgress>, StoreError> {
        self.read(move |c| Ok(crate::campaign_progress::progress(c, Some(id), 1)?.pop()))
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
        self.write(move |c| crate::marketing::set_opt_out(c, &wa_id, reason.as_deref(), now))
            .await
    }
}
