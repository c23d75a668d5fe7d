//! `POST /api/handoffs/{id}/transfer` `{"agent": "<name>"}`: gives the conversation to another
//! agent (recorded with who had it).

use actix_web::{HttpResponse, web};
use wabot_app::{Handoffs, utc_now};

use crate::admin::handoffs::{AgentBody, HandoffView, object, required, store_error};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Transfers a handoff to another agent.
#[utoipa::path(
    post,
    path = "/api/handoffs/{id}/transfer",
    tag = "handoffs",
    params(("id" = i64, Path, description = "The handoff's id")),
    request_body = AgentBody,
    responses(
        (status = 200, description = "Transferred: the handoff as it is now", body = HandoffView),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No open handoff with this id", body = ErrorBody),
        (status = 422, description = "`agent` is missing", body = ErrorBody),
        (status = 409, description = "The conversation changed meanwhile (a new message, another agent): try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn transfer_handoff<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let to = required(object::<AgentBody>(&body)?.agent, "agent", 100)?;
    let now = utc_now();
    let from = state
        .store
        .handoff(id)
        .await
        .map_err(store_error)?
        .and_then(|(h, _)| h.agent);
    let by = from.unwrap_or_else(|| "api".to_owned());
    if !state
        .store
        .transfer(id, &to, &by, now)
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::NotFound(format!("open handoff {id}")));
    }
    let (handoff, _) = state
        .store
        .handoff(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("handoff {id}")))?;
    Ok(HttpResponse::Ok().json(HandoffView::new(handoff, now)))
}
