//! An order or a schedule entry as written from outside, before [`crate::record_check`]: every
//! field text, read from a JSON body or line (`serde`, a JSON number read as its digits, unknown
//! keys refused) or set column by column from a CSV row ([`OrderFields::set`]).

use serde::{Deserialize, Deserializer};

/// An order as written from outside: every field text (a JSON number is read as its digits), an
/// empty value the same as an absent one.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderFields {
    /// Phone number or business-scoped user id.
    #[serde(default, deserialize_with = "text")]
    pub customer: Option<String>,
    /// The order number (`ORD-001`, `ord 1`, `1`: normalised like customers' input).
    #[serde(default, deserialize_with = "text")]
    pub order_number: Option<String>,
    /// `processing`, `shipped`, `in_transit`, `out_for_delivery`, `delivered`, `cancelled`.
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    /// A one-line summary of what was ordered.
    #[serde(default, deserialize_with = "text")]
    pub items: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "text")]
    pub placed_on: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "text")]
    pub expected_delivery: Option<String>,
    /// The latest word from the carrier.
    #[serde(default, deserialize_with = "text")]
    pub tracking_note: Option<String>,
    /// An `https://` (or `http://`) link.
    #[serde(default, deserialize_with = "text")]
    pub tracking_url: Option<String>,
}

/// A schedule entry as written from outside (see [`OrderFields`]).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFields {
    /// The business's key for the entry.
    #[serde(default, deserialize_with = "text")]
    pub reference: Option<String>,
    /// Phone number or business-scoped user id.
    #[serde(default, deserialize_with = "text")]
    pub customer: Option<String>,
    /// `delivery`, `pickup`, `repair`, `appointment`.
    #[serde(default, deserialize_with = "text")]
    pub kind: Option<String>,
    /// `planned` (when absent), `confirmed`, `completed`, `cancelled`.
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "text")]
    pub date: Option<String>,
    /// `HH:MM`, the window's start.
    #[serde(default, deserialize_with = "text")]
    pub starts: Option<String>,
    /// `HH:MM`, the window's end (after `starts`).
    #[serde(default, deserialize_with = "text")]
    pub ends: Option<String>,
    /// A short note shown to the customer (a technician's name, an order number).
    #[serde(default, deserialize_with = "text")]
    pub note: Option<String>,
}

/// The column names of an order, in the order a CSV file is expected to have them.
pub const ORDER_FIELDS: &[&str] = &[
    "customer",
    "order_number",
    "status",
    "items",
    "placed_on",
    "expected_delivery",
    "tracking_note",
    "tracking_url",
];

/// The column names of a schedule entry.
pub const SCHEDULE_FIELDS: &[&str] = &[
    "reference",
    "customer",
    "kind",
    "status",
    "date",
    "starts",
    "ends",
    "note",
];

/// A string, a number (its digits: a phone number written as a JSON number) or null.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        String(String),
        Integer(u64),
    }
    Ok(match Option::<Text>::deserialize(deserializer)? {
        Some(Text::String(text)) => Some(text),
        Some(Text::Integer(number)) => Some(number.to_string()),
        None => None,
    })
}

impl OrderFields {
    /// Sets the field named `column` (one of [`ORDER_FIELDS`]); false for any other name.
    pub fn set(&mut self, column: &str, value: &str) -> bool {
        let field = match column {
            "customer" => &mut self.customer,
            "order_number" => &mut self.order_number,
            "status" => &mut self.status,
            "items" => &mut self.items,
            "placed_on" => &mut self.placed_on,
            "expected_delivery" => &mut self.expected_delivery,
            "tracking_note" => &mut self.tracking_note,
            "tracking_url" => &mut self.tracking_url,
            _ => return false,
        };
        *field = Some(value.to_owned());
        true
    }
}

impl ScheduleFields {
    /// Sets the field named `column` (one of [`SCHEDULE_FIELDS`]); false for any other name.
    pub fn set(&mut self, column: &str, value: &str) -> bool {
        let field = match column {
            "reference" => &mut self.reference,
            "customer" => &mut self.customer,
            "kind" => &mut self.kind,
            "status" => &mut self.status,
            "date" => &mut self.date,
            "starts" => &mut self.starts,
            "ends" => &mut self.ends,
            "note" => &mut self.note,
            _ => return false,
        };
        *field = Some(value.to_owned());
        true
    }
}
