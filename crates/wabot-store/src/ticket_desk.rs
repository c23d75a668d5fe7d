//! [`TicketDesk`] for [`DieselStore`]: the console's defect tickets (`defect_tickets`, newest first,
//! paged by id, by status on the `defect_tickets_by_status` index), one ticket with its history
//! (`defect_ticket_history`) and the order it names (the reporting contact's order with that
//! number), and a ticket found by its reference. Rows become models with `business`'s code, the
//! same the engine's `BusinessData` reads them with. Status changes are in `ticket_updates`.

use diesel::dsl::count_star;
use diesel::prelude::*;
use wabot_app::{StoreError, TicketDesk, TicketDetail, TicketSummary};
use wabot_engine::TicketStatus;

use crate::business::{OrderRow, TicketRow, order, ticket_history, ticket_status};
use crate::connection::AnyConnection;
use crate::schema::{defect_tickets, orders};
use crate::sql::{TxError, per_backend, utc};
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

    async fn ticket_id(&self, reference: &str) -> Result<Option<i64>, StoreError> {
        let reference = reference.to_owned();
        self.read(move |connection| {
            Ok(defect_tickets::table
                .filter(defect_tickets::reference.eq(reference))
                .select(defect_tickets::id)
                .first(connection)
                .optional()?)
        })
        .await
    }
}
