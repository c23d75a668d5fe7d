//! [`BusinessRecords`] for [`DieselStore`]: the business's orders and schedule entries by their
//! business keys (`orders.number`, `schedule_entries.reference`, migration 000017), written in
//! batches by `record_upsert` and read back with `business`'s row code, the same the engine's
//! `BusinessData` reads them with. A customer's records are those written for any form of its
//! number or id, and those linked to its contact.

use chrono::NaiveDate;
use diesel::prelude::*;
use wabot_app::{
    BusinessRecords, Customer, OrderRecord, ScheduleRecord, StoreError, StoredOrder,
    StoredScheduleEntry, WriteCounts,
};

use crate::business::{EntryRow, OrderRow, entry, order};
use crate::connection::AnyConnection;
use crate::record_upsert::{contacts_of, put_orders, put_schedule};
use crate::schema::{orders, schedule_entries};
use crate::sql::TxError;
use crate::store::DieselStore;

type OrderWithOwner = (String, Option<i64>, OrderRow);
type EntryWithOwner = (Option<String>, String, Option<i64>, EntryRow);

fn stored_order((customer, contact_id, row): OrderWithOwner) -> Result<StoredOrder, TxError> {
    Ok(StoredOrder {
        customer,
        contact_id,
        order: order(row)?,
    })
}

fn stored_entry(
    (reference, customer, contact_id, row): EntryWithOwner,
) -> Result<StoredScheduleEntry, TxError> {
    Ok(StoredScheduleEntry {
        reference,
        customer,
        contact_id,
        entry: entry(row)?,
    })
}

/// The customer's stored forms, and its contact's id when it has a contact (-1 matches no row).
fn owner(
    connection: &mut AnyConnection,
    customer: &Customer,
) -> Result<(Vec<String>, i64), TxError> {
    let contact = contacts_of(connection, [customer])?;
    let contact_id = contact.get(customer.key()).copied().unwrap_or(-1);
    Ok((customer.keys(), contact_id))
}

impl BusinessRecords for DieselStore {
    async fn put_orders(
        &self,
        records: Vec<OrderRecord>,
        today: NaiveDate,
    ) -> Result<WriteCounts, StoreError> {
        self.write(move |connection| put_orders(connection, records, today))
            .await
    }

    async fn delete_order(&self, number: &str) -> Result<bool, StoreError> {
        let number = number.to_owned();
        self.write(move |connection| {
            let deleted = diesel::delete(orders::table.filter(orders::number.eq(number)))
                .execute(connection)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn stored_order(&self, number: &str) -> Result<Option<StoredOrder>, StoreError> {
        let number = number.to_owned();
        self.read(move |connection| {
            let row: Option<OrderWithOwner> = orders::table
                .filter(orders::number.eq(number))
                .select((orders::customer, orders::contact_id, OrderRow::as_select()))
                .first(connection)
                .optional()?;
            row.map(stored_order).transpose()
        })
        .await
    }

    async fn customer_orders(
        &self,
        customer: &Customer,
        limit: i64,
    ) -> Result<Vec<StoredOrder>, StoreError> {
        let customer = customer.clone();
        self.read(move |connection| {
            let (keys, contact_id) = owner(connection, &customer)?;
            let rows: Vec<OrderWithOwner> = orders::table
                .filter(
                    orders::customer
                        .eq_any(keys)
                        .or(orders::contact_id.eq(contact_id)),
                )
                .order((orders::placed_on.desc(), orders::number.desc()))
                .limit(limit)
                .select((orders::customer, orders::contact_id, OrderRow::as_select()))
                .load(connection)?;
            rows.into_iter().map(stored_order).collect()
        })
        .await
    }

    async fn put_schedule(&self, records: Vec<ScheduleRecord>) -> Result<WriteCounts, StoreError> {
        self.write(move |connection| put_schedule(connection, records))
            .await
    }

    async fn delete_schedule_entry(&self, reference: &str) -> Result<bool, StoreError> {
        let reference = reference.to_owned();
        self.write(move |connection| {
            let deleted = diesel::delete(
                schedule_entries::table.filter(schedule_entries::reference.eq(reference)),
            )
            .execute(connection)?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn stored_schedule_entry(
        &self,
        reference: &str,
    ) -> Result<Option<StoredScheduleEntry>, StoreError> {
        let reference = reference.to_owned();
        self.read(move |connection| {
            let row: Option<EntryWithOwner> = schedule_entries::table
                .filter(schedule_entries::reference.eq(reference))
                .select((
                    schedule_entries::reference,
                    schedule_entries::customer,
                    schedule_entries::contact_id,
                    EntryRow::as_select(),
                ))
                .first(connection)
                .optional()?;
            row.map(stored_entry).transpose()
        })
        .await
    }

    async fn customer_schedule(
        &self,
        customer: &Customer,
        limit: i64,
    ) -> Result<Vec<StoredScheduleEntry>, StoreError> {
        let customer = customer.clone();
        self.read(move |connection| {
            let (keys, contact_id) = owner(connection, &customer)?;
            let rows: Vec<EntryWithOwner> = schedule_entries::table
                .filter(
                    schedule_entries::customer
                        .eq_any(keys)
                        .or(schedule_entries::contact_id.eq(contact_id)),
                )
                .order((
                    schedule_entries::day,
                    schedule_entries::starts,
                    schedule_entries::id,
                ))
                .limit(limit)
                .select((
                    schedule_entries::reference,
                    schedule_entries::customer,
                    schedule_entries::contact_id,
                    EntryRow::as_select(),
                ))
                .load(connection)?;
            rows.into_iter().map(stored_entry).collect()
        })
        .await
    }
}
