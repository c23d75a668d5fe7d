//! `GET /dashboard/tickets/{id}/media/{n}`: a ticket's kept photo, video or document, for signed-in
//! operators (the guard's rule for everything under `/dashboard/tickets`). Served with its type,
//! `nosniff`, a sandboxing Content-Security-Policy (a file a customer sent never runs anything in
//! the console's origin, even opened on its own), and as an attachment unless it is an image (the
//! ticket page shows images inline).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use wabot_app::{MediaJobs, MediaState, media_extension};

use crate::error::ConsoleError;
use crate::state::ConsoleState;

/// Serves file `n` of ticket `id`.
pub async fn file<S: MediaJobs + 'static>(
    state: web::Data<ConsoleState<S>>,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, ConsoleError> {
    let (id, n) = path.into_inner();
    let missing = || ConsoleError::NotFound(format!("file {n} of ticket {id}"));
    let kept = state
        .store
        .ticket_media(id)
        .await?
        .into_iter()
        .find(|m| m.n == n && m.state == MediaState::Stored)
        .ok_or_else(missing)?;
    let (Some(sha256), Some(mime_type)) = (kept.sha256, kept.mime_type) else {
        return Err(missing());
    };
    let bytes = (state.read_media)(sha256).await?.ok_or_else(missing)?;
    let shown = if mime_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let name = format!("ticket-{id}-{n}.{}", media_extension(&mime_type));
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_str(&mime_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{shown}; filename=\"{name}\""),
        ))
        .body(bytes))
}
