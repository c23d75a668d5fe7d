//! `/api/orders` and `/api/schedule`: the business's orders and schedule entries, written by their
//! business keys (an order's number, an entry's reference) and read per customer. Bodies pass the
//! app's one validation (`OrderFields::check`, `ScheduleFields::check`, the same `wabot import`
//! uses); a bad field is a 422 naming it. One handler per file; the views and body reading here.

pub mod order_delete;
pub mod order_put;
pub mod order_show;
pub mod orders_list;
pub mod schedule_delete;
pub mod schedule_list;
pub mod schedule_put;
pub mod schedule_show;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use wabot_app::{Customer, FieldError, StoredOrder, StoredScheduleEntry};

use crate::error::ApiError;

/// An order as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    /// The order number, normalised (`ORD-001`).
    #[schema(example = "ORD-001")]
    pub number: String,
    /// The customer as written with the order: phone number (digits) or business-scoped user id.
    #[schema(example = "15551234567")]
    pub customer: String,
    /// The contact the order belongs to; null until someone with that number or id writes.
    pub contact_id: Option<i64>,
    /// `processing`, `shipped`, `in_transit`, `out_for_delivery`, `delivered` or `cancelled`.
    #[schema(example = "shipped")]
    pub status: String,
    /// What was ordered (may be empty).
    pub items: String,
    /// The day it was placed (`YYYY-MM-DD`).
    #[schema(value_type = String, example = "2026-11-28")]
    pub placed_on: chrono::NaiveDate,
    /// When it should arrive.
    #[schema(value_type = Option<String>, example = "2026-12-03")]
    pub expected_delivery: Option<chrono::NaiveDate>,
    /// The latest word from the carrier.
    pub tracking_note: Option<String>,
    /// The tracking link shown with the order.
    pub tracking_url: Option<String>,
}

impl From<StoredOrder> for OrderView {
    fn from(stored: StoredOrder) -> Self {
        let order = stored.order;
        Self {
            number: order.number,
            customer: stored.customer,
            contact_id: stored.contact_id,
            status: order.status.as_str().to_owned(),
            items: order.items,
            placed_on: order.placed_on,
            expected_delivery: order.expected_delivery,
            tracking_note: order.tracking_note,
            tracking_url: order.tracking_url,
        }
    }
}

/// A schedule entry as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleEntryView {
    /// The business's key for the entry (null for entries `seed-demo` wrote).
    #[schema(example = "VISIT-2291")]
    pub reference: Option<String>,
    /// The customer as written with the entry.
    pub customer: String,
    /// The contact it belongs to, once known.
    pub contact_id: Option<i64>,
    /// `delivery`, `pickup`, `repair` or `appointment`.
    #[schema(example = "repair")]
    pub kind: String,
    /// `planned`, `confirmed`, `completed` or `cancelled`.
    #[schema(example = "confirmed")]
    pub status: String,
    /// The day (`YYYY-MM-DD`).
    #[schema(value_type = String, example = "2026-12-03")]
    pub date: chrono::NaiveDate,
    /// The window's start (`HH:MM`).
    #[schema(example = "09:00")]
    pub starts: String,
    /// The window's end (`HH:MM`).
    #[schema(example = "12:00")]
    pub ends: String,
    /// The note shown to the customer.
    pub note: Option<String>,
}

impl From<StoredScheduleEntry> for ScheduleEntryView {
    fn from(stored: StoredScheduleEntry) -> Self {
        let entry = stored.entry;
        Self {
            reference: stored.reference,
            customer: stored.customer,
            contact_id: stored.contact_id,
            kind: entry.kind.as_str().to_owned(),
            status: entry.status.as_str().to_owned(),
            date: entry.date,
            starts: entry.starts.format("%H:%M").to_string(),
            ends: entry.ends.format("%H:%M").to_string(),
            note: entry.note,
        }
    }
}

