//! `smb_message_echoes`: on a number shared with the WhatsApp Business app (coexistence), each
//! message the business sends from the app comes back as an echo — a person talking to the
//! customer, which the bot must not talk over.

use serde::Serialize;
use serde_json::Value;

use crate::inbound::InboundMessage;
use crate::json::{field, items};

/// One message the business sent from the WhatsApp Business app.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageEcho {
    /// The customer's WhatsApp id it went to.
    pub to: Option<String>,
    /// The customer's business-scoped user id, when Meta gives it.
    pub to_user_id: Option<String>,
    /// The message itself (`from` is the business's number).
    pub message: InboundMessage,
}

/// The `value` of an `smb_message_echoes` change.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EchoesValue {
    /// The echoed messages, in order.
    pub echoes: Vec<MessageEcho>,
}

impl EchoesValue {
    /// Reads the value of an `smb_message_echoes` change; never fails.
    pub fn from_json(raw: &Value) -> Self {
        Self {
            echoes: items(raw, "message_echoes")
                .iter()
                .map(|echo| MessageEcho {
                    to: field(echo, "to"),
                    to_user_id: field(echo, "to_user_id"),
                    message: InboundMessage::from_json(echo),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::inbound::MessageContent;

    #[test]
    fn an_echo_names_its_customer_and_keeps_its_text() {
        let value: Value = serde_json::from_str(
            r#"{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"1"},
            "message_echoes":[{"from":"15550001111","to":"5511988887777","id":"wamid.echo.1","timestamp":"1795000000",
            "type":"text","text":{"body":"Hi, Maria from the shop here"}}]}"#,
        )
        .unwrap();
        let parsed = EchoesValue::from_json(&value);
        assert_eq!(parsed.echoes.len(), 1);
        let echo = &parsed.echoes[0];
        assert_eq!(echo.to.as_deref(), Some("5511988887777"));
        assert_eq!(echo.message.id, "wamid.echo.1");
        assert!(
            matches!(&echo.message.content, MessageContent::Text { body } if body == "Hi, Maria from the shop here")
        );
        assert!(EchoesValue::from_json(&Value::Null).echoes.is_empty());
    }
}
