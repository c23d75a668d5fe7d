//! `templates`: the business's message templates as the last sync read them, kept current by the
//! template webhooks. A template that can no longer be sent (any status but `APPROVED`) stops the
//! running campaigns that send it, with the reason, in the same write.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    CampaignState, StoreError, SyncedTemplate, TemplateChange, TemplateParameter, TemplateRecord,
    TemplateUpdate, parameters_of,
};

use crate::connection::AnyConnection;
use crate::schema::{campaigns, templates};
use crate::sql::{TxError, corrupt_json, naive, utc};

/// The status of a template the last sync no longer listed.
const DELETED: &str = "DELETED";

/// A template as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = templates)]
pub(crate) struct TemplateRow {
    id: i64,
    meta_id: Option<String>,
    name: String,
    language: String,
    category: String,
    status: String,
    quality: Option<String>,
    reason: Option<String>,
    components: String,
    parameter_format: String,
    parameters: String,
    updated_at: NaiveDateTime,
}

impl TemplateRow {
    pub(crate) fn record(self) -> Result<TemplateRecord, TxError> {
        let what = || format!("template {}", self.id);
        let parameters: Vec<TemplateParameter> =
            serde_json::from_str(&self.parameters).map_err(|e| corrupt_json(what(), e))?;
        let components =
            serde_json::from_str(&self.components).map_err(|e| corrupt_json(what(), e))?;
        Ok(TemplateRecord {
            id: self.id,
            meta_id: self.meta_id,
            name: self.name,
            language: self.language,
            category: self.category,
            status: self.status,
            quality: self.quality,
            reason: self.reason,
            parameter_format: self.parameter_format,
            parameters,
            components,
            updated_at: utc(self.updated_at),
        })
    }
}

/// Stores what a sync read; templates no longer listed are marked `DELETED`.
pub(crate) fn store(
    connection: &mut AnyConnection,
    synced: &[SyncedTemplate],
    now: DateTime<Utc>,
) -> Result<usize, TxError> {
    let at = naive(now);
    for template in synced {
        let parameters = parameters_of(&template.components);
        let parameters = serde_json::to_string(&parameters)
            .map_err(|e| StoreError::corrupt("template parameters", e))?;
        let format = match template.parameter_format.as_deref() {
            Some(format) if format.eq_ignore_ascii_case("NAMED") => "named",
            _ => "positional",
        };
        let values = (
            templates::meta_id.eq(&template.meta_id),
            templates::category.eq(template.category.to_ascii_uppercase()),
            templates::status.eq(template.status.to_ascii_uppercase()),
            templates::components.eq(template.components.to_string()),
            templates::parameter_format.eq(format),
            templates::parameters.eq(&parameters),
            templates::synced_at.eq(at),
            templates::updated_at.eq(at),
        );
        let known = templates::table
            .filter(templates::name.eq(&template.name))
            .filter(templates::language.eq(&template.language))
            .select(templates::id)
            .first::<i64>(connection)
            .optional()?;
        match known {
            Some(id) => {
                diesel::update(templates::table.find(id))
                    .set(values)
                    .execute(connection)?;
                stop_campaigns_unless_approved(connection, id)?;
            }
            None => {
                diesel::insert_into(templates::table)
                    .values((
                        templates::name.eq(&template.name),
                        templates::language.eq(&template.language),
                        values,
                    ))
                    .execute(connection)?;
            }
        }
    }
    let gone = diesel::update(templates::table.filter(templates::synced_at.lt(at)))
        .set((templates::status.eq(DELETED), templates::updated_at.eq(at)))
        .execute(connection)?;
    if gone > 0 {
        let ids: Vec<i64> = templates::table
            .filter(templates::synced_at.lt(at))
            .select(templates::id)
            .load(connection)?;
        for id in ids {
            stop_campaigns_unless_approved(connection, id)?;
        }
    }
    Ok(synced.len())
}

