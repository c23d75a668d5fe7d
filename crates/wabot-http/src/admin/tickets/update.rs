//! `PATCH /api/tickets/{reference}` `{"status": "...", "note": "...", "by": "..."}`: moves a defect
//! ticket to another status; the history keeps the note and who, and the customer is told in the
//! same transaction (free text in their 24-hour window, else the configured template, else
//! nothing — the answer says which, and why).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wabot_app::{Notified, TicketDesk, TicketUpdate, TicketUpdates, utc_now};
use wabot_engine::TicketStatus;

use crate::admin::handoffs::{object, store_error};
use crate::admin::state::AdminState;
use crate::admin::tickets::ticket_id;
use crate::admin::views::ErrorBody;
use crate::error::ApiError;

/// The longest note: it goes out as a template parameter too (Meta's limit is a little above).
const MAX_NOTE: usize = 1000;

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TicketChange {
    /// The new status: `open`, `in_review`, `awaiting_parts`, `resolved` or `closed`.
    #[schema(value_type = String, example = "awaiting_parts")]
    pub status: Option<String>,
    /// What was done (kept in the history and told to the customer), up to 1000 characters.
    #[schema(example = "The new door panel is ordered; it arrives on Friday.")]
    pub note: Option<String>,
    /// Who made the change (kept in the history); `api` when absent.
    #[schema(example = "ana")]
    pub by: Option<String>,
}

/// What the change did.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketChanged {
    /// The ticket's reference.
    #[schema(example = "DEF-001")]
    pub reference: String,
    /// The status now.
    #[schema(example = "awaiting_parts")]
    pub status: &'static str,
    /// The status before.
    #[schema(example = "open")]
    pub previous_status: &'static str,
    /// How the customer was told: `text` (window open), `template` (window closed, the
    /// configured template) or `not_notified`.
    #[schema(example = "text")]
    pub notified: &'static str,
    /// Why not (with `not_notified`): `same_status`, `window_closed_without_template`,
    /// `no_contact` or `template_invalid`.
    pub reason_code: Option<&'static str>,
    /// Why not, for a person.
    pub reason: Option<String>,
    /// The messages queued (see `GET /api/contacts/{id}/messages`).
    pub message_ids: Vec<i64>,
}

fn status(value: Option<String>) -> Result<TicketStatus, ApiError> {
    let names = || {
        TicketStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let value = value
        .ok_or_else(|| ApiError::invalid("status", format!("is required: one of {}", names())))?;
    TicketStatus::parse(value.trim()).ok_or_else(|| {
        ApiError::invalid(
            "status",
            format!("`{value}` is not a ticket status: use one of {}", names()),
        )
    })
}

fn note(value: Option<String>) -> Result<Option<String>, ApiError> {
    let note = value.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(ApiError::invalid(
            "note",
            format!("is longer than {MAX_NOTE} characters"),
        ));
    }
    Ok(note)
}

/// Changes a ticket's status and tells the customer.
#[utoipa::path(
    patch,
    path = "/api/tickets/{reference}",
    tag = "tickets",
    params(("reference" = String, Path, description = "The ticket's reference, e.g. DEF-001")),
    request_body = TicketChange,
    responses(
        (status = 200, description = "Changed (or, at the same status, the note recorded); how the customer was told", body = TicketChanged),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 404, description = "No ticket with this reference", body = ErrorBody),
        (status = 422, description = "`status` is missing or not a ticket status, or `note` is too long", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_ticket<S: TicketDesk + TicketUpdates + 'static>(
    state: web::Data<AdminState<S>>,
    reference: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let change: TicketChange = object(&body)?;
    let status = status(change.status)?;
    let note = note(change.note)?;
    let by = change
        .by
        .map(|b| b.trim().chars().take(100).collect::<String>())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "api".to_owned());
    let id = ticket_id(&state.store, &reference).await?;
    let changed = state
        .ticket_mover
        .change(TicketUpdate {
            ticket_id: id,
            status,
            note,
            by,
            at: utc_now(),
        })
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("ticket {reference}")))?;
    if !changed.message_ids.is_empty() {
        (state.wake_senders)();
    }
    let (notified, why) = match &changed.notified {
        Notified::Text => ("text", None),
        Notified::Template => ("template", None),
        Notified::NotNotified(why) => ("not_notified", Some(why)),
    };
    tracing::info!(
        ticket = id,
        status = status.as_str(),
        notified,
        "ticket status changed"
    );
    Ok(HttpResponse::Ok().json(TicketChanged {
        reference: changed.reference,
        status: status.as_str(),
        previous_status: changed.previous.as_str(),
        notified,
        reason_code: why.map(wabot_app::NotNotified::code),
        reason: why.map(wabot_app::NotNotified::reason),
        message_ids: changed.message_ids,
    }))
}
