//! Message templates as the business's WhatsApp account holds them: what a sync reads from the
//! Graph API ([`SyncedTemplate`]), what the store keeps ([`TemplateRecord`]), the parameters a
//! template needs ([`TemplateParameter`], read from its components), the check of a recipient's
//! values against them and the `POST /messages` body they make ([`template_body`]).
//!
//! Parameter keys (the CSV columns and the JSON keys of a campaign's recipients): a positional
//! body placeholder `{{1}}` is `1`, a named one `{{first_name}}` is `first_name`; a header text
//! placeholder is `header.1` (or `header.<name>`); a media header is `header.image`,
//! `header.video` or `header.document` (an https link); a URL button's dynamic suffix is
//! `button.<index>`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A template as the Graph API lists it (`GET /{waba-id}/message_templates`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncedTemplate {
    /// Meta's id of the template.
    pub meta_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its language code (`en_US`).
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, `PENDING`, …
    pub status: String,
    /// `parameter_format`: `POSITIONAL` (the default) or `NAMED`.
    pub parameter_format: Option<String>,
    /// The components (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`) as Meta wrote them.
    pub components: Value,
}

/// A stored template.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateRecord {
    /// The store's id.
    pub id: i64,
    /// Meta's id.
    pub meta_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its language code.
    pub language: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `APPROVED`, `PAUSED`, `DISABLED`, …
    pub status: String,
    /// The quality Meta last reported (`GREEN`, `YELLOW`, `RED`), if any.
    pub quality: Option<String>,
    /// Why Meta last changed its status, if it said.
    pub reason: Option<String>,
    /// `positional` or `named`.
    pub parameter_format: String,
    /// The parameters a send must give, in order.
    pub parameters: Vec<TemplateParameter>,
    /// The components as Meta wrote them.
    pub components: Value,
    /// When it was last synced or changed by a webhook.
    pub updated_at: DateTime<Utc>,
}

impl TemplateRecord {
    /// Whether messages of this template may be sent now.
    pub fn approved(&self) -> bool {
        self.status.eq_ignore_ascii_case("APPROVED")
    }

    /// Whether it is a marketing template (opt-outs apply; utility and authentication ones are
    /// not marketing).
    pub fn marketing(&self) -> bool {
        self.category.eq_ignore_ascii_case("MARKETING")
    }
}

/// Where a parameter goes in the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterSlot {
    /// A text placeholder of the header.
    HeaderText,
    /// A media header: `image`, `video` or `document`.
    HeaderMedia(String),
    /// A placeholder of the body.
    Body,
    /// The dynamic suffix of the URL button at this index.
    UrlButton(u8),
}

/// One value a send of the template must give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateParameter {
    /// Its key (see the module doc).
    pub key: String,
    /// For a named placeholder, its name as Meta wants it in `parameter_name`.
    pub name: Option<String>,
    /// Where it goes.
    pub slot: ParameterSlot,
}

/// The placeholders of a text, in order: `{{1}}` → `1`, `{{first_name}}` → `first_name`.
fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !name.is_empty() && !found.iter().any(|known: &String| known == name) {
            found.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    found
}

