//! `POST /api/campaigns/{id}/pause`, `…/resume`, `…/cancel`. Pausing or cancelling stops feeding
//! and withdraws the campaign's messages no sender has claimed yet; a send under way finishes.
//! Resuming a campaign stopped by its template needs the template approved again.

use actix_web::{HttpResponse, web};
use wabot_app::{CampaignAction, Campaigns, utc_now};

use crate::admin::campaigns::CampaignView;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Pauses, resumes or cancels a campaign.
#[utoipa::path(
    post,
    path = "/api/campaigns/{id}/{action}",
    tag = "campaigns",
    params(
        ("id" = i64, Path, description = "The campaign's id"),
        ("action" = String, Path, description = "`pause`, `resume` or `cancel`"),
    ),
    responses(
        (status = 200, description = "Done: the campaign as it is now", body = CampaignView),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such campaign or action", body = ErrorBody),
        (status = 409, description = "Its state does not allow it (e.g. resuming a completed campaign, or one whose template is still paused)", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn control_campaign<S: Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = path.into_inner();
    let action = match action.as_str() {
        "pause" => CampaignAction::Pause,
        "resume" => CampaignAction::Resume,
        "cancel" => CampaignAction::Cancel,
        _ => return Err(ApiError::NotFound(format!("campaign action `{action}`"))),
    };
    let now = utc_now();
    let campaign = state
        .store
        .control_campaign(id, action, now)
        .await
        .map_err(ApiError::from_store)?;
    tracing::info!(campaign = id, ?action, "campaign changed by an operator");
    (state.wake_senders)();
    Ok(HttpResponse::Ok().json(CampaignView::new(campaign, now)))
}
