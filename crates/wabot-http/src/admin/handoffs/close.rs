//! `POST /api/handoffs/{id}/close` `{}`: ends the handoff; the customer gets the closing sentence
//! and the main menu, and the bot answers them again.

use actix_web::{HttpResponse, web};
use wabot_app::{Handoffs, utc_now};

use crate::admin::handoffs::store_error;
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// Closes a handoff.
#[utoipa::path(
    post,
    path = "/api/handoffs/{id}/close",
    tag = "handoffs",
    params(("id" = i64, Path, description = "The handoff's id")),
    responses(
        (status = 204, description = "Closed: the bot has the conversation again"),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No open handoff with this id", body = ErrorBody),
        (status = 409, description = "The conversation changed meanwhile (a new message, another agent): try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn close_handoff<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let by = state
        .store
        .handoff(id)
        .await
        .map_err(store_error)?
        .and_then(|(h, _)| h.agent);
    let by = by.unwrap_or_else(|| "api".to_owned());
    if !state
        .handoff_desk
        .close(id, &by, utc_now())
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::NotFound(format!("open handoff {id}")));
    }
    (state.wake_senders)();
    Ok(HttpResponse::NoContent().finish())
}
