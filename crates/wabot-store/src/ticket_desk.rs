//! [`TicketDesk`] for [`DieselStore`]: the console's defect tickets (`defect_tickets`, newest first,
//! paged by id, by status on the `defect_tickets_by_status` index), one ticket with its history
//! (`defect_ticket_history`) and the order it names (the reporting contact's order with that
//! number), and an operator's status change. Rows become models with `business`'s code, the same
//! the engine's `BusinessData` reads them with.
//!
//! A status change is one write: the ticket's new status and a history row whose note keeps who
//! made it (`"<note> — by <operator>"`, or `"by <operator>"` without a note).

use diesel::dsl::count_star;
use diesel::prelude::*;
use wabot_app::{StoreError, TicketDesk, TicketDetail, TicketSummary, TicketUpdate};
use wabot_engine::TicketStatus;

use crate::business::{OrderRow, TicketRow, order, ticket_history, ticket_status};
use crate::connection::AnyConnection;
use crate::schema::{defect_ticket_history, defect_tickets, orders};
use crate::sql::{TxError, naive, per_backend, utc};
use crate::store::DieselStore;

fn summary(row: TicketRow) -> Result<TicketSummary, StoreError> {
    Ok(TicketSummary {
        status: ticket_status(&row.status)?,
        id: row.id,
        reference: row.reference,
        contact_id: row.contact_id,
        customer: row.customer,
        order_number: row.order_number,
        description: row.description,
        photo_media_id: row.photo_media_id,
        opened_at: utc(row.opened_at),
    })
}

/// The history note of an operator's change: what they wrote, and who they are.
fn note(update: &TicketUpdate) -> String {
    match update.note.as_deref().map(str::trim) {
        Some(note) if !note.is_empty() => format!("{note} — by {}", update.by),
        _ => format!("by {}", update.by),
    }
}

/// The order a ticket names, when the reporting contact has one with that number.
fn named_order(
    connection: &mut AnyConnection,
    ticket: &TicketSummary,
) -> Result<Option<wabot_engine::Order>, TxError> {
    let (Some(contact_id), Some(number)) = (ticket.contact_id, &ticket.order_number) else {
        return Ok(None);
    };
    let row = orders::table
        .filter(orders::contact_id.eq(contact_id))
        .filter(orders::number.eq(number))
        .select(OrderRow::as_select())
        .first(connection)
        .optional()?;
    Ok(row.map(order).transpose()?)
}

impl TicketDesk for DieselStore {
    async fn tickets(
        &self,
        status: Option<TicketStatus>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<TicketSummary>, StoreError> {
        self.read(move |connection| {
            let rows: Vec<TicketRow> = per_backend!(connection, |c| {
                let mut query = defect_tickets::table
                    .filter(defect_tickets::id.lt(before.unwrap_or(i64::MAX)))
                    .select(TicketRow::as_select())
                    .order(defect_tickets::id.desc())
                    .limit(limit.clamp(1, 1000))
                    .into_boxed();
                if let Some(status) = status {
                    query = query.filter(defect_tickets::status.eq(status.as_str()));
                }
                query.load(c)?
            });
            Ok(rows.into_iter().map(summary).collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn ticket_counts(&self) -> Result<Vec<(TicketStatus, i64)>, StoreError> {
        self.read(move |connection| {
            let rows = defect_tickets::table
                .group_by(defect_tickets::status)
                .select((defect_tickets::status, count_star()))
                .order(defect_tickets::status)
                .load::<(String, i64)>(connection)?;
            Ok(rows
                .into_iter()
                .map(|(status, n)| Ok((ticket_status(&status)?, n)))
                .collect::<Result<_, StoreError>>()?)
        })
        .await
    }

    async fn ticket(&self, id: i64) -> Result<Option<TicketDetail>, StoreError> {
        self.read(move |connection| {
            let Some(row) = defect_tickets::table
                .find(id)
                .select(TicketRow::as_select())
                .first(connection)
                .optional()?
            else {
                return Ok(None);
            };
            let ticket = summary(row)?;
            Ok(Some(TicketDetail {
                history: ticket_history(connection, id)?,
                order: named_order(connection, &ticket)?,
                ticket,
            }))
        })
        .await
    }

    async fn update_ticket(&self, update: TicketUpdate) -> Result<bool, StoreError> {
        self.write(move |connection| {
            let changed = diesel::update(defect_tickets::table.find(update.ticket_id))
                .set(defect_tickets::status.eq(update.status.as_str()))
                .execute(connection)?;
            if changed == 0 {
                return Ok(false);
            }
            diesel::insert_into(defect_ticket_history::table)
                .values((
                    defect_ticket_history::ticket_id.eq(update.ticket_id),
                    defect_ticket_history::status.eq(update.status.as_str()),
                    defect_ticket_history::at.eq(naive(update.at)),
                    defect_ticket_history::note.eq(note(&update)),
                ))
                .execute(connection)?;
            Ok(true)
        })
        .await
    }
}
