//! Checked constructors for outbound messages: each validates WhatsApp's counts and lengths before
//! anything is sent, and a refusal names the field (as a JSON path) and the limit.

use wabot_engine::{MediaKind, limits};

use crate::checks::{BuildError, count, optional_text, text, unique};

use crate::outbound::{
    ButtonAction, ButtonReply, Header, Interactive, ListAction, LocationObject, MarkRead,
    MediaObject, MessageBody, OutboundMessage, ReactionObject, ReplyButton, ReplyContext, Section,
    Template, Text, TextObject, TypingIndicator,
};

/// Header, body and footer of an interactive message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InteractiveParts {
    /// Optional text header (≤ 60).
    pub header: Option<String>,
    /// The body (≤ 1024).
    pub body: String,
    /// Optional footer (≤ 60).
    pub footer: Option<String>,
}

impl InteractiveParts {
    fn check(&self) -> Result<(Option<Header>, TextObject, Option<TextObject>), BuildError> {
        if let Some(header) = &self.header {
            text("interactive.header.text", header, limits::MAX_HEADER)?;
        }
        text(
            "interactive.body.text",
            &self.body,
            limits::MAX_INTERACTIVE_BODY,
        )?;
        if let Some(footer) = &self.footer {
            text("interactive.footer.text", footer, limits::MAX_FOOTER)?;
        }
        Ok((
            self.header.clone().map(|text| Header {
                kind: "text".to_owned(),
                text,
            }),
            TextObject {
                text: self.body.clone(),
            },
            self.footer.clone().map(|text| TextObject { text }),
        ))
    }
}

impl OutboundMessage {
    fn to(to: &str, body: MessageBody) -> Result<Self, BuildError> {
        text("to", to, 64)?;
        Ok(Self {
            messaging_product: "whatsapp".to_owned(),
            recipient_type: "individual".to_owned(),
            to: to.to_owned(),
            context: None,
            biz_opaque_callback_data: None,
            body,
        })
    }

    /// A text message (≤ 4096 characters).
    pub fn text(to: &str, body: &str) -> Result<Self, BuildError> {
        text("text.body", body, limits::MAX_TEXT)?;
        let text = Text {
            body: body.to_owned(),
            preview_url: None,
        };
        Self::to(to, MessageBody::Text { text })
    }

    /// Asks WhatsApp to preview the first link of a text message (no effect on other kinds).
    pub fn with_preview_url(mut self, preview: bool) -> Self {
        if let MessageBody::Text { text } = &mut self.body {
            text.preview_url = Some(preview);
        }
        self
    }

    /// 1–3 reply buttons, each `(id ≤ 256, title ≤ 20)`, ids and titles unique.
    pub fn buttons(
        to: &str,
        parts: &InteractiveParts,
        buttons: &[ButtonReply],
    ) -> Result<Self, BuildError> {
        let (header, body, footer) = parts.check()?;
        count(
            "interactive.action.buttons",
            buttons.len(),
            1,
            limits::MAX_BUTTONS,
        )?;
        for (index, button) in buttons.iter().enumerate() {
            let path = format!("interactive.action.buttons[{index}].reply");
            text(&format!("{path}.id"), &button.id, limits::MAX_BUTTON_ID)?;
            text(
                &format!("{path}.title"),
                &button.title,
                limits::MAX_BUTTON_TITLE,
            )?;
        }
        unique(
            "interactive.action.buttons[].reply.id",
            buttons.iter().map(|b| b.id.as_str()),
        )?;
        unique(
            "interactive.action.buttons[].reply.title",
            buttons.iter().map(|b| b.title.as_str()),
        )?;
        let buttons = buttons
            .iter()
            .map(|reply| ReplyButton {
                kind: "reply".to_owned(),
                reply: reply.clone(),
            })
            .collect();
        let interactive = Interactive::Button {
            header,
            body,
            footer,
            action: ButtonAction { buttons },
        };
        Self::to(to, MessageBody::Interactive { interactive })
    }

    /// A list: a button label (≤ 20) and 1–10 sections (titles ≤ 24) with 1–10 rows in all (row id
    /// ≤ 200, title ≤ 24, description ≤ 72, ids unique).
    pub fn list(
        to: &str,
        parts: &InteractiveParts,
        button: &str,
        sections: &[Section],
    ) -> Result<Self, BuildError> {
        let (header, body, footer) = parts.check()?;
        text("interactive.action.button", button, limits::MAX_LIST_BUTTON)?;
        count(
            "interactive.action.sections",
            sections.len(),
            1,
            limits::MAX_SECTIONS,
        )?;
        let rows = sections.iter().map(|section| section.rows.len()).sum();
        count(
            "interactive.action.sections[].rows",
            rows,
            1,
            limits::MAX_LIST_ROWS,
        )?;
        for (s, section) in sections.iter().enumerate() {
            let path = format!("interactive.action.sections[{s}]");
            text(
                &format!("{path}.title"),
                &section.title,
                limits::MAX_SECTION_TITLE,
            )?;
            for (r, row) in section.rows.iter().enumerate() {
                let path = format!("{path}.rows[{r}]");
                text(&format!("{path}.id"), &row.id, limits::MAX_ROW_ID)?;
                text(&format!("{path}.title"), &row.title, limits::MAX_ROW_TITLE)?;
                if let Some(description) = &row.description {
                    optional_text(
                        &format!("{path}.description"),
                        description,
                        limits::MAX_ROW_DESCRIPTION,
                    )?;
                }
            }
        }
        let ids = sections
            .iter()
            .flat_map(|section| section.rows.iter().map(|row| row.id.as_str()));
        unique("interactive.action.sections[].rows[].id", ids)?;
        let action = ListAction {
            button: button.to_owned(),
            sections: sections.to_vec(),
        };
        let interactive = Interactive::List {
            header,
            body,
            footer,
            action,
        };
        Self::to(to, MessageBody::Interactive { interactive })
    }

