//! The business's own records written from outside the conversation: orders and schedule entries
//! loaded by the admin API and by `wabot import`. [`BusinessRecords`] is the port; the records it
//! takes have passed [`crate::record_check`], the one validation both ways in share.
//!
//! Writes are upserts by the record's business key (an order's number, a schedule entry's
//! reference), in batches, each batch one transaction. A record equal to the stored one is left
//! alone and counted `unchanged`, so loading the same data again changes nothing.

use std::future::Future;

use chrono::NaiveDate;
use serde::Serialize;
use wabot_engine::{Order, ScheduleEntry};

use crate::contact_ref::phone_variants;
use crate::error::StoreError;

/// Whose a record is: a phone number in WhatsApp's form (digits, country code first) or a
/// business-scoped user id. Kept on the row as the business wrote it (normalised); the row is
/// linked to the contact with that number or id (see `docs/business-data.md`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Customer {
    /// A phone number, digits only.
    Phone(String),
    /// A business-scoped user id (`US.1349…`).
    UserId(String),
}

impl Customer {
    /// The stored form.
    pub fn key(&self) -> &str {
        match self {
            Self::Phone(number) | Self::UserId(number) => number,
        }
    }

    /// Every stored form that names this customer: a number in each way its country writes it
    /// (Brazil's ninth digit, Mexico's `521`), or the user id.
    pub fn keys(&self) -> Vec<String> {
        match self {
            Self::Phone(number) => phone_variants(number),
            Self::UserId(id) => vec![id.clone()],
        }
    }
}

/// A valid order to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    /// Whose order it is.
    pub customer: Customer,
    /// The order, its number normalised. `placed_on` is the record's or, when it gave none,
    /// [`OrderRecord::placed_on_given`] is false and the store keeps the stored day (today for a
    /// new order).
    pub order: Order,
    /// Whether the record named the day the order was placed.
    pub placed_on_given: bool,
}

/// A valid schedule entry to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleRecord {
    /// The business's key for the entry.
    pub reference: String,
    /// Whose entry it is.
    pub customer: Customer,
    /// The entry.
    pub entry: ScheduleEntry,
}

/// An order as stored, with whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredOrder {
    /// The customer as written with the order (phone number or user id).
    pub customer: String,
    /// The contact it belongs to; `None` until someone with that number or id writes to us.
    pub contact_id: Option<i64>,
    /// The order.
    #[serde(flatten)]
    pub order: Order,
}

/// A schedule entry as stored, with whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredScheduleEntry {
    /// The business's key (absent on entries `seed-demo` wrote).
    pub reference: Option<String>,
    /// The customer as written with the entry.
    pub customer: String,
    /// The contact it belongs to, once known.
    pub contact_id: Option<i64>,
    /// The entry.
    #[serde(flatten)]
    pub entry: ScheduleEntry,
}

/// What a batch of upserts did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    /// Records that were new.
    pub created: u64,
    /// Records that replaced a different stored one.
    pub updated: u64,
    /// Records equal to the stored one: nothing was written.
    pub unchanged: u64,
}

impl WriteCounts {
    /// Adds another batch's counts.
    pub fn add(&mut self, other: WriteCounts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }

    /// How many records were counted.
    pub fn total(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

/// Writing and reading the business's orders and schedule entries by their business keys.
pub trait BusinessRecords: Send + Sync {
    /// Upserts orders by number in one transaction: new ones created, different ones replaced,
    /// equal ones left alone. Numbers must be distinct within the batch. `today` is the day a new
    /// order without `placed_on` was placed.
    fn put_orders(
        &self,
        orders: Vec<OrderRecord>,
        today: NaiveDate,
    ) -> impl Future<Output = Result<WriteCounts, StoreError>> + Send;

    /// Deletes an order; whether there was one.
    fn delete_order(&self, number: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// One order by its normalised number.
    fn stored_order(
        &self,
        number: &str,
    ) -> impl Future<Output = Result<Option<StoredOrder>, StoreError>> + Send;

    /// A customer's orders (written for any of its forms, or linked to its contact), newest first,
    /// at most `limit`.
    fn customer_orders(
        &self,
        customer: &Customer,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<StoredOrder>, StoreError>> + Send;

    /// Upserts schedule entries by reference in one transaction (references distinct).
    fn put_schedule(
        &self,
        entries: Vec<ScheduleRecord>,
    ) -> impl Future<Output = Result<WriteCounts, StoreError>> + Send;

    /// Deletes a schedule entry; whether there was one.
    fn delete_schedule_entry(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// One schedule entry by its reference.
    fn stored_schedule_entry(
        &self,
        reference: &str,
    ) -> impl Future<Output = Result<Option<StoredScheduleEntry>, StoreError>> + Send;

    /// A customer's schedule entries in time order, at most `limit`.
    fn customer_schedule(
        &self,
        customer: &Customer,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<StoredScheduleEntry>, StoreError>> + Send;
}
