//! `GET /api/campaigns`: the latest campaigns, newest first, with their counts.

use actix_web::{HttpResponse, web};
use wabot_app::{Campaigns, utc_now};

use crate::admin::campaigns::CampaignView;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// How many campaigns the list shows.
const LATEST: i64 = 100;

/// Lists the latest 100 campaigns.
#[utoipa::path(
    get,
    path = "/api/campaigns",
    tag = "campaigns",
    responses(
        (status = 200, description = "The latest 100 campaigns, newest first", body = Vec<CampaignView>),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_campaigns<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
) -> Result<HttpResponse, ApiError> {
    let now = utc_now();
    let campaigns = state
        .store
        .campaigns(LATEST)
        .await
        .map_err(ApiError::from_store)?;
    let views: Vec<CampaignView> = campaigns
        .into_iter()
        .map(|c| CampaignView::new(c, now))
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
