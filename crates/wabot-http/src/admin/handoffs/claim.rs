//! `POST /api/handoffs/{id}/claim` `{"agent": "<name>"}`: one agent per conversation; a second
//! claim is refused with 409 naming who has it.

use actix_web::{HttpResponse, web};
use wabot_app::{Claim, Handoffs, utc_now};

use crate::admin::handoffs::{AgentBody, HandoffView, object, required, store_error};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Claims a handoff for an agent.
#[utoipa::path(
    post,
    path = "/api/handoffs/{id}/claim",
    tag = "handoffs",
    params(("id" = i64, Path, description = "The handoff's id")),
    request_body = AgentBody,
    responses(
        (status = 200, description = "Claimed: the handoff as it is now", body = HandoffView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No open handoff with this id", body = ErrorBody),
        (status = 409, description = "Another agent has it", body = ErrorBody),
        (status = 422, description = "`agent` is missing", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn claim_handoff<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let agent = required(object::<AgentBody>(&body)?.agent, "agent", 100)?;
    let now = utc_now();
    match state
        .store
        .claim(id, &agent, now)
        .await
        .map_err(store_error)?
    {
        Claim::Claimed => {
            let (handoff, _) = state
                .store
                .handoff(id)
                .await
                .map_err(store_error)?
                .ok_or_else(|| ApiError::NotFound(format!("handoff {id}")))?;
            Ok(HttpResponse::Ok().json(HandoffView::new(handoff, now)))
        }
        Claim::TakenBy(other) => Err(ApiError::Conflict(format!(
            "handoff {id} is claimed by {other}"
        ))),
        Claim::NotOpen => Err(ApiError::NotFound(format!("open handoff {id}"))),
    }
}