    /// An approved template with its parameters (each parameter an object with a `type`).
    pub fn template(to: &str, template: Template) -> Result<Self, BuildError> {
        text("template.name", &template.name, limits::MAX_TEMPLATE_NAME)?;
        text("template.language.code", &template.language.code, 16)?;
        for (index, component) in template.components.iter().enumerate() {
            let path = format!("template.components[{index}]");
            if !matches!(component.kind.as_str(), "header" | "body" | "button") {
                return Err(BuildError::Invalid {
                    field: format!("{path}.type"),
                    reason: "must be header, body or button",
                });
            }
            if component.kind == "button"
                && (component.sub_type.is_none() || component.index.is_none())
            {
                return Err(BuildError::Invalid {
                    field: path,
                    reason: "a button component needs sub_type and index",
                });
            }
            for (p, parameter) in component.parameters.iter().enumerate() {
                if parameter
                    .get("type")
                    .and_then(serde_json::Value::as_str)
                    .is_none()
                {
                    return Err(BuildError::Invalid {
                        field: format!("{path}.parameters[{p}].type"),
                        reason: "every parameter is an object with a type",
                    });
                }
            }
        }
        Self::to(to, MessageBody::Template { template })
    }

    /// A media message by uploaded id or https link (exactly one), with caption (image, video,
    /// document; ≤ 1024) and file name (document) where they apply.
    pub fn media(to: &str, kind: MediaKind, media: MediaObject) -> Result<Self, BuildError> {
        let field = match kind {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        };
        match (&media.id, &media.link) {
            (Some(id), None) => text(&format!("{field}.id"), id, 256)?,
            (None, Some(link)) if link.starts_with("https://") || link.starts_with("http://") => {}
            (None, Some(_)) => {
                return Err(BuildError::Invalid {
                    field: format!("{field}.link"),
                    reason: "must be an http(s) URL",
                });
            }
            _ => {
                return Err(BuildError::Invalid {
                    field: field.to_owned(),
                    reason: "give exactly one of id and link",
                });
            }
        }
        let takes_caption = matches!(
            kind,
            MediaKind::Image | MediaKind::Video | MediaKind::Document
        );
        if let Some(caption) = &media.caption {
            if !takes_caption {
                return Err(BuildError::Invalid {
                    field: format!("{field}.caption"),
                    reason: "only images, videos and documents have captions",
                });
            }
            optional_text(&format!("{field}.caption"), caption, limits::MAX_CAPTION)?;
        }
        if media.filename.is_some() && kind != MediaKind::Document {
            return Err(BuildError::Invalid {
                field: format!("{field}.filename"),
                reason: "only documents have file names",
            });
        }
        let body = match kind {
            MediaKind::Image => MessageBody::Image { image: media },
            MediaKind::Video => MessageBody::Video { video: media },
            MediaKind::Audio => MessageBody::Audio { audio: media },
            MediaKind::Document => MessageBody::Document { document: media },
            MediaKind::Sticker => MessageBody::Sticker { sticker: media },
        };
        Self::to(to, body)
    }

    /// A location pin (latitude −90…90, longitude −180…180).
    pub fn location(to: &str, location: LocationObject) -> Result<Self, BuildError> {
        if !(-90.0..=90.0).contains(&location.latitude) {
            return Err(BuildError::Invalid {
                field: "location.latitude".into(),
                reason: "must be from -90 to 90",
            });
        }
        if !(-180.0..=180.0).contains(&location.longitude) {
            return Err(BuildError::Invalid {
                field: "location.longitude".into(),
                reason: "must be from -180 to 180",
            });
        }
        Self::to(to, MessageBody::Location { location })
    }

    /// A reaction; an empty emoji removes an earlier one.
    pub fn reaction(to: &str, message_id: &str, emoji: &str) -> Result<Self, BuildError> {
        text("reaction.message_id", message_id, 256)?;
        optional_text("reaction.emoji", emoji, 16)?;
        let reaction = ReactionObject {
            message_id: message_id.to_owned(),
            emoji: emoji.to_owned(),
        };
        Self::to(to, MessageBody::Reaction { reaction })
    }

    /// Quotes the message it answers.
    pub fn in_reply_to(mut self, message_id: &str) -> Self {
        self.context = Some(ReplyContext {
            message_id: message_id.to_owned(),
        });
        self
    }

    /// Attaches a string that status webhooks echo back (≤ 512).
    pub fn with_callback_data(mut self, data: &str) -> Result<Self, BuildError> {
        optional_text("biz_opaque_callback_data", data, limits::MAX_CALLBACK_DATA)?;
        self.biz_opaque_callback_data = Some(data.to_owned());
        Ok(self)
    }
}

impl MarkRead {
    /// Marks `message_id` (and earlier messages) as read.
    pub fn new(message_id: &str) -> Result<Self, BuildError> {
        text("message_id", message_id, 256)?;
        Ok(Self {
            messaging_product: "whatsapp".to_owned(),
            status: "read".to_owned(),
            message_id: message_id.to_owned(),
            typing_indicator: None,
        })
    }

    /// Also shows "typing…" until we answer (or 25 s pass).
    pub fn with_typing_indicator(mut self) -> Self {
        self.typing_indicator = Some(TypingIndicator {
            kind: "text".to_owned(),
        });
        self
    }
}
