//! The one validation of an order or a schedule entry coming from outside (the admin API's body, a
//! row of `wabot import`): every field read as text, checked, normalised, and the first bad one
//! named in a [`FieldError`]. The limits keep what the bot shows a customer within WhatsApp's
//! message sizes (a reply lists five orders with their items; see `docs/business-data.md`).

use chrono::{NaiveDate, NaiveTime};
use wabot_engine::{Order, OrderStatus, ScheduleEntry, ScheduleKind, ScheduleStatus};

use crate::business_records::{Customer, OrderRecord, ScheduleRecord};
use crate::contact_ref::ContactRef;
use crate::record_fields::{OrderFields, ScheduleFields};

/// The longest `items` (shown in every order line and in the order's details).
pub const MAX_ITEMS: usize = 300;
/// The longest `tracking_note`.
pub const MAX_TRACKING_NOTE: usize = 300;
/// The longest `tracking_url`.
pub const MAX_TRACKING_URL: usize = 1000;
/// The longest schedule `note`.
pub const MAX_NOTE: usize = 200;
/// The longest schedule `reference`.
pub const MAX_REFERENCE: usize = 64;

/// A field that is not acceptable, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's name, as in the API body and the import's columns.
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A present, non-blank value, trimmed.
fn given(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(value: Option<String>, field: &'static str) -> Result<String, FieldError> {
    given(value).ok_or_else(|| bad(field, "is required"))
}

fn bounded(
    value: Option<String>,
    field: &'static str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let value = given(value);
    if let Some(text) = &value {
        if text.chars().count() > max {
            return Err(bad(field, format!("is longer than {max} characters")));
        }
        if text.chars().any(char::is_control) {
            return Err(bad(
                field,
                "must be one line (no line breaks or control characters)",
            ));
        }
    }
    Ok(value)
}

/// A phone number (digits, optional `+`, spaces and dashes allowed) or a business-scoped user id.
pub fn customer(value: Option<String>) -> Result<Customer, FieldError> {
    let raw = required(value, "customer")?;
    match ContactRef::parse(&raw) {
        Some(ContactRef::Phone(number)) => Ok(Customer::Phone(number)),
        Some(ContactRef::UserId(id)) => Ok(Customer::UserId(id)),
        _ => Err(bad(
            "customer",
            "must be a phone number with its country code (e.g. +15551234567) or a \
             business-scoped user id (e.g. US.13491208655302741918)",
        )),
    }
}

/// An order number in the form customers reach it by (`ORD-001` for prefix `ORD`).
pub fn order_number(value: Option<String>, prefix: &str) -> Result<String, FieldError> {
    let raw = required(value, "order_number")?;
    wabot_engine::normalize_reference(&raw, prefix).ok_or_else(|| {
        bad(
            "order_number",
            format!(
                "must be {prefix}- followed by 1 to 9 digits (e.g. {prefix}-001), the form \
                 customers type (the menu's settings.order_prefix is `{prefix}`)"
            ),
        )
    })
}

/// A schedule entry's reference: 1–64 letters, digits and `-_.:/`.
pub fn reference(value: Option<String>) -> Result<String, FieldError> {
    let raw = required(value, "reference")?;
    let fits = raw.len() <= MAX_REFERENCE
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'));
    if fits {
        Ok(raw)
    } else {
        Err(bad(
            "reference",
            format!("must be 1 to {MAX_REFERENCE} letters, digits or - _ . : /"),
        ))
    }
}

fn one_of<T: Copy>(
    value: Option<String>,
    field: &'static str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<Option<T>, FieldError> {
    let Some(raw) = given(value) else {
        return Ok(None);
    };
    parse(&raw.to_ascii_lowercase()).map(Some).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|value| name(*value)).collect();
        bad(field, format!("must be one of {}", names.join(", ")))
    })
}

fn date(value: Option<String>, field: &'static str) -> Result<Option<NaiveDate>, FieldError> {
    given(value)
        .map(|raw| {
            NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                .map_err(|_| bad(field, "must be a date written YYYY-MM-DD"))
        })
        .transpose()
}

fn time(value: Option<String>, field: &'static str) -> Result<NaiveTime, FieldError> {
    let raw = required(value, field)?;
    NaiveTime::parse_from_str(&raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&raw, "%H:%M:%S"))
        .map_err(|_| bad(field, "must be a time of day written HH:MM (24-hour)"))
}

fn link(value: Option<String>) -> Result<Option<String>, FieldError> {
    let value = bounded(value, "tracking_url", MAX_TRACKING_URL)?;
    if let Some(url) = &value {
        let scheme = url.starts_with("https://") || url.starts_with("http://");
        if !scheme || url.len() < 10 || url.contains(char::is_whitespace) {
            return Err(bad("tracking_url", "must be an https:// (or http://) link"));
        }
    }
    Ok(value)
}

impl OrderFields {
    /// The order these fields describe, or the first bad field. `prefix` is the menu's order prefix.
    pub fn check(self, prefix: &str) -> Result<OrderRecord, FieldError> {
        let customer = customer(self.customer)?;
        let number = order_number(self.order_number, prefix)?;
        let status = one_of(
            self.status,
            "status",
            OrderStatus::parse,
            OrderStatus::ALL,
            OrderStatus::as_str,
        )?
        .ok_or_else(|| bad("status", "is required"))?;
        let items = bounded(self.items, "items", MAX_ITEMS)?.unwrap_or_default();
        let placed_on = date(self.placed_on, "placed_on")?;
        let expected_delivery = date(self.expected_delivery, "expected_delivery")?;
        let tracking_note = bounded(self.tracking_note, "tracking_note", MAX_TRACKING_NOTE)?;
        let tracking_url = link(self.tracking_url)?;
        Ok(OrderRecord {
            customer,
            placed_on_given: placed_on.is_some(),
            order: Order {
                number,
                status,
                items,
                placed_on: placed_on.unwrap_or_default(),
                expected_delivery,
                tracking_note,
                tracking_url,
            },
        })
    }
}

