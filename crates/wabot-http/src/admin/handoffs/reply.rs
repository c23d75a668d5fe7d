//! `POST /api/handoffs/{id}/reply` `{"text": "..."}`: the claiming agent's answer to the customer,
//! sent through the outbox like every message (free text: only inside the 24-hour window).

use actix_web::{HttpResponse, web};
use wabot_app::{HandoffState, Handoffs, Queued, utc_now};

use crate::admin::handoffs::{TextBody, object, required, store_error};
use crate::admin::state::AdminState;
use crate::admin::views::{Accepted, ErrorBody};
use crate::error::ApiError;

/// Sends the claiming agent's reply.
#[utoipa::path(
    post,
    path = "/api/handoffs/{id}/reply",
    tag = "handoffs",
    params(("id" = i64, Path, description = "The handoff's id")),
    request_body = TextBody,
    responses(
        (status = 202, description = "Queued in the outbox", body = Accepted),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No open handoff with this id", body = ErrorBody),
        (status = 409, description = "Nobody has claimed it yet, or the 24-hour window is closed (send a template with POST /api/messages)", body = ErrorBody),
        (status = 422, description = "`text` is missing or too long", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn reply_handoff<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let text = required(object::<TextBody>(&body)?.text, "text", 4096)?;
    let (handoff, _) = state
        .store
        .handoff(id)
        .await
        .map_err(store_error)?
        .filter(|(h, _)| h.state != HandoffState::Closed)
        .ok_or_else(|| ApiError::NotFound(format!("open handoff {id}")))?;
    let agent = handoff.agent.as_deref().ok_or_else(|| {
        ApiError::Conflict(format!("nobody has claimed handoff {id}: claim it first"))
    })?;
    let queued = state
        .handoff_desk
        .reply(&handoff, agent, &text, utc_now())
        .await
        .map_err(store_error)?;
    match queued {
        Queued::Accepted { message_id, contact_id } => {
            (state.wake_senders)();
            Ok(HttpResponse::Accepted().json(Accepted { id: message_id, contact_id, status: "pending" }))
        }
        Queued::OutsideWindow { .. } => Err(ApiError::Conflict(
            "the customer's 24-hour window is closed: send an approved template with POST /api/messages".into(),
        )),
    }
}
