//! Conformance with Meta's OpenAPI description (vendored under `tests/data/meta-openapi/`): every
//! webhook example parses, our builders reproduce the send examples, and every body we build validates
//! against the request schema of `POST /{Version}/{Phone-Number-ID}/messages`.

use std::path::Path;
use std::sync::OnceLock;

use crate::schema;
use serde_json::{Value, json};
use wabot_cloud_api::{
    ButtonReply, Change, InteractiveParts, LocationObject, MarkRead, MediaKind, MediaObject,
    MessageContent, OutboundMessage, Row, Section, Template, WebhookPayload, render,
};
use wabot_engine::{DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData, Input, Menu};

pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/meta-openapi/business-messaging-api_v23.0.yaml");
        let text = std::fs::read_to_string(path).unwrap();
        serde_norway::from_str(&text).unwrap()
    })
}

fn examples(path: &str) -> Vec<(String, Value)> {
    let examples =
        &spec()["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"];
    examples
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, example)| (name.clone(), example["value"].clone()))
        .collect()
}

#[test]
fn all_sixteen_webhook_examples_parse_without_unknowns() {
    let examples = examples("/whatsapp/webhooks");
    assert_eq!(examples.len(), 16);
    let mut messages = 0;
    let mut other_fields = 0;
    for (name, example) in examples {
        let body = serde_json::to_vec(&example).unwrap();
        let payload = WebhookPayload::parse(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(payload.object, "whatsapp_business_account", "{name}");
        for change in payload.entries.iter().flat_map(|entry| &entry.changes) {
            match change {
                Change::Messages(value) => {
                    assert!(!value.messages.is_empty(), "{name}: no message read");
                    for message in &value.messages {
                        messages += 1;
                        assert!(!message.id.is_empty(), "{name}: no id");
                        assert!(message.sender().is_some(), "{name}: no sender");
                        assert!(message.timestamp.is_some(), "{name}: no timestamp");
                        let unknown = matches!(message.content, MessageContent::Unknown { .. });
                        assert!(
                            !unknown,
                            "{name}: content not understood: {:?}",
                            message.content
                        );
                    }
                }
                Change::Echoes(_) => panic!("{name}: no example has echoes"),
                Change::Unknown { field, .. } => {
                    assert!(
                        field.starts_with("group"),
                        "{name}: unexpected field {field}"
                    );
                    other_fields += 1;
                }
            }
        }
    }
    assert_eq!((messages, other_fields), (13, 3));
}

/// The spec's send examples with placeholders a real request cannot have replaced.
fn send_example(name: &str) -> Value {
    let (_, mut example) = examples("/{Version}/{Phone-Number-ID}/messages")
        .into_iter()
        .find(|(example_name, _)| example_name == name)
        .unwrap_or_else(|| panic!("no example {name}"));
    for kind in ["audio", "document", "image", "sticker", "video"] {
        if let Some(link) = example.pointer_mut(&format!("/{kind}/link")) {
            *link = json!(format!("https://example.com/{kind}"));
        }
    }
    // Meta fills in `recipient_type` and `type` when an example leaves them out; we always send them.
    if let Some(object) = example.as_object_mut() {
        if !object.contains_key("status") {
            object
                .entry("recipient_type")
                .or_insert(json!("individual"));
        }
        if !object.contains_key("type") && !object.contains_key("status") {
            let kind = [
                "text",
                "template",
                "interactive",
                "image",
                "audio",
                "video",
                "document",
                "sticker",
                "location",
                "reaction",
            ]
            .into_iter()
            .find(|kind| object.contains_key(*kind));
            if let Some(kind) = kind {
                object.insert("type".into(), json!(kind));
            }
        }
    }
    if let Some(code) = example.pointer_mut("/template/language/code")
        && code
            .as_str()
            .is_some_and(|code| code.starts_with('<') || code == "language-and-locale-code")
    {
        *code = json!("en_US");
    }
    example
}

fn text_of(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn media_from(example: &Value, kind: &str) -> MediaObject {
    serde_json::from_value(example[kind].clone()).unwrap()
}

fn rebuild(name: &str, example: &Value) -> Value {
    let to = text_of(example, "/to");
    let media =
        |kind: MediaKind, key: &str| OutboundMessage::media(&to, kind, media_from(example, key));
    let message = match name {
        "Send Text Message"
        | "Send Text Message with Preview URL"
        | "Send Reply to Text Message" => {
            let preview = example
                .pointer("/text/preview_url")
                .and_then(Value::as_bool);
            let reply_to = example
                .pointer("/context/message_id")
                .and_then(Value::as_str);
            OutboundMessage::text(&to, &text_of(example, "/text/body")).map(|message| {
                let message = match preview {
                    Some(preview) => message.with_preview_url(preview),
                    None => message,
                };
                match reply_to {
                    Some(id) => message.in_reply_to(id),
                    None => message,
                }
            })
        }
        name if name.starts_with("Send Audio") => media(MediaKind::Audio, "audio"),
        name if name.starts_with("Send Document") => media(MediaKind::Document, "document"),
        name if name.starts_with("Send Image") => media(MediaKind::Image, "image"),
        name if name.starts_with("Send Sticker") => media(MediaKind::Sticker, "sticker"),
        name if name.starts_with("Send Video") => media(MediaKind::Video, "video"),
        "Send Location Message" => OutboundMessage::location(
            &to,
            serde_json::from_value::<LocationObject>(example["location"].clone()).unwrap(),
        ),
        "Send Reply with Reaction Message" => OutboundMessage::reaction(
            &to,
            &text_of(example, "/reaction/message_id"),
            &text_of(example, "/reaction/emoji"),
        ),
        "Send Sample Text Message"
        | "Send Message Template Text"
        | "Send Message Template Media" => OutboundMessage::template(
            &to,
            serde_json::from_value::<Template>(example["template"].clone()).unwrap(),
        ),
        "Send Reply Button" | "Send List Message" => {
            let interactive = &example["interactive"];
            let parts = InteractiveParts {
                header: interactive
                    .pointer("/header/text")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                body: text_of(interactive, "/body/text"),
                footer: interactive
                    .pointer("/footer/text")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            };
            if name == "Send Reply Button" {
                let buttons: Vec<ButtonReply> = interactive["action"]["buttons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|button| serde_json::from_value(button["reply"].clone()).unwrap())
                    .collect();
                OutboundMessage::buttons(&to, &parts, &buttons)
            } else {
                let sections: Vec<Section> =
                    serde_json::from_value(interactive["action"]["sections"].clone()).unwrap();
                OutboundMessage::list(
                    &to,
                    &parts,
                    &text_of(interactive, "/action/button"),
                    &sections,
                )
            }
        }
        "Send typing indicator and read receipt" => {
            let read = MarkRead::new(&text_of(example, "/message_id"))
                .unwrap()
                .with_typing_indicator();
            return serde_json::to_value(read).unwrap();
        }
        other => panic!("no builder mapped for {other}"),
    };
    serde_json::to_value(message.unwrap_or_else(|e| panic!("{name}: {e}"))).unwrap()
}

/// The send examples of every kind we build.
const BUILT_KINDS: &[&str] = &[
    "Send Text Message",
    "Send Sample Text Message",
    "Send Text Message with Preview URL",
    "Send Reply to Text Message",
    "Send Audio Message by ID",
    "Send Audio Message by URL",
    "Send Document Message by ID",
    "Send Document Message by URL",
    "Send Image Message by ID",
    "Send Image Message by URL",
    "Send Sticker Message by ID",
    "Send Sticker Message by URL",
    "Send Video Message by ID",
    "Send Video Message by URL",
    "Send Location Message",
    "Send Reply with Reaction Message",
    "Send Message Template Text",
    "Send Message Template Media",
    "Send Reply Button",
    "Send List Message",
    "Send typing indicator and read receipt",
];

#[test]
fn our_builders_reproduce_metas_send_examples() {
    let mut failures = Vec::new();
    for name in BUILT_KINDS {
        let example = send_example(name);
        let built = rebuild(name, &example);
        if built != example {
            failures.push(format!("{name}:\n  meta: {example}\n  ours: {built}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn assert_valid(what: &str, body: &Value) {
    let errors: Vec<String> = schema::request_validator(spec())
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{body}\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_patched_schema_still_refuses_wrong_bodies() {
    let text = serde_json::to_value(OutboundMessage::text("15551234567", "hi").unwrap()).unwrap();
    assert_valid("a text message", &text);
    let mut unknown_key = text.clone();
    unknown_key["surprise"] = json!(1);
    assert!(!schema::request_validator(spec()).is_valid(&unknown_key));
    let mut no_to = text;
    no_to.as_object_mut().unwrap().remove("to");
    assert!(!schema::request_validator(spec()).is_valid(&no_to));
}

#[test]
fn every_builder_output_validates_against_the_request_schema() {
    for name in BUILT_KINDS
        .iter()
        .filter(|name| !name.contains("read receipt"))
    {
        assert_valid(name, &rebuild(name, &send_example(name)));
    }
    let with_callback = OutboundMessage::text("15551234567", "hello")
        .unwrap()
        .in_reply_to("wamid.X")
        .with_callback_data("order-42")
        .unwrap();
    assert_valid(
        "text with context and callback data",
        &serde_json::to_value(with_callback).unwrap(),
    );
    let media = OutboundMessage::media(
        "15551234567",
        MediaKind::Document,
        MediaObject {
            id: Some("123".into()),
            caption: Some("Invoice".into()),
            filename: Some("invoice.pdf".into()),
            link: None,
        },
    );
    assert_valid(
        "document with caption and file name",
        &serde_json::to_value(media.unwrap()).unwrap(),
    );
    let rows = vec![Row {
        id: "r1".into(),
        title: "One".into(),
        description: Some("First".into()),
    }];
    let parts = InteractiveParts {
        header: Some("Head".into()),
        body: "Body".into(),
        footer: Some("Foot".into()),
    };
    let list = OutboundMessage::list(
        "15551234567",
        &parts,
        "Choose",
        &[Section {
            title: "All".into(),
            rows,
        }],
    );
    assert_valid(
        "list with header and footer",
        &serde_json::to_value(list.unwrap()).unwrap(),
    );
}

#[test]
fn every_rendered_reply_of_the_default_menu_validates() {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let mut data = InMemoryBusinessData::demo(now.date_naive());
    let mut state = wabot_engine::ConversationState::new(DEMO_CUSTOMER);
    let script = [
        "hi",
        "1",
        "1",
        "2",
        "ORD-001",
        "3",
        "0",
        "2",
        "1",
        "skip",
        "The leg broke off the table.",
        "skip",
        "yes",
        "2",
        "3",
        "DEF-001",
        "0",
        "3",
        "1",
        "2",
        "3",
        "0",
        "4",
        "1",
        "2",
        // Help → Contact hands the conversation to a person; "menu" comes back to the bot.
        "menu",
        "4",
        "3",
        "Great service!",
        "what",
    ];
    let mut rendered = 0;
    for text in script {
        let step = engine
            .step(now, &state, &Input::text(text), &mut data)
            .unwrap();
        for reply in &step.replies {
            for message in render(reply, DEMO_CUSTOMER) {
                assert_valid(
                    &format!("the reply to {text:?}"),
                    &serde_json::to_value(&message).unwrap(),
                );
                rendered += 1;
            }
        }
        state = step.state;
    }
    assert!(rendered >= 40, "only {rendered} messages rendered");
}
