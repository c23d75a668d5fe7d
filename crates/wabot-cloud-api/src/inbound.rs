//! Inbound messages (`value.messages[]`): the fields every message has, and its typed content.
//!
//! Reading never fails: a type we do not know, or a known type whose object is missing or malformed,
//! becomes [`MessageContent::Unknown`] with the message's raw JSON, so nothing is dropped silently.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::{field, items, seconds};
use crate::status::WebhookError;

/// One message a customer sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InboundMessage {
    /// Meta's message id (normally `wamid.…`); the deduplication key. Empty if Meta sent none.
    pub id: String,
    /// The sender's WhatsApp id (phone), absent for users known only by business-scoped id.
    pub from: Option<String>,
    /// The sender's business-scoped user id (2026+).
    pub from_user_id: Option<String>,
    /// The sender's parent business-scoped user id, if any.
    pub from_parent_user_id: Option<String>,
    /// The group the message was sent in, if any.
    pub group_id: Option<String>,
    /// When it was sent (Unix seconds).
    pub timestamp: Option<i64>,
    /// The WhatsApp type name as sent (`text`, `interactive`, …).
    pub kind: String,
    /// What it replies to or was forwarded from.
    pub context: Option<MessageContext>,
    /// The ad that led to the chat, kept raw.
    pub referral: Option<Value>,
    /// Problems Meta reports with this message (e.g. 131051 for unsupported types).
    pub errors: Vec<WebhookError>,
    /// The content.
    pub content: MessageContent,
}

/// Where a message points: the message it answers, or forwarding flags.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct MessageContext {
    /// The sender of the quoted message.
    pub from: Option<String>,
    /// The quoted (or button-holding) message's id.
    pub id: Option<String>,
    /// Forwarded once.
    pub forwarded: bool,
    /// Forwarded many times.
    pub frequently_forwarded: bool,
    /// A product the customer asked about, kept raw.
    pub referred_product: Option<Value>,
}

/// A photo, video, audio, document or sticker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Media {
    /// The media id to download it with.
    pub id: String,
    /// Its MIME type.
    pub mime_type: Option<String>,
    /// Its SHA-256, as Meta gives it.
    pub sha256: Option<String>,
    /// A caption (image, video, document).
    pub caption: Option<String>,
    /// The file name (document).
    pub filename: Option<String>,
    /// A voice note rather than an audio file (audio).
    pub voice: Option<bool>,
    /// An animated sticker (sticker).
    pub animated: Option<bool>,
}

/// A shared location.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Location {
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// A place name, if any.
    pub name: Option<String>,
    /// An address, if any.
    pub address: Option<String>,
    /// A link, if any.
    pub url: Option<String>,
}

/// A reply to an interactive message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum InteractiveReply {
    /// A reply button was tapped.
    ButtonReply {
        /// The id we gave the button.
        id: String,
        /// Its title.
        title: String,
    },
    /// A list row was picked.
    ListReply {
        /// The id we gave the row.
        id: String,
        /// Its title.
        title: String,
        /// Its description.
        description: Option<String>,
    },
    /// A WhatsApp Flow was completed.
    NfmReply {
        /// The flow's name.
        name: Option<String>,
        /// A summary text.
        body: Option<String>,
        /// The flow's answers: a JSON document inside a string, as Meta sends it.
        response_json: Option<String>,
    },
    /// Another interactive reply type, kept raw.
    Unknown {
        /// `interactive.type`.
        kind: String,
        /// The `interactive` object.
        raw: Value,
    },
}

/// What a message carries, by WhatsApp type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MessageContent {
    /// `text`.
    Text {
        /// The text.
        body: String,
    },
    /// `interactive`: a tap on a button or list row, or a flow reply.
    Interactive(InteractiveReply),
    /// `button`: a quick-reply button of a template.
    Button {
        /// The payload set in the template.
        payload: Option<String>,
        /// The button text.
        text: Option<String>,
    },
    /// `image`.
    Image(Media),
    /// `video`.
    Video(Media),
    /// `audio` (voice notes too).
    Audio(Media),
    /// `document`.
    Document(Media),
    /// `sticker`.
    Sticker(Media),
    /// `location`.
    Location(Location),
    /// `contacts`: shared contact cards, kept raw.
    Contacts(Vec<Value>),
    /// `reaction`; `emoji` empty or absent means the reaction was removed.
    Reaction {
        /// The message reacted to.
        message_id: Option<String>,
        /// The emoji, if any.
        emoji: Option<String>,
    },
    /// `order`: a cart sent from a catalogue, kept raw.
    Order(Value),
    /// `system`: e.g. the customer changed number.
    System {
        /// `system.type`.
        kind: Option<String>,
        /// A sentence describing it.
        body: Option<String>,
        /// The new WhatsApp id, if it changed.
        wa_id: Option<String>,
        /// The new user id, if it changed.
        user_id: Option<String>,
    },
    /// `edit`: the customer edited an earlier message.
    Edit {
        /// The edited message.
        original_message_id: Option<String>,
        /// The new message, kept raw.
        message: Option<Value>,
    },
    /// `revoke`: the customer deleted an earlier message.
    Revoke {
        /// The deleted message.
        original_message_id: Option<String>,
    },
    /// `unsupported` (or the older `unknown`): a type WhatsApp does not deliver to the API.
    Unsupported {
        /// `unsupported.type`, when given (poll_update, gif, …).
        kind: Option<String>,
    },
    /// `request_welcome`: the customer opened the chat for the first time.
    RequestWelcome,
    /// Anything else, or a known type whose object was missing or malformed.
    Unknown {
        /// The whole message as received.
        raw: Value,
    },
}

