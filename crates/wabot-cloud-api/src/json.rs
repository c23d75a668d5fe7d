//! Lenient JSON reading for webhooks: ids and timestamps as string or number, optional text fields.

use serde_json::Value;

/// A string field, or the text of a number (ids and timestamps come both ways).
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The string field `key` of an object, if present as text or number.
pub(crate) fn field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text)
}

/// Unix seconds from a string (`"1750000000"`) or a number.
pub(crate) fn seconds(value: &Value) -> Option<i64> {
    match value {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(number) => number.as_i64(),
        _ => None,
    }
}

/// The array field `key`, or nothing.
pub(crate) fn items<'v>(value: &'v Value, key: &str) -> &'v [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