/// The body of `PUT /api/orders/{number}` (the number comes from the path).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Read as `OrderFields`; this type documents the body.
pub struct OrderBody {
    /// Phone number with country code (`+1 555 123 4567`) or business-scoped user id. Required.
    #[schema(example = "+15551234567")]
    customer: String,
    /// Required: `processing`, `shipped`, `in_transit`, `out_for_delivery`, `delivered`, `cancelled`.
    #[schema(example = "shipped")]
    status: String,
    /// What was ordered, one line, at most 300 characters.
    #[schema(example = "2x Oak chair")]
    items: Option<String>,
    /// `YYYY-MM-DD`; when absent, a new order is today's and an existing one keeps its day.
    placed_on: Option<String>,
    /// `YYYY-MM-DD`.
    #[schema(example = "2026-12-03")]
    expected_delivery: Option<String>,
    /// The latest word from the carrier, one line, at most 300 characters.
    tracking_note: Option<String>,
    /// An `https://` link, at most 1000 characters.
    #[schema(example = "https://track.example/ORD-001")]
    tracking_url: Option<String>,
    /// May be given; must then be the path's number.
    order_number: Option<String>,
}

/// The body of `PUT /api/schedule/{reference}` (the reference comes from the path).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Read as `ScheduleFields`; this type documents the body.
pub struct ScheduleBody {
    /// Phone number with country code or business-scoped user id. Required.
    #[schema(example = "+15551234567")]
    customer: String,
    /// Required: `delivery`, `pickup`, `repair`, `appointment`.
    #[schema(example = "repair")]
    kind: String,
    /// `planned` (the default), `confirmed`, `completed`, `cancelled`.
    status: Option<String>,
    /// Required, `YYYY-MM-DD`.
    #[schema(example = "2026-12-03")]
    date: String,
    /// Required, `HH:MM` (24-hour).
    #[schema(example = "09:00")]
    starts: String,
    /// Required, `HH:MM`, after `starts`.
    #[schema(example = "12:00")]
    ends: String,
    /// Shown to the customer, one line, at most 200 characters.
    note: Option<String>,
    /// May be given; must then be the path's reference.
    reference: Option<String>,
}

/// `?customer=…&limit=…`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Phone number (any usual form) or business-scoped user id. Required.
    pub customer: Option<String>,
    /// At most this many, 1–200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

impl CustomerQuery {
    /// The customer and the limit, or a 422 naming the bad one.
    pub fn checked(&self) -> Result<(Customer, i64), ApiError> {
        let customer = wabot_app::record_customer(self.customer.clone()).map_err(invalid)?;
        let limit = match &self.limit {
            None => crate::admin::DEFAULT_LIMIT,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|limit| (1..=crate::admin::MAX_LIMIT).contains(limit))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "limit",
                        format!("must be a number from 1 to {}", crate::admin::MAX_LIMIT),
                    )
                })?,
        };
        Ok((customer, limit))
    }
}

/// A field error as a 422.
pub fn invalid(error: FieldError) -> ApiError {
    ApiError::invalid(error.field, error.message)
}

/// Reads a JSON object body of record fields: 400 unless it is an object; 422 naming a key that is
/// not one of `fields`, or a value that is not text; the key named by the path (`key`) set to the
/// path's value, a different value in the body being a 422.
pub fn fields<T: serde::de::DeserializeOwned>(
    body: &[u8],
    known: &[&str],
    key: &'static str,
    path: &str,
) -> Result<T, ApiError> {
    let mut object: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err(ApiError::InvalidBody("expected an object".into())),
        Err(error) => return Err(ApiError::InvalidBody(error.to_string())),
    };
    if let Some(unknown) = object.keys().find(|name| !known.contains(&name.as_str())) {
        let expected = known.join(", ");
        return Err(ApiError::invalid(
            unknown.clone(),
            format!("is not a field of this record (expected one of {expected})"),
        ));
    }
    if let Some(given) = object.get(key).and_then(Value::as_str)
        && given.trim() != path
    {
        return Err(ApiError::invalid(key, "differs from the one in the path"));
    }
    object.insert(key.to_owned(), Value::String(path.to_owned()));
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        ApiError::invalid(
            error.path().to_string(),
            "must be text (or a number, or null)",
        )
    })
}

/// The order number of a path, normalised with the menu's prefix; one that cannot be an order
/// number names no order (404).
pub fn order_key<S>(
    state: &crate::admin::state::AdminState<S>,
    number: &str,
) -> Result<String, ApiError> {
    let engine = state.current_engine.get();
    wabot_engine::normalize_reference(number, engine.menu().order_prefix())
        .ok_or_else(|| ApiError::NotFound(format!("order {number}")))
}
