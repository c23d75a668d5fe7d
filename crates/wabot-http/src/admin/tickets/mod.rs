//! `/api/tickets/{reference}`: a defect ticket as the customer quotes it — read it (with its
//! history), and move it to another status (the customer is told through the outbox). One handler
//! per file; the views here.

pub mod media;
pub mod show;
pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::{TicketDesk, TicketDetail, TicketMedia};

use crate::admin::handoffs::store_error;
use crate::error::ApiError;

/// One entry of a ticket's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    /// The status it moved to.
    #[schema(example = "in_review")]
    pub status: &'static str,
    /// When.
    pub at: DateTime<Utc>,
    /// What was done, and by whom (`"<note> — by <operator>"`).
    pub note: Option<String>,
}

/// A defect ticket as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    /// The reference the customer quotes.
    #[schema(example = "DEF-001")]
    pub reference: String,
    /// `open`, `in_review`, `awaiting_parts`, `resolved` or `closed`.
    #[schema(example = "open")]
    pub status: &'static str,
    /// The reporting contact's id, when known.
    pub contact_id: Option<i64>,
    /// The customer's key as stored with the ticket (phone number or user id).
    pub customer: String,
    /// The order concerned, if named.
    pub order_number: Option<String>,
    /// What is wrong, in the customer's words.
    pub description: String,
    /// When it was reported.
    pub opened_at: DateTime<Utc>,
    /// Every status it went through, oldest first.
    pub history: Vec<HistoryView>,
    /// Its photos, videos and documents (`GET /api/tickets/{reference}/media/{n}` serves a
    /// `stored` one).
    pub media: Vec<MediaView>,
}

/// One of a ticket's files.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    /// Its number on the ticket, from 1.
    pub n: i32,
    /// `pending` (being downloaded), `stored` or `failed`.
    #[schema(example = "stored")]
    pub state: &'static str,
    /// Its MIME type, once known.
    #[schema(example = "image/jpeg")]
    pub mime_type: Option<String>,
    /// Its size in bytes, once stored.
    pub size: Option<i64>,
    /// Its content's SHA-256 (hex), once stored.
    pub sha256: Option<String>,
    /// Why the download failed (or why the last attempt did).
    pub reason: Option<String>,
}

impl From<TicketMedia> for MediaView {
    fn from(media: TicketMedia) -> Self {
        Self {
            n: media.n,
            state: media.state.as_str(),
            mime_type: media.mime_type,
            size: media.size,
            sha256: media.sha256,
            reason: media.reason,
        }
    }
}

impl TicketView {
    /// The view of a ticket with its files.
    pub fn new(detail: TicketDetail, media: Vec<TicketMedia>) -> Self {
        let ticket = detail.ticket;
        Self {
            reference: ticket.reference,
            status: ticket.status.as_str(),
            contact_id: ticket.contact_id,
            customer: ticket.customer,
            order_number: ticket.order_number,
            description: ticket.description,
            opened_at: ticket.opened_at,
            history: detail
                .history
                .into_iter()
                .map(|change| HistoryView {
                    status: change.status.as_str(),
                    at: change.at,
                    note: change.note,
                })
                .collect(),
            media: media.into_iter().map(MediaView::from).collect(),
        }
    }
}

/// The id of the ticket a path names (its reference, any case): 404 when there is none.
pub async fn ticket_id<S: TicketDesk>(store: &S, reference: &str) -> Result<i64, ApiError> {
    let reference = reference.trim().to_uppercase();
    store
        .ticket_id(&reference)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("ticket {reference}")))
}
