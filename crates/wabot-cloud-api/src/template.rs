//! Typed helpers for template components and parameters, so callers need not write their JSON by
//! hand (parameter shape mistakes are the most common template failure, 132000 and 132012).

use serde_json::{Value, json};

use crate::outbound::{Language, Template, TemplateComponent};

impl Template {
    /// A template by name and language code, with no parameters yet.
    pub fn new(name: &str, language: &str) -> Self {
        Self {
            name: name.to_owned(),
            language: Language {
                code: language.to_owned(),
            },
            components: Vec::new(),
        }
    }

    /// Adds a component.
    pub fn with(mut self, component: TemplateComponent) -> Self {
        self.components.push(component);
        self
    }
}

impl TemplateComponent {
    fn of(kind: &str, parameters: Vec<Value>) -> Self {
        Self {
            kind: kind.to_owned(),
            sub_type: None,
            index: None,
            parameters,
        }
    }

    /// The header's parameters (one media or text parameter).
    pub fn header(parameters: Vec<Value>) -> Self {
        Self::of("header", parameters)
    }

    /// The body's parameters, in placeholder order.
    pub fn body(parameters: Vec<Value>) -> Self {
        Self::of("body", parameters)
    }

    /// A quick-reply button's payload; a tap comes back as a `button` message with it.
    pub fn quick_reply(index: u8, payload: &str) -> Self {
        Self {
            sub_type: Some("quick_reply".to_owned()),
            index: Some(index.to_string()),
            ..Self::of(
                "button",
                vec![json!({"type": "payload", "payload": payload})],
            )
        }
    }

    /// A URL button's dynamic suffix.
    pub fn url_button(index: u8, suffix: &str) -> Self {
        Self {
            sub_type: Some("url".to_owned()),
            index: Some(index.to_string()),
            ..Self::of("button", vec![param::text(suffix)])
        }
    }
}

/// Template parameter values.
pub mod param {
    use serde_json::{Value, json};

    /// A text value.
    pub fn text(text: &str) -> Value {
        json!({"type": "text", "text": text})
    }

    /// An amount of money: thousandths of the currency unit, an ISO 4217 code, and the text shown
    /// where it cannot be localised.
    pub fn currency(fallback: &str, code: &str, amount_1000: i64) -> Value {
        json!({"type": "currency", "currency": {"fallback_value": fallback, "code": code, "amount_1000": amount_1000}})
    }

    /// A date and time, as the text to show.
    pub fn date_time(fallback: &str) -> Value {
        json!({"type": "date_time", "date_time": {"fallback_value": fallback}})
    }

    /// An image by https link (header).
    pub fn image_link(link: &str) -> Value {
        json!({"type": "image", "image": {"link": link}})
    }

    /// An image by uploaded media id (header).
    pub fn image_id(id: &str) -> Value {
        json!({"type": "image", "image": {"id": id}})
    }

    /// A document by https link, with the file name shown (header).
    pub fn document_link(link: &str, filename: &str) -> Value {
        json!({"type": "document", "document": {"link": link, "filename": filename}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OutboundMessage;

    #[test]
    fn typed_components_make_the_fact_sheets_template_example() {
        let template = Template::new("order_update", "en_US")
            .with(TemplateComponent::header(vec![param::image_link(
                "https://example.com/a.png",
            )]))
            .with(TemplateComponent::body(vec![
                param::text("Ana"),
                param::currency("$10.99", "USD", 10_990),
                param::date_time("Feb 25"),
            ]))
            .with(TemplateComponent::quick_reply(0, "ORDER42_TRACK"));
        let message = OutboundMessage::template("15551234567", template).unwrap();
        let body = serde_json::to_value(message).unwrap();
        assert_eq!(
            body["template"],
            json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/a.png"}}]},
                {"type": "body", "parameters": [
                    {"type": "text", "text": "Ana"},
                    {"type": "currency", "currency": {"fallback_value": "$10.99", "code": "USD", "amount_1000": 10990}},
                    {"type": "date_time", "date_time": {"fallback_value": "Feb 25"}}]},
                {"type": "button", "sub_type": "quick_reply", "index": "0",
                 "parameters": [{"type": "payload", "payload": "ORDER42_TRACK"}]}]})
        );
    }

    #[test]
    fn a_button_component_without_its_index_is_refused() {
        let mut button = TemplateComponent::quick_reply(0, "X");
        button.index = None;
        let template = Template::new("t", "en_US").with(button);
        let error = OutboundMessage::template("1", template).unwrap_err();
        assert_eq!(
            error.to_string(),
            "template.components[0] is invalid: a button component needs sub_type and index"
        );
    }
}
