//! `POST /api/handoffs/{id}/note` `{"text": "...", "agent": "<name>"}`: an internal note the
//! customer never sees.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;
use wabot_app::{Handoffs, utc_now};

use crate::admin::handoffs::{object, required, store_error};
use crate::admin::state::AdminState;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// A note, and optionally who wrote it (else the claiming agent, else `api`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteBody {
    /// The note (1–4096 characters).
    #[schema(value_type = String, example = "Asked for a refund; checking with the warehouse.")]
    pub text: Option<String>,
    /// Who wrote it.
    #[schema(example = "ana")]
    pub agent: Option<String>,
}

/// Adds an internal note.
#[utoipa::path(
    post,
    path = "/api/handoffs/{id}/note",
    tag = "handoffs",
    params(("id" = i64, Path, description = "The handoff's id")),
    request_body = NoteBody,
    responses(
        (status = 204, description = "Noted"),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No handoff with this id", body = ErrorBody),
        (status = 422, description = "`text` is missing or too long", body = ErrorBody),
        (status = 409, description = "The conversation changed meanwhile (a new message, another agent): try again", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn note_handoff<S: Handoffs + 'static>(
    state: web::Data<AdminState<S>>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let note: NoteBody = object(&body)?;
    let text = required(note.text, "text", 4096)?;
    let by = match note
        .agent
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
    {
        Some(agent) => agent,
        None => state
            .store
            .handoff(id)
            .await
            .map_err(store_error)?
            .and_then(|(h, _)| h.agent)
            .unwrap_or_else(|| "api".to_owned()),
    };
    if !state
        .store
        .note(id, &by, &text, utc_now())
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::NotFound(format!("handoff {id}")));
    }
    Ok(HttpResponse::NoContent().finish())
}
