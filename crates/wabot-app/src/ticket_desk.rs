//! Defect tickets as the console shows and moves them: the list by status, one ticket with its
//! history, and a status change by an operator (made by [`crate::TicketMover`], which tells the
//! customer).

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;
use wabot_engine::{Order, TicketStatus, TicketStatusChange};

use crate::error::StoreError;

/// A ticket as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketSummary {
    /// The row id.
    pub id: i64,
    /// The reference the customer quotes (`DEF-001`).
    pub reference: String,
    /// The contact who reported it, when known.
    pub contact_id: Option<i64>,
    /// The customer's key (phone number or user id) as stored with the ticket.
    pub customer: String,
    /// The order concerned, if named.
    pub order_number: Option<String>,
    /// What is wrong, in the customer's words.
    pub description: String,
    /// The WhatsApp media id of the photo, if one was sent.
    pub photo_media_id: Option<String>,
    /// Where it is.
    pub status: TicketStatus,
    /// When it was reported.
    pub opened_at: DateTime<Utc>,
}

/// One ticket in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketDetail {
    /// The ticket.
    pub ticket: TicketSummary,
    /// Every status it went through, oldest first.
    pub history: Vec<TicketStatusChange>,
    /// The order it concerns, when it names one the customer has.
    pub order: Option<Order>,
}

/// An operator's change of a ticket's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketUpdate {
    /// The ticket's row id.
    pub ticket_id: i64,
    /// The new status.
    pub status: TicketStatus,
    /// What was done (kept in the history with who did it).
    pub note: Option<String>,
    /// The operator's name.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The console's tickets.
pub trait TicketDesk: Send + Sync {
    /// Up to `limit` tickets, newest first, with ids below `before` (the previous page's last),
    /// only those at `status` when given.
    fn tickets(
        &self,
        status: Option<TicketStatus>,
        before: Option<i64>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<TicketSummary>, StoreError>> + Send;

    /// How many tickets are at each status (statuses without tickets are absent).
    fn ticket_counts(
        &self,
    ) -> impl Future<Output = Result<Vec<(TicketStatus, i64)>, StoreError>> + Send;

    /// One ticket, with its history and order.
    fn ticket(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<TicketDetail>, StoreError>> + Send;

    /// The id of the ticket with `reference` (as the customer quotes it), if there is one.
    fn ticket_id(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;
}
