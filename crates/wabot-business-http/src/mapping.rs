//! Reading the business's JSON as our records: where the list is, which field holds what (a key,
//! or a JSON pointer such as `/delivery/eta` for nested fields), and how their status and kind
//! values map to ours (a value not mapped is read as our own name). Anything else is
//! [`Malformed`], naming the field, never a customer's value.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_json::Value;
use wabot_engine::{Order, OrderStatus, ScheduleEntry, ScheduleKind, ScheduleStatus};

/// The answer is not the records asked for; says which field and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub String);

/// Where each order field is in a record: a key, or a JSON pointer (`/delivery/eta`). Read from
/// the settings as they are (a field left out keeps its default name; an unknown one is refused).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderFieldNames {
    /// The order number.
    pub number: String,
    /// Its status.
    pub status: String,
    /// What was ordered (a string, or a list of strings).
    pub items: String,
    /// The day it was placed (`YYYY-MM-DD` or an RFC 3339 time).
    pub placed_on: String,
    /// The expected delivery day, if any.
    pub expected_delivery: String,
    /// The latest carrier note, if any.
    pub tracking_note: String,
    /// A link to follow the parcel, if any (`http` or `https` only).
    pub tracking_url: String,
}

/// Where each schedule field is in a record (as [`OrderFieldNames`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleFieldNames {
    /// The day.
    pub date: String,
    /// Start time (`HH:MM` or `HH:MM:SS`).
    pub starts: String,
    /// End time.
    pub ends: String,
    /// What it is.
    pub kind: String,
    /// Whether it will happen.
    pub status: String,
    /// A short note, if any.
    pub note: String,
}

impl Default for OrderFieldNames {
    fn default() -> Self {
        Self {
            number: "number".into(),
            status: "status".into(),
            items: "items".into(),
            placed_on: "placed_on".into(),
            expected_delivery: "expected_delivery".into(),
            tracking_note: "tracking_note".into(),
            tracking_url: "tracking_url".into(),
        }
    }
}

impl Default for ScheduleFieldNames {
    fn default() -> Self {
        Self {
            date: "date".into(),
            starts: "starts".into(),
            ends: "ends".into(),
            kind: "kind".into(),
            status: "status".into(),
            note: "note".into(),
        }
    }
}

/// How the API's orders are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFields {
    /// The list of orders in the orders answer (a JSON pointer; empty: the answer is the list).
    pub list: String,
    /// The order in the one-order answer (a JSON pointer; empty: the answer is the order).
    pub one: String,
    /// Where each field is.
    pub names: OrderFieldNames,
    /// The API's status values → ours.
    pub statuses: BTreeMap<String, OrderStatus>,
}

/// How the API's schedule entries are read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScheduleFields {
    /// The list of entries in the answer (a JSON pointer; empty: the answer is the list).
    pub list: String,
    /// Where each field is.
    pub names: ScheduleFieldNames,
    /// The API's kind values → ours.
    pub kinds: BTreeMap<String, ScheduleKind>,
    /// The API's status values → ours.
    pub statuses: BTreeMap<String, ScheduleStatus>,
}

/// The value at `path`: a JSON pointer when it starts with `/`, else a key of `object`.
fn at<'a>(object: &'a Value, path: &str) -> Option<&'a Value> {
    let found = if path.starts_with('/') || path.is_empty() {
        object.pointer(path)
    } else {
        object.get(path)
    };
    found.filter(|value| !value.is_null())
}

/// A field of record `what` read as text (numbers are accepted as their digits).
fn text(record: &Value, what: &str, path: &str) -> Result<Option<String>, Malformed> {
    match at(record, path) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(Value::Array(values)) if values.iter().all(Value::is_string) => Ok(Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        )),
        Some(_) => Err(Malformed(format!("{what} field `{path}` is not text"))),
    }
}

fn required(record: &Value, what: &str, path: &str) -> Result<String, Malformed> {
    text(record, what, path)?.ok_or_else(|| Malformed(format!("{what} field `{path}` is missing")))
}

fn date(text: &str, what: &str, path: &str) -> Result<NaiveDate, Malformed> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| DateTime::parse_from_rfc3339(text).map(|at| at.date_naive()))
        .map_err(|_| Malformed(format!("{what} field `{path}` is not a date (YYYY-MM-DD)")))
}

fn time(text: &str, what: &str, path: &str) -> Result<NaiveTime, Malformed> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| Malformed(format!("{what} field `{path}` is not a time (HH:MM)")))
}

/// A value mapped through `map`, else read as our own name by `parse`.
fn mapped<T: Copy>(
    value: &str,
    map: &BTreeMap<String, T>,
    parse: fn(&str) -> Option<T>,
    what: &str,
    path: &str,
) -> Result<T, Malformed> {
    map.get(value)
        .copied()
        .or_else(|| parse(value))
        .ok_or_else(|| {
            let shown: String = value.chars().take(40).collect();
            Malformed(format!(
                "{what} field `{path}` has the value `{shown}`, which is not mapped to one of ours"
            ))
        })
}

/// The array at `path` of `answer`.
fn list<'a>(answer: &'a Value, path: &str, what: &str) -> Result<&'a Vec<Value>, Malformed> {
    answer
        .pointer(path)
        .and_then(Value::as_array)
        .ok_or_else(|| {
            let place = if path.is_empty() { "the answer" } else { path };
            Malformed(format!("{what}: {place} is not a list"))
        })
}

