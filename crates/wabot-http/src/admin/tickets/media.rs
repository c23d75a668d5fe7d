//! `GET /api/tickets/{reference}/media/{n}`: file `n` of a ticket as kept, with its MIME type,
//! `X-Content-Type-Options: nosniff`, a sandboxing Content-Security-Policy, and a
//! Content-Disposition naming it `<reference>-<n>.<ext>` (inline for images, else attachment).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use wabot_app::{MediaJobs, MediaState, TicketDesk, media_extension};

use crate::admin::handoffs::store_error;
use crate::admin::state::AdminState;
use crate::admin::tickets::ticket_id;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// The response that serves kept bytes of `mime_type` as `name`.
fn file_response(bytes: Vec<u8>, mime_type: &str, name: &str) -> HttpResponse {
    let disposition = if mime_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let content_type = HeaderValue::from_str(mime_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(bytes)
}

/// Serves one of a ticket's files.
#[utoipa::path(
    get,
    path = "/api/tickets/{reference}/media/{n}",
    tag = "tickets",
    params(
        ("reference" = String, Path, description = "The ticket's reference, e.g. DEF-001"),
        ("n" = i32, Path, description = "The file's number on the ticket, from 1"),
    ),
    responses(
        (status = 200, description = "The file, with its MIME type", content_type = "application/octet-stream"),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No such ticket or file, or the file is not kept (yet, or its download failed: see the ticket's `media`)", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn ticket_media<S: TicketDesk + MediaJobs + 'static>(
    state: web::Data<AdminState<S>>,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (reference, n) = path.into_inner();
    let id = ticket_id(&state.store, &reference).await?;
    let what = format!("file {n} of ticket {reference}");
    let media = state.store.ticket_media(id).await.map_err(store_error)?;
    let kept = media
        .into_iter()
        .find(|m| m.n == n && m.state == MediaState::Stored)
        .ok_or_else(|| ApiError::NotFound(what.clone()))?;
    let (Some(sha256), Some(mime_type)) = (kept.sha256, kept.mime_type) else {
        return Err(ApiError::NotFound(what));
    };
    let bytes = (state.read_media)(sha256)
        .await
        .map_err(ApiError::Unavailable)?
        .ok_or_else(|| ApiError::NotFound(format!("{what} (missing from the media folder)")))?;
    let name = format!(
        "{}-{n}.{}",
        reference.trim().to_uppercase(),
        media_extension(&mime_type)
    );
    Ok(file_response(bytes, &mime_type, &name))
}
