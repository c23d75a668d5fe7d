//! Traffic for the console's browser test: webhooks timestamped now (the overview counts a recent
//! period), delivery statuses, and the scripted customers with the menu nodes each must reach.

use serde_json::{Value, json};

use crate::harness::PHONE;

/// A webhook with one message, timestamped now, from a customer with a name.
pub fn message(from: &str, name: &str, id: &str, content: Value) -> String {
    let mut message =
        json!({"from": from, "id": id, "timestamp": wabot_app::utc_now().timestamp().to_string()});
    for (key, value) in content.as_object().unwrap() {
        message[key] = value.clone();
    }
    webhook(
        json!({"contacts": [{"profile": {"name": name}, "wa_id": from}], "messages": [message]}),
    )
}

pub fn webhook(mut value: Value) -> String {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"display_phone_number": "15550000000", "phone_number_id": PHONE});
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}).to_string()
}

pub fn status(message_id: &str, status: &str, recipient: &str) -> String {
    webhook(
        json!({"statuses": [{"id": message_id, "status": status, "recipient_id": recipient,
        "timestamp": wabot_app::utc_now().timestamp().to_string()}]}),
    )
}

pub fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

/// Customers, what they send, and the menus each enters (by the default menu).
pub fn script() -> Vec<(
    &'static str,
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
)> {
    vec![
        (
            "5511900000001",
            "Alice Martin",
            vec!["hi", "1", "1"],
            vec!["main", "orders"],
        ),
        (
            "5511900000002",
            "Bruno Costa",
            vec![
                "hi",
                "2",
                "1",
                "skip",
                "The screen was cracked on arrival",
                "skip",
                "yes",
            ],
            vec!["main", "defects"],
        ),
        (
            "5511900000003",
            "Carla Dias",
            vec!["hi", "4"],
            vec!["main", "help"],
        ),
        ("5511900000004", "Diego Rocha", vec!["hi"], vec!["main"]),
        (
            "5511900000005",
            "Eva Lima",
            vec!["hi", "1"],
            vec!["main", "orders"],
        ),
        // Asks for a person; the bot stays silent at the last message.
        (
            "5511900000006",
            "Fabio Nunes",
            vec!["hi", "agent", "Where is my refund?"],
            vec!["main"],
        ),
    ]
}
