//! Upserting a batch of orders or schedule entries written from outside (the admin API, `wabot
//! import`), inside the caller's one write:
//!
//! 1. one query reads the stored rows with the batch's keys (order number, entry reference);
//! 2. one query finds the contacts of the customers that are new to their row (a phone number in
//!    each way its country writes it, or a user id); a row whose customer is unchanged keeps its
//!    contact, so an order stays with the person even after they changed number;
//! 3. rows equal to the stored ones are dropped (counted `unchanged`: nothing is written, so a
//!    re-import changes nothing); the rest go in multi-row `INSERT … ON CONFLICT (key) DO UPDATE`
//!    statements, the same query compiled for each backend (never SQLite's `REPLACE`, which
//!    deletes first).
//!
//! A row whose customer has no contact yet keeps `contact_id` NULL; `identity` gives it to the
//! contact when someone with that number or id first writes.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::upsert::excluded;
use wabot_app::{Customer, OrderRecord, ScheduleRecord, WriteCounts};

use crate::business::day;
use crate::connection::AnyConnection;
use crate::schema::{contacts, orders, schedule_entries};
use crate::sql::{TxError, per_backend};

/// Rows per `INSERT` statement: ten columns each keeps a statement well under SQLite's limit of
/// 32,766 bound values.
const ROWS_PER_STATEMENT: usize = 500;

/// An order's columns, as read to compare and as written (`None` written as NULL: SQLite's
/// multi-row `INSERT` has no `DEFAULT`).
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = orders, treat_none_as_default_value = false)]
pub(crate) struct OrderColumns {
    pub number: String,
    pub customer: String,
    pub contact_id: Option<i64>,
    pub status: String,
    pub items: String,
    pub placed_on: String,
    pub expected_delivery: Option<String>,
    pub tracking_note: Option<String>,
    pub tracking_url: Option<String>,
}

/// A schedule entry's columns, as read to compare and as written.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = schedule_entries, treat_none_as_default_value = false)]
pub(crate) struct EntryColumns {
    pub reference: Option<String>,
    pub customer: String,
    pub contact_id: Option<i64>,
    pub day: String,
    pub starts: String,
    pub ends: String,
    pub kind: String,
    pub status: String,
    pub note: Option<String>,
}

const TIME: &str = "%H:%M";

/// A stored row's customer and contact.
trait Owned {
    fn owned(&self) -> (&str, Option<i64>);
}

impl Owned for OrderColumns {
    fn owned(&self) -> (&str, Option<i64>) {
        (&self.customer, self.contact_id)
    }
}

impl Owned for EntryColumns {
    fn owned(&self) -> (&str, Option<i64>) {
        (&self.customer, self.contact_id)
    }
}

fn owner<T: Owned>(row: &T) -> (&str, Option<i64>) {
    row.owned()
}

/// The contact of each customer among `customers` that has one, by the customer's stored key.
/// Of two contacts (a number written both ways), the one with exactly the written form wins.
pub(crate) fn contacts_of<'a>(
    connection: &mut AnyConnection,
    customers: impl IntoIterator<Item = &'a Customer>,
) -> Result<HashMap<String, i64>, TxError> {
    let mut owner_of_form: HashMap<String, String> = HashMap::new();
    let (mut numbers, mut user_ids) = (Vec::new(), Vec::new());
    for customer in customers {
        for form in customer.keys() {
            owner_of_form.insert(form.clone(), customer.key().to_owned());
            match customer {
                Customer::Phone(_) => numbers.push(form),
                Customer::UserId(_) => user_ids.push(form),
            }
        }
    }
    if owner_of_form.is_empty() {
        return Ok(HashMap::new());
    }
    let found: Vec<(i64, Option<String>, Option<String>)> = contacts::table
        .filter(
            contacts::wa_id
                .eq_any(&numbers)
                .or(contacts::user_id.eq_any(&user_ids)),
        )
        .order(contacts::id)
        .select((contacts::id, contacts::wa_id, contacts::user_id))
        .load(connection)?;
    let mut contact_of = HashMap::new();
    for (id, wa_id, user_id) in found {
        for form in [wa_id, user_id].into_iter().flatten() {
            if let Some(owner) = owner_of_form.get(&form) {
                if form == *owner {
                    contact_of.insert(owner.clone(), id);
                } else {
                    contact_of.entry(owner.clone()).or_insert(id);
                }
            }
        }
    }
    Ok(contact_of)
}

/// Counts a row against the stored one; `Some(row)` when it must be written.
fn classify<T: PartialEq>(stored: Option<&T>, row: T, counts: &mut WriteCounts) -> Option<T> {
    match stored {
        None => counts.created += 1,
        Some(stored) if *stored == row => {
            counts.unchanged += 1;
            return None;
        }
        Some(_) => counts.updated += 1,
    }
    Some(row)
}

/// The contact a row gets: the stored one while the customer is the same, else the customer's
/// (looked up again while the row has none: the person may have written since, from the number's
/// other form).
fn contact_for(
    stored: Option<(&str, Option<i64>)>,
    customer: &Customer,
    found: &HashMap<String, i64>,
) -> Option<i64> {
    match stored {
        Some((stored_customer, Some(id))) if stored_customer == customer.key() => Some(id),
        _ => found.get(customer.key()).copied(),
    }
}

