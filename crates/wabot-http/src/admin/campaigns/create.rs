//! `POST /api/campaigns`: creates a campaign and all its recipient rows in one transaction. The
//! audience is a JSON list (`recipients`, each with its `parameters`), a filter over contacts
//! (`audience` with one set of `parameters`), or a CSV body (`Content-Type: text/csv`, the other
//! fields in the query string) with a phone column and a column per parameter. Every recipient's
//! values are checked against the synced template first: a problem is a 422 naming the row and
//! the parameter, and nothing is stored.

use std::collections::BTreeMap;

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use wabot_app::{
    Audience, AudienceFilter, AudienceRow, CampaignRequest, Campaigns, launch_campaign, read_csv,
    utc_now,
};

use crate::admin::campaigns::{CampaignView, launch_error};
use crate::admin::handoffs::object;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// A campaign to create (JSON).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignBody {
    /// A name for operators.
    #[schema(value_type = String, example = "Fall sale")]
    name: Option<String>,
    /// The synced template's name.
    #[schema(value_type = String, example = "fall_sale")]
    template: Option<String>,
    /// Its language code.
    #[schema(value_type = String, example = "en_US")]
    language: Option<String>,
    /// Explicit recipients (or give `audience`).
    recipients: Option<Vec<RecipientBody>>,
    /// A filter over contacts (instead of `recipients`).
    audience: Option<AudienceBody>,
    /// With `audience`: the values every recipient gets.
    #[schema(example = json!({"1": "friend", "2": "FALL25"}))]
    parameters: Option<BTreeMap<String, String>>,
    /// When to begin (RFC 3339); now if absent.
    starts_at: Option<DateTime<Utc>>,
    /// Messages per second (default `campaigns.messages_per_second`).
    messages_per_second: Option<f64>,
}

/// One recipient with its template values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    /// The phone number in international format.
    #[schema(value_type = String, example = "15551234567")]
    to: Option<String>,
    /// The values by parameter key (`1`, `2`, a named placeholder, `header.1`, `header.image`,
    /// `button.0`).
    #[schema(example = json!({"1": "Ana", "2": "FALL25"}))]
    parameters: Option<BTreeMap<String, String>>,
}

/// A filter over contacts: exactly one of its fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudienceBody {
    /// Contacts who wrote in the last N days (1–365).
    wrote_within_days: Option<u32>,
    /// Contacts with an open order (not delivered or cancelled).
    has_open_order: Option<bool>,
}

/// The fields of a CSV campaign, in the query string.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvCampaignQuery {
    /// A name for operators.
    name: Option<String>,
    /// The synced template's name.
    template: Option<String>,
    /// Its language code.
    language: Option<String>,
    /// When to begin (RFC 3339).
    starts_at: Option<DateTime<Utc>>,
    /// Messages per second.
    messages_per_second: Option<f64>,
}

fn required(value: Option<String>, field: &str) -> Result<String, ApiError> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::invalid(field, "is required"))
}

fn audience(body: &mut NewCampaignBody) -> Result<Audience, ApiError> {
    match (body.recipients.take(), body.audience.take()) {
        (Some(recipients), None) => {
            if body.parameters.is_some() {
                return Err(ApiError::invalid(
                    "parameters",
                    "with `recipients`, give each recipient its own `parameters`",
                ));
            }
            let mut rows = Vec::with_capacity(recipients.len());
            for (index, recipient) in recipients.into_iter().enumerate() {
                rows.push(AudienceRow {
                    to: required(recipient.to, &format!("recipients[{index}].to"))?,
                    values: recipient.parameters.unwrap_or_default(),
                });
            }
            Ok(Audience::Rows(rows))
        }
        (None, Some(filter)) => {
            let filter = match (filter.wrote_within_days, filter.has_open_order) {
                (Some(days @ 1..=365), None) => AudienceFilter::WroteWithinDays(days),
                (Some(_), None) => {
                    return Err(ApiError::invalid(
                        "audience.wrote_within_days",
                        "must be 1 to 365",
                    ));
                }
                (None, Some(true)) => AudienceFilter::HasOpenOrder,
                _ => {
                    return Err(ApiError::invalid(
                        "audience",
                        "give exactly one of `wrote_within_days` or `has_open_order: true`",
                    ));
                }
            };
            Ok(Audience::Filter {
                filter,
                values: body.parameters.take().unwrap_or_default(),
            })
        }
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "audience",
            "give either `recipients` or `audience`, not both",
        )),
        (None, None) => Err(ApiError::invalid(
            "recipients",
            "give `recipients`, `audience`, or a CSV body",
        )),
    }
}

/// Reads the request: a CSV body with its fields in the query string, or a JSON object.
fn request(http: &HttpRequest, body: &[u8]) -> Result<CampaignRequest, ApiError> {
    let csv = http
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("text/csv"));
    if csv {
        let query = web::Query::<CsvCampaignQuery>::from_query(http.query_string())
            .map_err(|error| ApiError::invalid("query", error.to_string()))?
            .into_inner();
        let rows =
            read_csv(body).map_err(|problem| ApiError::invalid(problem.field, problem.message))?;
        return Ok(CampaignRequest {
            name: required(query.name, "name")?,
            template: required(query.template, "template")?,
            language: required(query.language, "language")?,
            audience: Audience::Rows(rows),
            starts_at: query.starts_at,
            messages_per_second: query.messages_per_second,
        });
    }
    let mut body: NewCampaignBody = object(body)?;
    let audience = audience(&mut body)?;
    Ok(CampaignRequest {
        name: required(body.name, "name")?,
        template: required(body.template, "template")?,
        language: required(body.language, "language")?,
        audience,
        starts_at: body.starts_at,
        messages_per_second: body.messages_per_second,
    })
}

/// Creates a campaign.
#[utoipa::path(
    post,
    path = "/api/campaigns",
    tag = "campaigns",
    params(CsvCampaignQuery),
    request_body(content(
        (NewCampaignBody = "application/json"),
        (String = "text/csv", example = "phone,1,2\n15551234567,Ana,FALL25\n")
    )),
    responses(
        (status = 201, description = "Created: every recipient stored; it begins at `starts_at`", body = CampaignView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid (a recipient's parameter is named `recipients[i].<key>`); nothing was stored", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_campaign<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
    http: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request = request(&http, &body)?;
    let now = utc_now();
    let campaign = launch_campaign(&state.store, request, state.campaigns.pace, now)
        .await
        .map_err(launch_error)?;
    tracing::info!(
        campaign = campaign.id,
        recipients = campaign.counts.total,
        "campaign created"
    );
    Ok(HttpResponse::Created().json(CampaignView::new(campaign, now)))
}
