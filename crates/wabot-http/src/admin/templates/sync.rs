//! `POST /api/templates/sync`: reads every template of the business account from the Graph API
//! (`GET /{waba-id}/message_templates`, all pages) into the store. A template no longer listed is
//! marked `DELETED`; one no longer approved stops its campaigns.

use actix_web::{HttpResponse, web};
use wabot_app::{Campaigns, utc_now};

use crate::admin::state::{AdminState, TemplateFetchError};
use crate::admin::templates::TemplateView;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Syncs the templates.
#[utoipa::path(
    post,
    path = "/api/templates/sync",
    tag = "campaigns",
    responses(
        (status = 200, description = "Synced: every stored template", body = Vec<TemplateView>),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 409, description = "`meta.waba_id` or `meta.access_token` is not set", body = ErrorBody),
        (status = 502, description = "The Graph API failed (its message says why)", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn sync_templates<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
) -> Result<HttpResponse, ApiError> {
    let fetched = (state.campaigns.fetch_templates)()
        .await
        .map_err(|error| match error {
            TemplateFetchError::NotConfigured(why) => ApiError::Conflict(why),
            TemplateFetchError::Graph(why) => {
                tracing::warn!(error = %why, "template sync failed");
                ApiError::Upstream(format!("the template list could not be read: {why}"))
            }
        })?;
    let count = state
        .store
        .store_templates(fetched, utc_now())
        .await
        .map_err(ApiError::Unavailable)?;
    tracing::info!(templates = count, "templates synced");
    let templates = state
        .store
        .templates()
        .await
        .map_err(ApiError::Unavailable)?;
    let views: Vec<TemplateView> = templates.into_iter().map(TemplateView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