/// Applies a template webhook; an unknown template is ignored (a sync will bring it).
pub(crate) fn apply_update(
    connection: &mut AnyConnection,
    update: &TemplateUpdate,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let by_meta_id = match &update.meta_id {
        Some(meta_id) => templates::table
            .filter(templates::meta_id.eq(meta_id))
            .select(templates::id)
            .load::<i64>(connection)?,
        None => Vec::new(),
    };
    let ids = match (&update.name, &update.language, by_meta_id.is_empty()) {
        (Some(name), Some(language), true) => templates::table
            .filter(templates::name.eq(name))
            .filter(templates::language.eq(language))
            .select(templates::id)
            .load::<i64>(connection)?,
        _ => by_meta_id,
    };
    let at = naive(now);
    for id in ids {
        let row = templates::table.find(id);
        match &update.change {
            TemplateChange::Status { status, reason } => {
                // Meta announces a paused template's return as REINSTATED: it is approved again.
                let status = match status.to_ascii_uppercase() {
                    reinstated if reinstated == "REINSTATED" => "APPROVED".to_owned(),
                    other => other,
                };
                diesel::update(row)
                    .set((
                        templates::status.eq(status),
                        templates::reason.eq(reason),
                        templates::updated_at.eq(at),
                    ))
                    .execute(connection)?;
                stop_campaigns_unless_approved(connection, id)?;
            }
            TemplateChange::Quality(quality) => {
                diesel::update(row)
                    .set((templates::quality.eq(quality), templates::updated_at.eq(at)))
                    .execute(connection)?;
            }
            TemplateChange::Category(category) => {
                diesel::update(row)
                    .set((
                        templates::category.eq(category.to_ascii_uppercase()),
                        templates::updated_at.eq(at),
                    ))
                    .execute(connection)?;
            }
        }
    }
    Ok(())
}

/// Stops the running and paused campaigns of a template that is not approved, saying why, and
/// withdraws their messages no sender has claimed.
fn stop_campaigns_unless_approved(
    connection: &mut AnyConnection,
    template_id: i64,
) -> Result<(), TxError> {
    let template = load(connection, template_id)?;
    if template.approved() {
        return Ok(());
    }
    let reason = match &template.reason {
        Some(reason) if !reason.is_empty() && reason != "NONE" => format!(
            "template {} ({}) is {}: {reason}",
            template.name, template.language, template.status
        ),
        _ => format!(
            "template {} ({}) is {}",
            template.name, template.language, template.status
        ),
    };
    let affected: Vec<i64> = campaigns::table
        .filter(campaigns::template_id.eq(template_id))
        .filter(campaigns::state.eq_any([
            CampaignState::Running.as_str(),
            CampaignState::Paused.as_str(),
        ]))
        .select(campaigns::id)
        .load(connection)?;
    for campaign_id in affected {
        diesel::update(campaigns::table.find(campaign_id))
            .set((
                campaigns::state.eq(CampaignState::Stopped.as_str()),
                campaigns::stop_reason.eq(&reason),
            ))
            .execute(connection)?;
        crate::campaign_feed::withdraw(connection, campaign_id)?;
    }
    Ok(())
}

/// One template by id.
pub(crate) fn load(connection: &mut AnyConnection, id: i64) -> Result<TemplateRecord, TxError> {
    templates::table
        .find(id)
        .select(TemplateRow::as_select())
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("template {id}")))?
        .record()
}

/// Every template, by name and language.
pub(crate) fn all(connection: &mut AnyConnection) -> Result<Vec<TemplateRecord>, TxError> {
    templates::table
        .order((templates::name, templates::language))
        .select(TemplateRow::as_select())
        .load(connection)?
        .into_iter()
        .map(TemplateRow::record)
        .collect()
}

/// One template by name and language.
pub(crate) fn by_name(
    connection: &mut AnyConnection,
    name: &str,
    language: &str,
) -> Result<Option<TemplateRecord>, TxError> {
    templates::table
        .filter(templates::name.eq(name))
        .filter(templates::language.eq(language))
        .select(TemplateRow::as_select())
        .first(connection)
        .optional()?
        .map(TemplateRow::record)
        .transpose()
}
