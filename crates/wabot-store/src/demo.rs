//! The demo data set: the engine's own in-memory demo (so both always agree), written to the
//! database for the demo customer "Demo Customer". Idempotent: a second run changes nothing.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{ContactIds, StoreError};
use wabot_engine::{DEMO_CUSTOMER, InMemoryBusinessData};

use crate::business::day;
use crate::identity::resolve_contact;
use crate::schema::{defect_ticket_history, defect_tickets, orders, schedule_entries};
use crate::sql::{naive, per_backend};
use crate::store::DieselStore;

/// What [`DieselStore::seed_demo`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeded {
    /// The demo data was written.
    Written,
    /// It was there already; nothing changed.
    AlreadyThere,
}

impl DieselStore {
    /// Writes the demo customer's orders ORD-001 (in transit), ORD-002 (delivered) and ORD-003
    /// (processing), the open ticket DEF-001, and schedule entries today and two days later.
    pub async fn seed_demo(&self, now: DateTime<Utc>) -> Result<Seeded, StoreError> {
        let demo = InMemoryBusinessData::demo(now.date_naive());
        self.write_durable(move |connection| {
            let present = orders::table
                .filter(orders::customer.eq(DEMO_CUSTOMER))
                .filter(orders::number.eq("ORD-001"))
                .count()
                .get_result::<i64>(connection)?;
            if present > 0 {
                return Ok(Seeded::AlreadyThere);
            }
            let ids = ContactIds {
                wa_id: Some(DEMO_CUSTOMER.to_owned()),
                user_id: None,
            };
            let demo_contact =
                resolve_contact(connection, &ids, Some("Demo Customer"), now, false)?;
            // The demo set is the demo customer's; any other customer's rows find their contact
            // when that customer first writes.
            let contact = |customer: &str| (customer == DEMO_CUSTOMER).then_some(demo_contact);
            for (customer, order) in &demo.orders {
                diesel::insert_into(orders::table)
                    .values((
                        orders::customer.eq(customer),
                        orders::contact_id.eq(contact(customer)),
                        orders::number.eq(&order.number),
                        orders::status.eq(order.status.as_str()),
                        orders::items.eq(&order.items),
                        orders::placed_on.eq(day(order.placed_on)),
                        orders::expected_delivery.eq(order.expected_delivery.map(day)),
                        orders::tracking_note.eq(&order.tracking_note),
                    ))
                    .execute(connection)?;
            }
            for (customer, ticket) in &demo.tickets {
                let row = (
                    defect_tickets::reference.eq(&ticket.reference),
                    defect_tickets::customer.eq(customer),
                    defect_tickets::contact_id.eq(contact(customer)),
                    defect_tickets::order_number.eq(&ticket.order),
                    defect_tickets::description.eq(&ticket.description),
                    defect_tickets::photo_media_id.eq(&ticket.photo_media_id),
                    defect_tickets::status.eq(ticket.status.as_str()),
                    defect_tickets::opened_at.eq(naive(ticket.opened_at)),
                );
                let id = per_backend!(connection, |c| diesel::insert_into(defect_tickets::table)
                    .values(row)
                    .returning(defect_tickets::id)
                    .get_result::<i64>(c)?);
                for change in &ticket.history {
                    diesel::insert_into(defect_ticket_history::table)
                        .values((
                            defect_ticket_history::ticket_id.eq(id),
                            defect_ticket_history::status.eq(change.status.as_str()),
                            defect_ticket_history::at.eq(naive(change.at)),
                            defect_ticket_history::note.eq(&change.note),
                        ))
                        .execute(connection)?;
                }
            }
            for (customer, entry) in &demo.schedule {
                diesel::insert_into(schedule_entries::table)
                    .values((
                        schedule_entries::customer.eq(customer),
                        schedule_entries::contact_id.eq(contact(customer)),
                        schedule_entries::day.eq(day(entry.date)),
                        schedule_entries::starts.eq(entry.starts.format("%H:%M").to_string()),
                        schedule_entries::ends.eq(entry.ends.format("%H:%M").to_string()),
                        schedule_entries::kind.eq(entry.kind.as_str()),
                        schedule_entries::status.eq(entry.status.as_str()),
                        schedule_entries::note.eq(&entry.note),
                    ))
                    .execute(connection)?;
            }
            Ok(Seeded::Written)
        })
        .await
    }
}
