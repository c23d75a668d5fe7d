//! The bodies we POST to `/{version}/{phone-number-id}/messages`, as serde types. Make them with the
//! checked constructors in `builders.rs`; the fields are public so callers can read what will be sent.

use serde::{Deserialize, Serialize};

/// One message to send: `{"messaging_product": "whatsapp", "recipient_type": "individual", "to", "type", …}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// Always `whatsapp`.
    pub messaging_product: String,
    /// Always `individual` here.
    pub recipient_type: String,
    /// The recipient's WhatsApp id or phone number.
    pub to: String,
    /// The message this one replies to (quoted in the chat), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<ReplyContext>,
    /// A string Meta echoes back in status webhooks (≤ 512 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
    /// The content, with its `type`.
    #[serde(flatten)]
    pub body: MessageBody,
}

/// `context`: which message is quoted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyContext {
    /// The quoted message's id.
    pub message_id: String,
}

/// The typed content of an [`OutboundMessage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text.
    Text {
        /// The text object.
        text: Text,
    },
    /// Reply buttons or a list.
    Interactive {
        /// The interactive object.
        interactive: Interactive,
    },
    /// An approved template.
    Template {
        /// The template object.
        template: Template,
    },
    /// A photo.
    Image {
        /// The media object.
        image: MediaObject,
    },
    /// A video.
    Video {
        /// The media object.
        video: MediaObject,
    },
    /// Audio.
    Audio {
        /// The media object.
        audio: MediaObject,
    },
    /// A document.
    Document {
        /// The media object.
        document: MediaObject,
    },
    /// A sticker.
    Sticker {
        /// The media object.
        sticker: MediaObject,
    },
    /// A location pin.
    Location {
        /// The location object.
        location: LocationObject,
    },
    /// A reaction to a message.
    Reaction {
        /// The reaction object.
        reaction: ReactionObject,
    },
}

/// `text`: a body and whether to preview a link in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// ≤ 4096 characters.
    pub body: String,
    /// Try to show a preview of the first http(s) link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<bool>,
}

/// `{"text": "..."}`, as used for interactive bodies and footers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextObject {
    /// The text.
    pub text: String,
}

/// A text header of an interactive message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always `text` here.
    #[serde(rename = "type")]
    pub kind: String,
    /// ≤ 60 characters.
    pub text: String,
}

/// `interactive`: reply buttons or a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interactive {
    /// 1–3 reply buttons.
    Button {
        /// Optional text header.
        #[serde(skip_serializing_if = "Option::is_none")]
        header: Option<Header>,
        /// The body (≤ 1024).
        body: TextObject,
        /// Optional footer (≤ 60).
        #[serde(skip_serializing_if = "Option::is_none")]
        footer: Option<TextObject>,
        /// The buttons.
        action: ButtonAction,
    },
    /// A list of up to 10 rows behind a button.
    List {
        /// Optional text header.
        #[serde(skip_serializing_if = "Option::is_none")]
        header: Option<Header>,
        /// The body (≤ 1024 kept here, though lists allow more).
        body: TextObject,
        /// Optional footer (≤ 60).
        #[serde(skip_serializing_if = "Option::is_none")]
        footer: Option<TextObject>,
        /// The button and the rows.
        action: ListAction,
    },
}

/// `action` of a button message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonAction {
    /// 1–3 buttons.
    pub buttons: Vec<ReplyButton>,
}

/// One reply button: `{"type": "reply", "reply": {"id", "title"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButton {
    /// Always `reply`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id and title.
    pub reply: ButtonReply,
}

/// The id (≤ 256) and title (≤ 20) of a reply button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ButtonReply {
    /// Comes back in the button_reply webhook.
    pub id: String,
    /// Shown on the button.
    pub title: String,
}

/// `action` of a list message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAction {
    /// The label of the button that opens the list (≤ 20).
    pub button: String,
    /// 1–10 sections with 10 rows in all.
    pub sections: Vec<Section>,
}

/// A titled group of list rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// ≤ 24 characters.
    pub title: String,
    /// The rows.
    pub rows: Vec<Row>,
}

/// One list row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Comes back in the list_reply webhook (≤ 200).
    pub id: String,
    /// ≤ 24 characters.
    pub title: String,
    /// ≤ 72 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `template`: an approved template by name and language, with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// The template's name.
    pub name: String,
    /// Its language.
    pub language: Language,
    /// Parameters by component.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<TemplateComponent>,
}

/// A template language: `{"code": "en_US"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    /// The language code, e.g. `en_US`.
    pub code: String,
}

/// One component's parameters: `header`, `body` or `button`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateComponent {
    /// `header`, `body` or `button`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For buttons: `quick_reply`, `url`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    /// For buttons: the button's position, as a string ("0").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// The values, in order.
    pub parameters: Vec<serde_json::Value>,
}

/// A media object: by uploaded `id` or by `link`, with an optional caption and file name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaObject {
    /// An uploaded media id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A public https link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A caption (image, video, document; ≤ 1024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The file name shown (document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
}

/// A location pin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocationObject {
    /// −90 to 90.
    pub latitude: f64,
    /// −180 to 180.
    pub longitude: f64,
    /// A place name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// An address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A reaction: an emoji on a message (an empty emoji removes it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionObject {
    /// The message reacted to.
    pub message_id: String,
    /// The emoji.
    pub emoji: String,
}

/// Marks an inbound message (and those before it) as read, optionally showing "typing…".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkRead {
    /// Always `whatsapp`.
    pub messaging_product: String,
    /// Always `read`.
    pub status: String,
    /// The inbound message's id.
    pub message_id: String,
    /// `{"type": "text"}` to show the typing indicator (for up to 25 s or until we answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typing_indicator: Option<TypingIndicator>,
}

/// `{"type": "text"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingIndicator {
    /// Always `text`.
    #[serde(rename = "type")]
    pub kind: String,
}