impl InboundMessage {
    /// Reads one message; never fails (see the module documentation).
    pub fn from_json(raw: &Value) -> Self {
        let kind = field(raw, "type").unwrap_or_default();
        let content =
            content(&kind, raw).unwrap_or_else(|| MessageContent::Unknown { raw: raw.clone() });
        Self {
            id: field(raw, "id").unwrap_or_default(),
            from: field(raw, "from"),
            from_user_id: field(raw, "from_user_id"),
            from_parent_user_id: field(raw, "from_parent_user_id"),
            group_id: field(raw, "group_id"),
            timestamp: raw.get("timestamp").and_then(seconds),
            kind,
            context: raw
                .get("context")
                .and_then(|context| MessageContext::deserialize(context).ok()),
            referral: raw.get("referral").cloned(),
            errors: items(raw, "errors")
                .iter()
                .map(WebhookError::from_json)
                .collect(),
            content,
        }
    }

    /// Who sent it, as wabot keys contacts: the phone-based WhatsApp id when present, else the
    /// business-scoped user id.
    pub fn sender(&self) -> Option<&str> {
        self.from.as_deref().or(self.from_user_id.as_deref())
    }
}

fn media(raw: &Value, key: &str) -> Option<Media> {
    Media::deserialize(raw.get(key)?)
        .ok()
        .filter(|media| !media.id.is_empty())
}

fn interactive(object: &Value) -> Option<InteractiveReply> {
    let kind = field(object, "type")?;
    let reply = |key: &str| {
        let reply = object.get(key)?;
        Some((
            field(reply, "id")?,
            field(reply, "title").unwrap_or_default(),
            reply,
        ))
    };
    Some(match kind.as_str() {
        "button_reply" => {
            let (id, title, _) = reply("button_reply")?;
            InteractiveReply::ButtonReply { id, title }
        }
        "list_reply" => {
            let (id, title, row) = reply("list_reply")?;
            let description = field(row, "description");
            InteractiveReply::ListReply {
                id,
                title,
                description,
            }
        }
        "nfm_reply" => {
            let flow = object.get("nfm_reply")?;
            InteractiveReply::NfmReply {
                name: field(flow, "name"),
                body: field(flow, "body"),
                response_json: field(flow, "response_json"),
            }
        }
        _ => InteractiveReply::Unknown {
            kind,
            raw: object.clone(),
        },
    })
}

fn content(kind: &str, raw: &Value) -> Option<MessageContent> {
    let object = |key: &str| raw.get(key);
    Some(match kind {
        "text" => MessageContent::Text {
            body: field(object("text")?, "body")?,
        },
        "interactive" => MessageContent::Interactive(interactive(object("interactive")?)?),
        "button" => {
            let button = object("button")?;
            MessageContent::Button {
                payload: field(button, "payload"),
                text: field(button, "text"),
            }
        }
        "image" => MessageContent::Image(media(raw, "image")?),
        "video" => MessageContent::Video(media(raw, "video")?),
        "audio" => MessageContent::Audio(media(raw, "audio")?),
        "document" => MessageContent::Document(media(raw, "document")?),
        "sticker" => MessageContent::Sticker(media(raw, "sticker")?),
        "location" => MessageContent::Location(Location::deserialize(object("location")?).ok()?),
        "contacts" => MessageContent::Contacts(items(raw, "contacts").to_vec()),
        "reaction" => {
            let reaction = object("reaction")?;
            MessageContent::Reaction {
                message_id: field(reaction, "message_id"),
                emoji: field(reaction, "emoji").filter(|emoji| !emoji.is_empty()),
            }
        }
        "order" => MessageContent::Order(object("order")?.clone()),
        "system" => {
            let system = object("system")?;
            MessageContent::System {
                kind: field(system, "type"),
                body: field(system, "body"),
                wa_id: field(system, "wa_id"),
                user_id: field(system, "user_id"),
            }
        }
        "edit" => {
            let edit = object("edit")?;
            MessageContent::Edit {
                original_message_id: field(edit, "original_message_id"),
                message: edit.get("message").cloned(),
            }
        }
        "revoke" => MessageContent::Revoke {
            original_message_id: object("revoke")
                .and_then(|revoke| field(revoke, "original_message_id")),
        },
        "unsupported" | "unknown" => MessageContent::Unsupported {
            kind: object("unsupported").and_then(|unsupported| field(unsupported, "type")),
        },
        "request_welcome" => MessageContent::RequestWelcome,
        _ => return None,
    })
}
