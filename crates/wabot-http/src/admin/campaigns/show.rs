//! `GET /api/campaigns/{id}`: one campaign with its counts (queued, sent, delivered, read,
//! failed by error class, skipped by reason) and its ETA.

use actix_web::{HttpResponse, web};
use wabot_app::{Campaigns, utc_now};

use crate::admin::campaigns::CampaignView;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Shows one campaign.
#[utoipa::path(
    get,
    path = "/api/campaigns/{id}",
    tag = "campaigns",
    params(("id" = i64, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign with its counts", body = CampaignView),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show_campaign<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let campaign = state
        .store
        .campaign(id)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(|| ApiError::NotFound(format!("campaign {id}")))?;
    Ok(HttpResponse::Ok().json(CampaignView::new(campaign, utc_now())))
}
