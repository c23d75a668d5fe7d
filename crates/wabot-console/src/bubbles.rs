//! A stored message as the customer saw it: the text, the list or buttons they got, the photo they
//! sent, and the ticks of our messages. Reads the JSON we stored (the engine's input for theirs, the
//! Cloud API request body for ours); what it cannot read is shown as its type, never dropped.

use serde_json::Value;
use wabot_app::{DeliveryStatus, Direction, MessageRecord, MessageStatus};
use wabot_engine::Input;

use crate::page::when;

/// One bubble of a transcript.
pub struct Bubble {
    /// `in` (the customer's) or `out` (ours): the CSS class.
    pub side: &'static str,
    /// A header line (a list's or template's name), if any.
    pub header: Option<String>,
    /// The text.
    pub text: String,
    /// The options of a list or the buttons, as the customer saw them.
    pub choices: Vec<String>,
    /// A media line (`photo`, `document`…), with its caption in `text`.
    pub media: Option<String>,
    /// When it was made.
    pub at: String,
    /// Delivery ticks for ours: `✓`, `✓✓`, or empty.
    pub ticks: &'static str,
    /// `sent`, `delivered`, `read`, `failed`, `waiting` for ours; empty for theirs.
    pub status: &'static str,
    /// Why it failed, for a failed one.
    pub error: Option<String>,
}

fn text_at(value: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn theirs(body: &str, kind: &str) -> (Option<String>, String, Option<String>) {
    match serde_json::from_str::<Input>(body) {
        Ok(Input::Text { body }) => (None, body, None),
        Ok(Input::Choice { title, .. }) => (None, title, Some("tapped".into())),
        Ok(Input::Media { kind, caption, .. }) => {
            let name = serde_json::to_value(kind)
                .ok()
                .and_then(|k| k.as_str().map(str::to_owned));
            (
                None,
                caption.unwrap_or_default(),
                Some(name.unwrap_or_else(|| "media".into())),
            )
        }
        Ok(Input::Unsupported { kind }) => (None, format!("({kind} message)"), None),
        Err(_) => (None, format!("({kind} message)"), None),
    }
}

fn ours(body: &str, kind: &str) -> (Option<String>, String, Vec<String>) {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return (None, format!("({kind} message)"), Vec::new());
    };
    let interactive = value.get("interactive").cloned().unwrap_or(Value::Null);
    let header = text_at(&interactive, &["header", "text"]);
    let mut choices = Vec::new();
    if let Some(sections) = interactive
        .pointer("/action/sections")
        .and_then(Value::as_array)
    {
        for row in sections
            .iter()
            .filter_map(|s| s.get("rows"))
            .filter_map(Value::as_array)
            .flatten()
        {
            choices.extend(text_at(row, &["title"]));
        }
    }
    if let Some(buttons) = interactive
        .pointer("/action/buttons")
        .and_then(Value::as_array)
    {
        choices.extend(
            buttons
                .iter()
                .filter_map(|b| text_at(b, &["reply", "title"])),
        );
    }
    let text = text_at(&value, &["text", "body"])
        .or_else(|| text_at(&interactive, &["body", "text"]))
        .or_else(|| text_at(&value, &["template", "name"]).map(|name| format!("Template “{name}”")))
        .unwrap_or_else(|| format!("({kind} message)"));
    (header, text, choices)
}

/// The bubble of a stored message.
pub fn bubble(message: &MessageRecord) -> Bubble {
    if message.direction == Direction::In {
        let (header, text, media) = theirs(&message.body, &message.kind);
        return Bubble {
            side: "in",
            header,
            text,
            choices: Vec::new(),
            media,
            at: when(message.created_at),
            ticks: "",
            status: "",
            error: None,
        };
    }
    let (header, text, choices) = ours(&message.body, &message.kind);
    let (ticks, status) = match message.status {
        MessageStatus::Delivery(DeliveryStatus::Read) => ("✓✓", "read"),
        MessageStatus::Delivery(DeliveryStatus::Delivered) => ("✓✓", "delivered"),
        MessageStatus::Delivery(DeliveryStatus::Sent | DeliveryStatus::Sandboxed) => ("✓", "sent"),
        MessageStatus::Delivery(DeliveryStatus::Failed) => ("", "failed"),
        _ => ("", "waiting"),
    };
    let error = message
        .error_title
        .clone()
        .map(|title| match message.error_code {
            Some(code) => format!("{title} (code {code})"),
            None => title,
        });
    Bubble {
        side: "out",
        header,
        text,
        choices,
        media: None,
        at: when(message.created_at),
        ticks,
        status,
        error,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn record(
        direction: Direction,
        kind: &str,
        body: &str,
        status: MessageStatus,
    ) -> MessageRecord {
        MessageRecord {
            id: 1,
            direction,
            wa_message_id: None,
            kind: kind.into(),
            body: body.into(),
            status,
            created_at: Utc::now(),
            sent_at: None,
            delivered_at: None,
            read_at: None,
            failed_at: None,
            error_code: None,
            error_title: None,
        }
    }

    #[test]
    fn a_list_shows_its_rows_and_a_read_message_two_ticks() {
        let body = r#"{"type":"interactive","interactive":{"type":"list","header":{"type":"text","text":"Main"},
            "body":{"text":"How can we help?"},"action":{"button":"Menu","sections":[{"rows":[
            {"id":"1","title":"Order status"},{"id":"2","title":"Report defect"}]}]}}}"#;
        let b = bubble(&record(
            Direction::Out,
            "interactive",
            body,
            MessageStatus::Delivery(DeliveryStatus::Read),
        ));
        assert_eq!(
            (b.side, b.text.as_str(), b.ticks, b.status),
            ("out", "How can we help?", "✓✓", "read")
        );
        assert_eq!(b.header.as_deref(), Some("Main"));
        assert_eq!(b.choices, ["Order status", "Report defect"]);
    }

    #[test]
    fn customers_messages_read_back_from_the_engines_input() {
        let text = serde_json::to_string(&Input::Text {
            body: "hi <b>".into(),
        })
        .unwrap();
        let b = bubble(&record(
            Direction::In,
            "text",
            &text,
            MessageStatus::Received,
        ));
        assert_eq!((b.side, b.text.as_str()), ("in", "hi <b>"));
        let garbled = bubble(&record(
            Direction::In,
            "location",
            "{",
            MessageStatus::Received,
        ));
        assert_eq!(garbled.text, "(location message)");
    }
}