/// Whether a row's contact must be looked up: a new row, a new customer, or no contact yet.
fn needs_contact(stored: Option<(&str, Option<i64>)>, customer: &Customer) -> bool {
    !matches!(stored, Some((key, Some(_))) if key == customer.key())
}

/// Upserts orders by number (distinct within `records`).
pub(crate) fn put_orders(
    connection: &mut AnyConnection,
    records: Vec<OrderRecord>,
    today: NaiveDate,
) -> Result<WriteCounts, TxError> {
    let numbers: Vec<&str> = records.iter().map(|r| r.order.number.as_str()).collect();
    let stored: HashMap<String, OrderColumns> = orders::table
        .filter(orders::number.eq_any(&numbers))
        .select(OrderColumns::as_select())
        .load(connection)?
        .into_iter()
        .map(|row| (row.number.clone(), row))
        .collect();
    let moved = records
        .iter()
        .filter(|r| {
            let old = stored.get(&r.order.number);
            needs_contact(old.map(owner), &r.customer)
        })
        .map(|r| &r.customer);
    let found = contacts_of(connection, moved)?;
    let mut counts = WriteCounts::default();
    let mut rows = Vec::new();
    for OrderRecord {
        customer,
        order,
        placed_on_given,
    } in records
    {
        let old = stored.get(&order.number);
        let placed_on = match old {
            Some(old) if !placed_on_given => old.placed_on.clone(),
            _ if !placed_on_given => day(today),
            _ => day(order.placed_on),
        };
        let row = OrderColumns {
            contact_id: contact_for(old.map(owner), &customer, &found),
            customer: customer.key().to_owned(),
            status: order.status.as_str().to_owned(),
            items: order.items,
            placed_on,
            expected_delivery: order.expected_delivery.map(day),
            tracking_note: order.tracking_note,
            tracking_url: order.tracking_url,
            number: order.number,
        };
        rows.extend(classify(old, row, &mut counts));
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        per_backend!(&mut *connection, |c| diesel::insert_into(orders::table)
            .values(chunk)
            .on_conflict(orders::number)
            .do_update()
            .set((
                orders::customer.eq(excluded(orders::customer)),
                orders::contact_id.eq(excluded(orders::contact_id)),
                orders::status.eq(excluded(orders::status)),
                orders::items.eq(excluded(orders::items)),
                orders::placed_on.eq(excluded(orders::placed_on)),
                orders::expected_delivery.eq(excluded(orders::expected_delivery)),
                orders::tracking_note.eq(excluded(orders::tracking_note)),
                orders::tracking_url.eq(excluded(orders::tracking_url)),
            ))
            .execute(c)?);
    }
    Ok(counts)
}

/// Upserts schedule entries by reference (distinct within `records`).
pub(crate) fn put_schedule(
    connection: &mut AnyConnection,
    records: Vec<ScheduleRecord>,
) -> Result<WriteCounts, TxError> {
    let references: Vec<&str> = records.iter().map(|r| r.reference.as_str()).collect();
    let stored: HashMap<String, EntryColumns> = schedule_entries::table
        .filter(schedule_entries::reference.eq_any(&references))
        .select(EntryColumns::as_select())
        .load(connection)?
        .into_iter()
        .filter_map(|row| Some((row.reference.clone()?, row)))
        .collect();
    let moved = records
        .iter()
        .filter(|r| {
            let old = stored.get(&r.reference);
            needs_contact(old.map(owner), &r.customer)
        })
        .map(|r| &r.customer);
    let found = contacts_of(connection, moved)?;
    let mut counts = WriteCounts::default();
    let mut rows = Vec::new();
    for ScheduleRecord {
        reference,
        customer,
        entry,
    } in records
    {
        let old = stored.get(&reference);
        let row = EntryColumns {
            contact_id: contact_for(old.map(owner), &customer, &found),
            customer: customer.key().to_owned(),
            day: day(entry.date),
            starts: entry.starts.format(TIME).to_string(),
            ends: entry.ends.format(TIME).to_string(),
            kind: entry.kind.as_str().to_owned(),
            status: entry.status.as_str().to_owned(),
            note: entry.note,
            reference: Some(reference),
        };
        rows.extend(classify(old, row, &mut counts));
    }
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        per_backend!(&mut *connection, |c| diesel::insert_into(
            schedule_entries::table
        )
        .values(chunk)
        .on_conflict(schedule_entries::reference)
        .do_update()
        .set((
            schedule_entries::customer.eq(excluded(schedule_entries::customer)),
            schedule_entries::contact_id.eq(excluded(schedule_entries::contact_id)),
            schedule_entries::day.eq(excluded(schedule_entries::day)),
            schedule_entries::starts.eq(excluded(schedule_entries::starts)),
            schedule_entries::ends.eq(excluded(schedule_entries::ends)),
            schedule_entries::kind.eq(excluded(schedule_entries::kind)),
            schedule_entries::status.eq(excluded(schedule_entries::status)),
            schedule_entries::note.eq(excluded(schedule_entries::note)),
        ))
        .execute(c)?);
    }
    Ok(counts)
}
