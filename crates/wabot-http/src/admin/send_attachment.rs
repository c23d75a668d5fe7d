//! `POST /api/messages/attachment?to=…&filename=…&caption=…` with the file as the raw body and its
//! type as `Content-Type`: an image (JPEG, PNG) or a document (PDF, Office, text) to a customer —
//! checked against WhatsApp's types and size limits, refused outside the customer's 24-hour window
//! (before anything is uploaded), uploaded to WhatsApp, then queued through the outbox by media id
//! like any message sent by hand. A raw body keeps it one `curl --data-binary @invoice.pdf` away,
//! with no multipart parser and no base64 inflation.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use wabot_app::{
    AttachmentKind, ContactRef, Contacts, ManualMessage, OutboundDraft, OutboundKind, Outreach,
    attachment_kind, utc_now, window_open,
};
use wabot_cloud_api::{MediaKind, MediaObject, OutboundMessage};

use crate::admin::send_message::{outside_window, queue_by_hand, recipient};
use crate::admin::state::AdminState;
use crate::admin::views::{Accepted, ErrorBody};
use crate::error::ApiError;

/// Where the file goes and how it is shown.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// The recipient's phone number in international format.
    #[param(example = "15551234567")]
    to: Option<String>,
    /// The file name the customer sees (documents); defaults to `attachment.<ext>`.
    #[param(example = "invoice-2026-118.pdf")]
    filename: Option<String>,
    /// A caption under the image or document (up to 1024 characters).
    #[param(example = "Your invoice")]
    caption: Option<String>,
}

fn mime_of(request: &HttpRequest) -> Result<String, ApiError> {
    let value = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|value| !value.is_empty());
    value.ok_or_else(|| {
        ApiError::invalid(
            "Content-Type",
            "is required: the file's type, e.g. application/pdf or image/jpeg",
        )
    })
}

/// Checks the file before anything leaves the server: its type, its size, its name and caption.
fn checked(
    mime_type: &str,
    size: usize,
    filename: Option<&str>,
    caption: Option<&str>,
) -> Result<AttachmentKind, ApiError> {
    let (kind, limit) = attachment_kind(mime_type).ok_or_else(|| {
        ApiError::invalid(
            "Content-Type",
            format!(
                "`{mime_type}` cannot be sent: use image/jpeg, image/png, application/pdf, an \
                 Office document or text/plain"
            ),
        )
    })?;
    if size == 0 {
        return Err(ApiError::invalid(
            "body",
            "is empty: send the file as the body",
        ));
    }
    if u64::try_from(size).unwrap_or(u64::MAX) > limit {
        return Err(ApiError::invalid(
            "body",
            format!("is {size} bytes; WhatsApp takes at most {limit} bytes for {mime_type}"),
        ));
    }
    if filename.is_some_and(|f| f.chars().count() > 240) {
        return Err(ApiError::invalid(
            "filename",
            "is longer than 240 characters",
        ));
    }
    if caption.is_some_and(|c| c.chars().count() > 1024) {
        return Err(ApiError::invalid(
            "caption",
            "is longer than 1024 characters",
        ));
    }
    Ok(kind)
}

/// Sends a file to a customer.
#[utoipa::path(
    post,
    path = "/api/messages/attachment",
    tag = "messages",
    params(AttachmentQuery),
    request_body(content = Vec<u8>, description = "The file itself; `Content-Type` says its type", content_type = "application/octet-stream"),
    responses(
        (status = 202, description = "Uploaded to WhatsApp and queued in the outbox", body = Accepted),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 409, description = "Outside the customer's 24-hour window: nothing was uploaded", body = ErrorBody),
        (status = 413, description = "Larger than 100 MB"),
        (status = 422, description = "`to`, `Content-Type` (a type WhatsApp does not take), `body` (empty, or over the type's limit), `filename` or `caption`", body = ErrorBody),
        (status = 502, description = "WhatsApp refused the upload", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn send_attachment<S: Outreach + Contacts + 'static>(
    state: web::Data<AdminState<S>>,
    request: HttpRequest,
    query: web::Query<AttachmentQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let to = recipient(query.to.as_deref())?;
    let mime_type = mime_of(&request)?;
    let caption = query
        .caption
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    let kind = checked(
        &mime_type,
        body.len(),
        query.filename.as_deref(),
        caption.as_deref(),
    )?;
    // The window is checked before the upload (and again, atomically, when the message is queued).
    let known = state
        .store
        .find_contact(ContactRef::Phone(to.clone()))
        .await
        .map_err(ApiError::Unavailable)?;
    let last_inbound_at = known.and_then(|contact| contact.last_inbound_at);
    if !window_open(last_inbound_at, utc_now()) {
        return Err(outside_window(last_inbound_at));
    }
    let filename = query
        .filename
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| format!("attachment.{}", wabot_app::media_extension(&mime_type)));
    let media_id = (state.upload_media)(body.to_vec(), mime_type, filename.clone())
        .await
        .map_err(|failure| ApiError::Upstream(format!("the upload failed: {}", failure.title)))?;
    let (media_kind, filename) = match kind {
        AttachmentKind::Image => (MediaKind::Image, None),
        AttachmentKind::Document => (MediaKind::Document, Some(filename)),
    };
    let media = MediaObject {
        id: Some(media_id),
        link: None,
        caption,
        filename,
    };
    let message = OutboundMessage::media(&to, media_kind, media)
        .map_err(|error| ApiError::invalid("caption", error.to_string()))?;
    let body = serde_json::to_string(&message)
        .map_err(|error| ApiError::InvalidBody(error.to_string()))?;
    let manual = ManualMessage {
        to,
        draft: OutboundDraft {
            kind: OutboundKind::Other,
            body,
        },
        window_required: true,
    };
    queue_by_hand(&state, manual).await
}