/// The parameters a template's components need, in the order a message gives them.
pub fn parameters_of(components: &Value) -> Vec<TemplateParameter> {
    let mut parameters = Vec::new();
    let text_of = |component: &Value| {
        component
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let named = |name: &str| (!name.chars().all(|c| c.is_ascii_digit())).then(|| name.to_owned());
    for component in components.as_array().into_iter().flatten() {
        let kind = component.get("type").and_then(Value::as_str).unwrap_or("");
        match kind.to_ascii_uppercase().as_str() {
            "HEADER" => {
                let format = component
                    .get("format")
                    .and_then(Value::as_str)
                    .unwrap_or("TEXT")
                    .to_ascii_lowercase();
                if format == "text" {
                    for name in placeholders(&text_of(component)) {
                        parameters.push(TemplateParameter {
                            key: format!("header.{name}"),
                            name: named(&name),
                            slot: ParameterSlot::HeaderText,
                        });
                    }
                } else if matches!(format.as_str(), "image" | "video" | "document") {
                    parameters.push(TemplateParameter {
                        key: format!("header.{format}"),
                        name: None,
                        slot: ParameterSlot::HeaderMedia(format),
                    });
                }
            }
            "BODY" => {
                for name in placeholders(&text_of(component)) {
                    parameters.push(TemplateParameter {
                        key: name.clone(),
                        name: named(&name),
                        slot: ParameterSlot::Body,
                    });
                }
            }
            "BUTTONS" => {
                let buttons = component.get("buttons").and_then(Value::as_array);
                for (index, button) in buttons.into_iter().flatten().enumerate() {
                    let url = button.get("url").and_then(Value::as_str).unwrap_or("");
                    let is_url = button.get("type").and_then(Value::as_str) == Some("URL");
                    if let (true, false, Ok(index)) =
                        (is_url, placeholders(url).is_empty(), u8::try_from(index))
                    {
                        parameters.push(TemplateParameter {
                            key: format!("button.{index}"),
                            name: None,
                            slot: ParameterSlot::UrlButton(index),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    parameters
}

/// Why a recipient's values do not fit the template; names the parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    /// A parameter the template needs has no value (or an empty one).
    #[error("parameter `{0}` is missing: the template needs it")]
    Missing(String),
    /// A value for a parameter the template does not have.
    #[error("parameter `{0}` is not one of the template's parameters")]
    Unknown(String),
    /// A value Meta would refuse.
    #[error("parameter `{key}` is invalid: {reason}")]
    Invalid {
        /// The parameter.
        key: String,
        /// Why.
        reason: String,
    },
}

impl ParameterError {
    /// The parameter it names.
    pub fn key(&self) -> &str {
        match self {
            Self::Missing(key) | Self::Unknown(key) | Self::Invalid { key, .. } => key,
        }
    }
}

/// The longest text parameter Meta takes in a body (1,024 characters; a header's is 60).
const MAX_BODY_PARAMETER: usize = 1024;
const MAX_HEADER_PARAMETER: usize = 60;

/// Checks a recipient's values against the template: every parameter given, no unknown one, each
/// within Meta's limits (text without newlines or tabs in a header, media links https).
pub fn check_parameters(
    template: &TemplateRecord,
    values: &BTreeMap<String, String>,
) -> Result<(), ParameterError> {
    for key in values.keys() {
        if !template.parameters.iter().any(|p| &p.key == key) {
            return Err(ParameterError::Unknown(key.clone()));
        }
    }
    for parameter in &template.parameters {
        let value = values
            .get(&parameter.key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ParameterError::Missing(parameter.key.clone()))?;
        let invalid = |reason: &str| ParameterError::Invalid {
            key: parameter.key.clone(),
            reason: reason.to_owned(),
        };
        match &parameter.slot {
            ParameterSlot::Body if value.chars().count() > MAX_BODY_PARAMETER => {
                return Err(invalid("longer than 1024 characters"));
            }
            ParameterSlot::HeaderText if value.chars().count() > MAX_HEADER_PARAMETER => {
                return Err(invalid("longer than 60 characters"));
            }
            ParameterSlot::HeaderText if value.contains(['\n', '\t']) => {
                return Err(invalid("a header value may not contain newlines or tabs"));
            }
            ParameterSlot::HeaderMedia(_) if !value.starts_with("https://") => {
                return Err(invalid("a media header needs an https:// link"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `POST /messages` body of the template to `to` with these (checked) values.
pub fn template_body(
    template: &TemplateRecord,
    to: &str,
    values: &BTreeMap<String, String>,
) -> String {
    let value_of = |p: &TemplateParameter| values.get(&p.key).map_or("", |v| v.trim()).to_owned();
    let text = |p: &TemplateParameter| match &p.name {
        Some(name) => json!({"type": "text", "parameter_name": name, "text": value_of(p)}),
        None => json!({"type": "text", "text": value_of(p)}),
    };
    let mut header = Vec::new();
    let mut body = Vec::new();
    let mut buttons = Vec::new();
    for parameter in &template.parameters {
        match &parameter.slot {
            ParameterSlot::HeaderText => header.push(text(parameter)),
            ParameterSlot::HeaderMedia(kind) => {
                header.push(json!({"type": kind, kind.as_str(): {"link": value_of(parameter)}}));
            }
            ParameterSlot::Body => body.push(text(parameter)),
            ParameterSlot::UrlButton(index) => buttons.push(json!({
                "type": "button", "sub_type": "url", "index": index.to_string(),
                "parameters": [{"type": "text", "text": value_of(parameter)}]})),
        }
    }
    let mut components = Vec::new();
    if !header.is_empty() {
        components.push(json!({"type": "header", "parameters": header}));
    }
    if !body.is_empty() {
        components.push(json!({"type": "body", "parameters": body}));
    }
    components.extend(buttons);
    let mut message = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {"name": template.name, "language": {"code": template.language}},
    });
    if !components.is_empty() {
        message["template"]["components"] = Value::Array(components);
    }
    message.to_string()
}

/// A change Meta announces about a template (`message_template_status_update`,
/// `message_template_quality_update`, `template_category_update` webhooks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUpdate {
    /// Meta's id of the template.
    pub meta_id: Option<String>,
    /// Its name, when given.
    pub name: Option<String>,
    /// Its language, when given.
    pub language: Option<String>,
    /// What changed.
    pub change: TemplateChange,
}

/// What a template webhook changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateChange {
    /// A new status (`APPROVED`, `PAUSED`, `DISABLED`, …), with Meta's reason.
    Status {
        /// The status.
        status: String,
        /// Meta's reason, if any.
        reason: Option<String>,
    },
    /// A new quality score (`GREEN`, `YELLOW`, `RED`).
    Quality(String),
    /// A new category.
    Category(String),
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
