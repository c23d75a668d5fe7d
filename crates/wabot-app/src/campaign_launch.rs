//! Launching a campaign, the one way the admin API and the CLI both use: the template is found
//! and must be approved, the pace is checked against the limits, the audience (rows, or a filter
//! with one set of values) is checked against the template's parameters before anything is
//! stored, and then the campaign and every recipient row are written in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::campaign_audience::{AudienceRow, recipients};
use crate::campaigns::{AudienceFilter, CampaignProgress, Campaigns, NewCampaign};
use crate::error::StoreError;

/// The pace limits of campaigns (`[campaigns]` settings).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CampaignPace {
    /// The pace of a campaign that names none.
    pub default_per_second: f64,
    /// The most a campaign may ask for (below the number's rate, so replies keep room).
    pub max_per_second: f64,
}

/// Who a new campaign goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Explicit recipients (a JSON list or a CSV), each with its values.
    Rows(Vec<AudienceRow>),
    /// Contacts a filter chooses, all with the same values.
    Filter {
        /// The filter.
        filter: AudienceFilter,
        /// The values every recipient gets.
        values: BTreeMap<String, String>,
    },
}

/// What an operator asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct CampaignRequest {
    /// Its name.
    pub name: String,
    /// The template's name.
    pub template: String,
    /// The template's language code.
    pub language: String,
    /// Who gets it.
    pub audience: Audience,
    /// When to begin (now if absent or past).
    pub starts_at: Option<DateTime<Utc>>,
    /// Its pace, if not the default.
    pub messages_per_second: Option<f64>,
}

/// Why a campaign was not created.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The request is wrong; `field` names what.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`template`, `messages_per_second`, `recipients[3].2`, …).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &str, message: impl Into<String>) -> LaunchError {
    LaunchError::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Checks and creates a campaign.
pub async fn launch_campaign<S: Campaigns>(
    store: &S,
    request: CampaignRequest,
    pace: CampaignPace,
    now: DateTime<Utc>,
) -> Result<CampaignProgress, LaunchError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid(
            "name",
            "give the campaign a name of 1–200 characters",
        ));
    }
    let rate = request
        .messages_per_second
        .unwrap_or(pace.default_per_second);
    if !(rate > 0.0 && rate <= pace.max_per_second) {
        return Err(invalid(
            "messages_per_second",
            format!(
                "must be above 0 and at most {} (campaigns.max_messages_per_second)",
                pace.max_per_second
            ),
        ));
    }
    let template = store
        .template(&request.template, &request.language)
        .await?
        .ok_or_else(|| {
            invalid(
                "template",
                format!(
                    "no template {} in language {} (run `wabot templates sync`?)",
                    request.template, request.language
                ),
            )
        })?;
    if !template.approved() {
        return Err(invalid(
            "template",
            format!(
                "template {} is {}, not APPROVED",
                template.name, template.status
            ),
        ));
    }
    let rows = match request.audience {
        Audience::Rows(rows) => rows,
        Audience::Filter { filter, values } => store
            .audience(filter, now)
            .await?
            .into_iter()
            .map(|to| AudienceRow {
                to,
                values: values.clone(),
            })
            .collect(),
    };
    if rows.is_empty() {
        return Err(invalid("recipients", "the audience is empty"));
    }
    let recipients = recipients(&template, &rows).map_err(|problem| LaunchError::Invalid {
        field: problem.field,
        message: problem.message,
    })?;
    let campaign = NewCampaign {
        name: name.to_owned(),
        template_id: template.id,
        messages_per_second: rate,
        starts_at: request.starts_at.unwrap_or(now).max(now),
        recipients,
    };
    Ok(store.create_campaign(campaign, now).await?)
}