impl ScheduleFields {
    /// The entry these fields describe, or the first bad field.
    pub fn check(self) -> Result<ScheduleRecord, FieldError> {
        let reference = reference(self.reference)?;
        let customer = customer(self.customer)?;
        let kind = one_of(
            self.kind,
            "kind",
            ScheduleKind::parse,
            ScheduleKind::ALL,
            ScheduleKind::as_str,
        )?
        .ok_or_else(|| bad("kind", "is required"))?;
        let status = one_of(
            self.status,
            "status",
            ScheduleStatus::parse,
            ScheduleStatus::ALL,
            ScheduleStatus::as_str,
        )?
        .unwrap_or(ScheduleStatus::Planned);
        let date = date(self.date, "date")?.ok_or_else(|| bad("date", "is required"))?;
        let starts = time(self.starts, "starts")?;
        let ends = time(self.ends, "ends")?;
        if ends <= starts {
            return Err(bad(
                "ends",
                "must be after starts (the window is one day's)",
            ));
        }
        let note = bounded(self.note, "note", MAX_NOTE)?;
        Ok(ScheduleRecord {
            reference,
            customer,
            entry: ScheduleEntry {
                date,
                starts,
                ends,
                kind,
                status,
                note,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(edit: impl FnOnce(&mut OrderFields)) -> Result<OrderRecord, FieldError> {
        let mut fields = OrderFields {
            customer: Some("+1 (555) 123-4567".into()),
            order_number: Some("ord 7".into()),
            status: Some("Shipped".into()),
            ..OrderFields::default()
        };
        edit(&mut fields);
        fields.check("ORD")
    }

    fn field(result: Result<impl std::fmt::Debug, FieldError>) -> &'static str {
        match result {
            Err(error) => error.field,
            Ok(value) => panic!("accepted: {value:?}"),
        }
    }

    #[test]
    fn an_order_is_normalised_like_customers_type_it() {
        let Ok(record) = order(|_| {}) else {
            panic!("refused")
        };
        assert_eq!(record.customer, Customer::Phone("15551234567".into()));
        assert_eq!(record.order.number, "ORD-007");
        assert_eq!(record.order.status, OrderStatus::Shipped);
        assert!(!record.placed_on_given);
        let user = order(|f| f.customer = Some("US.13491208655302741918".into()));
        assert!(matches!(user.map(|r| r.customer), Ok(Customer::UserId(_))));
    }

    #[test]
    fn each_bad_order_field_is_named() {
        let long = "x".repeat(MAX_ITEMS + 1);
        type Edit = Box<dyn FnOnce(&mut OrderFields)>;
        let cases: Vec<(&str, Edit)> = vec![
            ("customer", Box::new(|f| f.customer = None)),
            ("customer", Box::new(|f| f.customer = Some("42".into()))),
            ("customer", Box::new(|f| f.customer = Some("bob".into()))),
            (
                "order_number",
                Box::new(|f| f.order_number = Some("INV-1".into())),
            ),
            (
                "order_number",
                Box::new(|f| f.order_number = Some("  ".into())),
            ),
            ("status", Box::new(|f| f.status = Some("lost".into()))),
            ("status", Box::new(|f| f.status = None)),
            ("items", Box::new(move |f| f.items = Some(long))),
            ("items", Box::new(|f| f.items = Some("a\nb".into()))),
            (
                "placed_on",
                Box::new(|f| f.placed_on = Some("30/11/2026".into())),
            ),
            (
                "expected_delivery",
                Box::new(|f| f.expected_delivery = Some("2026-02-30".into())),
            ),
            (
                "tracking_url",
                Box::new(|f| f.tracking_url = Some("javascript:x".into())),
            ),
            (
                "tracking_url",
                Box::new(|f| f.tracking_url = Some("https://a b.example".into())),
            ),
        ];
        for (expected, edit) in cases {
            assert_eq!(field(order(edit)), expected);
        }
    }

    #[test]
    fn a_schedule_window_must_end_after_it_starts() {
        let entry = |starts: &str, ends: &str| ScheduleFields {
            reference: Some("V-1".into()),
            customer: Some("15551234567".into()),
            kind: Some("repair".into()),
            date: Some("2026-12-03".into()),
            starts: Some(starts.into()),
            ends: Some(ends.into()),
            ..ScheduleFields::default()
        };
        let Ok(record) = entry("09:00", "11:30").check() else {
            panic!("refused")
        };
        assert_eq!(record.entry.status, ScheduleStatus::Planned);
        assert_eq!(field(entry("11:00", "11:00").check()), "ends");
        assert_eq!(field(entry("25:00", "26:00").check()), "starts");
        let mut bad_ref = entry("09:00", "10:00");
        bad_ref.reference = Some("a b".into());
        assert_eq!(field(bad_ref.check()), "reference");
        let mut bad_kind = entry("09:00", "10:00");
        bad_kind.kind = Some("party".into());
        assert_eq!(field(bad_kind.check()), "kind");
    }

    #[test]
    fn json_numbers_read_as_text_and_unknown_fields_are_refused() {
        let fields: OrderFields =
            serde_json::from_str(r#"{"customer": 15551234567, "status": "shipped"}"#)
                .unwrap_or_default();
        assert_eq!(fields.customer.as_deref(), Some("15551234567"));
        assert!(serde_json::from_str::<OrderFields>(r#"{"stauts": "shipped"}"#).is_err());
    }
}
