//! `POST /api/messages`: queue a text or template message through the outbox (same pacing, retries
//! and status tracking as replies). Free text needs the customer's 24-hour window to be open; a
//! template is checked against the synced one first (`template_check`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::Value;
use wabot_app::{
    Campaigns, ManualMessage, OutboundDraft, OutboundKind, Outreach, Queued, phone_number, utc_now,
};
use wabot_cloud_api::{BuildError, OutboundMessage, Template, TemplateComponent};

use crate::admin::state::AdminState;
use crate::admin::views::{Accepted, ErrorBody};
use crate::error::ApiError;

// The handler deserializes exactly the types the document shows. Their required strings are
// `Option`s so that a missing one is a 422 naming it (serde's "missing field" error would name only
// the object around it); the document shows them as required strings, which the handler enforces.

/// A message to send: `to` and exactly one of `text` or `template`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SendMessage {
    /// The recipient's phone number in international format (`+` optional, spaces and dashes ignored).
    #[schema(value_type = String, example = "15551234567")]
    to: Option<String>,
    /// Free text (1–4096 characters); only within 24 hours of the customer's last message.
    #[schema(example = "Your order ORD-001 has shipped.")]
    text: Option<String>,
    /// An approved template, allowed at any time.
    template: Option<TemplateRequest>,
}

/// An approved message template and its parameters.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(expecting = "an object")]
pub struct TemplateRequest {
    /// The template's name.
    #[schema(value_type = String, example = "order_update")]
    name: Option<String>,
    /// Its language code.
    #[schema(value_type = String, example = "en_US")]
    language: Option<String>,
    /// The Cloud API components (`header`, `body`, `button`) with their parameters.
    #[schema(value_type = Option<Vec<Object>>)]
    components: Option<Vec<TemplateComponent>>,
}

/// The body's field names for a builder's JSON path.
fn field_of(error: &BuildError) -> String {
    let path = match error {
        BuildError::Empty { field }
        | BuildError::TooLong { field, .. }
        | BuildError::Count { field, .. }
        | BuildError::Duplicate { field, .. }
        | BuildError::Invalid { field, .. } => field.as_str(),
    };
    match path {
        "text.body" => "text".to_owned(),
        "template.language.code" => "template.language".to_owned(),
        other => other.to_owned(),
    }
}

fn built(result: Result<OutboundMessage, BuildError>) -> Result<OutboundMessage, ApiError> {
    result.map_err(|error| ApiError::invalid(field_of(&error), error.to_string()))
}

/// Reads the body as a [`SendMessage`]: 400 unless it is a JSON object, else 422 naming the field
/// serde stopped at (`to`, `template.components[0].parameters`, …).
fn parse(body: &[u8]) -> Result<SendMessage, ApiError> {
    let body: Value =
        serde_json::from_slice(body).map_err(|error| ApiError::InvalidBody(error.to_string()))?;
    if !body.is_object() {
        return Err(ApiError::InvalidBody("expected an object".into()));
    }
    serde_path_to_error::deserialize(body)
        .map_err(|error| ApiError::invalid(error.path().to_string(), error.inner().to_string()))
}

/// The recipient as a WhatsApp id: digits only, 6–15 of them (E.164).
pub(crate) fn recipient(to: Option<&str>) -> Result<String, ApiError> {
    let to = to.ok_or_else(|| ApiError::invalid("to", "is required"))?;
    phone_number(to).ok_or_else(|| {
        ApiError::invalid(
            "to",
            "must be a phone number in international format, e.g. +15551234567",
        )
    })
}

fn template(to: &str, request: TemplateRequest) -> Result<OutboundMessage, ApiError> {
    let name = request
        .name
        .ok_or_else(|| ApiError::invalid("template.name", "is required"))?;
    let language = request
        .language
        .ok_or_else(|| ApiError::invalid("template.language", "is required, e.g. en_US"))?;
    let template = request
        .components
        .into_iter()
        .flatten()
        .fold(Template::new(&name, &language), Template::with);
    built(OutboundMessage::template(to, template))
}

/// Reads and checks the request into a message for the outbox.
fn manual_message(body: &[u8]) -> Result<ManualMessage, ApiError> {
    let request = parse(body)?;
    let to = recipient(request.to.as_deref())?;
    let (message, kind) = match (request.text, request.template) {
        (Some(text), None) => (
            built(OutboundMessage::text(&to, &text))?,
            OutboundKind::Text,
        ),
        (None, Some(template_request)) => {
            (template(&to, template_request)?, OutboundKind::Template)
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "text",
                "give either text or template, not both",
            ));
        }
        (None, None) => return Err(ApiError::invalid("text", "give text or template")),
    };
    let body = serde_json::to_string(&message)
        .map_err(|error| ApiError::InvalidBody(error.to_string()))?;
    Ok(ManualMessage {
        to,
        draft: OutboundDraft { kind, body },
        window_required: kind == OutboundKind::Text,
    })
}

/// Queues a message to a customer.
#[utoipa::path(
    post,
    path = "/api/messages",
    tag = "messages",
    request_body = SendMessage,
    responses(
        (status = 202, description = "Queued in the outbox", body = Accepted),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 409, description = "Free text outside the 24-hour window: send a template", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn send_message<S: Outreach + Campaigns + 'static>(
    state: web::Data<AdminState<S>>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let message = manual_message(&body)?;
    crate::admin::template_check::check(&state.store, &message.draft.body).await?;
    queue_by_hand(&state, message).await
}

/// Queues a message an operator sends (text, template, attachment): 202 with its id, or 409
/// outside the customer's window (checked in the same transaction as the queueing).
pub(crate) async fn queue_by_hand<S: Outreach>(
    state: &AdminState<S>,
    message: ManualMessage,
) -> Result<HttpResponse, ApiError> {
    let to = state.tags.of(&message.to);
    let queued = state
        .store
        .queue_message(message, utc_now())
        .await
        .map_err(ApiError::Unavailable)?;
    match queued {
        Queued::Accepted {
            message_id,
            contact_id,
        } => {
            tracing::info!(
                message = message_id,
                contact = contact_id,
                "message queued by hand"
            );
            (state.wake_senders)();
            Ok(HttpResponse::Accepted().json(Accepted {
                id: message_id,
                contact_id,
                status: "pending",
            }))
        }
        Queued::OutsideWindow { last_inbound_at } => {
            tracing::info!(%to, "free-form message refused: outside the 24-hour window");
            Err(outside_window(last_inbound_at))
        }
    }
}

/// The 409 of a free-form message (text, attachment) outside the customer's 24-hour window.
pub(crate) fn outside_window(last_inbound_at: Option<chrono::DateTime<chrono::Utc>>) -> ApiError {
    let when = last_inbound_at.map_or_else(
        || "has never written to this number".to_owned(),
        |at| format!("last wrote at {}", at.to_rfc3339()),
    );
    ApiError::Conflict(format!(
        "the customer {when}: free-form messages are only allowed within 24 hours of the \
         customer's last message; send an approved template instead"
    ))
}
