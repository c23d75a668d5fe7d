//! `/api/tickets/{reference}`: a defect ticket as the customer quotes it — read it (with its
//! history), and move it to another status (the customer is told through the outbox). One handler
//! per file; the views here.

pub mod show;
pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wabot_app::{TicketDesk, TicketDetail};

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
}

impl From<TicketDetail> for TicketView {
    fn from(detail: TicketDetail) -> Self {
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