impl OrderFields {
    /// One order read from `record`.
    pub fn order(&self, record: &Value) -> Result<Order, Malformed> {
        let what = "order";
        let status = required(record, what, &self.names.status)?;
        let placed_on = required(record, what, &self.names.placed_on)?;
        let expected = text(record, what, &self.names.expected_delivery)?;
        Ok(Order {
            number: required(record, what, &self.names.number)?,
            status: mapped(
                &status,
                &self.statuses,
                OrderStatus::parse,
                what,
                &self.names.status,
            )?,
            items: text(record, what, &self.names.items)?.unwrap_or_default(),
            placed_on: date(&placed_on, what, &self.names.placed_on)?,
            expected_delivery: expected
                .map(|day| date(&day, what, &self.names.expected_delivery))
                .transpose()?,
            tracking_note: text(record, what, &self.names.tracking_note)?,
            tracking_url: text(record, what, &self.names.tracking_url)?
                .filter(|url| url.starts_with("https://") || url.starts_with("http://")),
        })
    }

    /// Every order of an orders answer.
    pub fn orders(&self, answer: &Value) -> Result<Vec<Order>, Malformed> {
        list(answer, &self.list, "orders")?
            .iter()
            .map(|record| self.order(record))
            .collect()
    }

    /// The order of a one-order answer.
    pub fn one(&self, answer: &Value) -> Result<Order, Malformed> {
        let record = answer
            .pointer(&self.one)
            .filter(|value| value.is_object())
            .ok_or_else(|| Malformed("order: the answer is not an object".into()))?;
        self.order(record)
    }
}

impl ScheduleFields {
    /// One entry read from `record`.
    pub fn entry(&self, record: &Value) -> Result<ScheduleEntry, Malformed> {
        let (what, names) = ("schedule", &self.names);
        let day = required(record, what, &names.date)?;
        let starts = required(record, what, &names.starts)?;
        let ends = required(record, what, &names.ends)?;
        let kind = required(record, what, &names.kind)?;
        let status = required(record, what, &names.status)?;
        Ok(ScheduleEntry {
            date: date(&day, what, &names.date)?,
            starts: time(&starts, what, &names.starts)?,
            ends: time(&ends, what, &names.ends)?,
            kind: mapped(&kind, &self.kinds, ScheduleKind::parse, what, &names.kind)?,
            status: mapped(
                &status,
                &self.statuses,
                ScheduleStatus::parse,
                what,
                &names.status,
            )?,
            note: text(record, what, &names.note)?,
        })
    }

    /// Every entry of a schedule answer.
    pub fn entries(&self, answer: &Value) -> Result<Vec<ScheduleEntry>, Malformed> {
        list(answer, &self.list, "schedule")?
            .iter()
            .map(|record| self.entry(record))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn renamed_and_nested_fields_and_mapped_statuses_are_read() {
        let fields = OrderFields {
            list: "/data".into(),
            names: OrderFieldNames {
                number: "id".into(),
                status: "state".into(),
                items: "/summary/lines".into(),
                expected_delivery: "/delivery/eta".into(),
                ..OrderFieldNames::default()
            },
            statuses: BTreeMap::from([("DISPATCHED".into(), OrderStatus::Shipped)]),
            ..OrderFields::default()
        };
        let answer = json!({"data": [{
            "id": 1042, "state": "DISPATCHED", "summary": {"lines": ["2 × Chair", "1 × Desk"]},
            "placed_on": "2026-11-20T10:00:00+01:00", "delivery": {"eta": "2026-11-26"},
            "tracking_note": null, "tracking_url": "https://track.example/1042"
        }, {
            "id": "A-7", "state": "delivered", "placed_on": "2026-11-01",
            "tracking_url": "javascript:alert(1)"
        }]});
        let orders = fields.orders(&answer).unwrap();
        assert_eq!(orders[0].number, "1042");
        assert_eq!(orders[0].status, OrderStatus::Shipped);
        assert_eq!(orders[0].items, "2 × Chair, 1 × Desk");
        assert_eq!(orders[0].placed_on.to_string(), "2026-11-20");
        assert_eq!(
            orders[0].expected_delivery.unwrap().to_string(),
            "2026-11-26"
        );
        assert_eq!(orders[1].status, OrderStatus::Delivered);
        assert_eq!(orders[1].tracking_note, None);
        assert_eq!(
            orders[0].tracking_url.as_deref(),
            Some("https://track.example/1042")
        );
        assert_eq!(orders[1].tracking_url, None, "only http(s) links are shown");
    }

    #[test]
    fn what_is_wrong_is_named_by_field() {
        let fields = OrderFields::default();
        let bad = |record: Value| fields.order(&record).unwrap_err().0;
        let base = json!({"number": "X", "status": "shipped", "placed_on": "2026-11-20"});
        let mut missing = base.clone();
        missing.as_object_mut().unwrap().remove("number");
        assert_eq!(bad(missing), "order field `number` is missing");
        let mut unknown = base.clone();
        unknown["status"] = json!("on_hold");
        assert!(bad(unknown).contains("`status` has the value `on_hold`"));
        let mut day = base.clone();
        day["placed_on"] = json!("20/11/2026");
        assert!(bad(day).contains("`placed_on` is not a date"));
        assert!(
            fields
                .orders(&json!({"x": 1}))
                .unwrap_err()
                .0
                .contains("not a list")
        );
        let entry = ScheduleFields::default().entry(&json!({
            "date": "2026-11-24", "starts": "25:00", "ends": "12:00",
            "kind": "repair", "status": "confirmed"
        }));
        assert!(entry.unwrap_err().0.contains("`starts` is not a time"));
    }
}
