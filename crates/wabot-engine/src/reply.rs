//! What a step produces: abstract replies (rendering them is the caller's job) and analytics events.

use serde::{Deserialize, Serialize};

/// One message from the bot, independent of how a channel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// Plain text (at most 4096 characters as produced from a valid menu file, except for long
    /// business data lists, which renderers split on line boundaries).
    Text {
        /// The text.
        body: String,
    },
    /// A choice among options: reply buttons, a list, or numbered text, as the renderer decides.
    Menu(MenuReply),
}

/// A menu to show: options the customer can pick by number, title or interactive reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuReply {
    /// A short title above the body, if any.
    pub header: Option<String>,
    /// The question or explanation.
    pub body: String,
    /// A short line under the body, if any.
    pub footer: Option<String>,
    /// The label of the button that opens a list.
    pub button: String,
    /// The options, in order.
    pub options: Vec<ReplyOption>,
}

/// One option of a [`MenuReply`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyOption {
    /// The interactive reply id that selects it (unique in the whole menu).
    pub id: String,
    /// The number a customer may type instead, if it has one.
    pub key: Option<u32>,
    /// The title.
    pub title: String,
    /// A longer description (lists only), if any.
    pub description: Option<String>,
}

impl Reply {
    /// A text reply.
    pub fn text(body: impl Into<String>) -> Self {
        Reply::Text { body: body.into() }
    }

    /// The reply as plain text, the way a customer without interactive messages would read it:
    /// a menu becomes its header in bold, its body, one numbered line per option, and its footer.
    pub fn to_plain_text(&self) -> String {
        match self {
            Reply::Text { body } => body.clone(),
            Reply::Menu(menu) => {
                let mut out = String::new();
                if let Some(header) = &menu.header {
                    out.push('*');
                    out.push_str(header);
                    out.push_str("*\n");
                }
                out.push_str(&menu.body);
                out.push('\n');
                for option in &menu.options {
                    out.push('\n');
                    if let Some(key) = option.key {
                        out.push_str(&key.to_string());
                        out.push_str(". ");
                    }
                    out.push_str(&option.title);
                    if let Some(description) = &option.description {
                        out.push_str(" — ");
                        out.push_str(description);
                    }
                }
                if let Some(footer) = &menu.footer {
                    out.push_str("\n\n_");
                    out.push_str(footer);
                    out.push('_');
                }
                out
            }
        }
    }
}

/// Why a form ended without its action running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbandonReason {
    /// The customer said cancel, back, or answered no to the confirmation.
    Cancelled,
    /// The customer asked for the main menu or picked another menu's option.
    LeftForMenu,
    /// Too many invalid answers in a row.
    TooManyAttempts,
    /// The session expired in the middle of it.
    Expired,
}

/// Something that happened in a step, for analytics (menu usage, drop-off, misunderstandings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A customer talked to the bot for the first time (no previous state).
    SessionStarted,
    /// The previous session had been idle longer than the timeout and was started afresh.
    SessionExpired,
    /// A node was shown or run.
    NodeEntered {
        /// Its id.
        node: String,
    },
    /// An option of a menu was chosen.
    OptionChosen {
        /// The menu's id.
        node: String,
        /// The option's key.
        key: u32,
    },
    /// A form collected every field and its action ran.
    FormCompleted {
        /// The form's id.
        node: String,
    },
    /// A form ended without running its action.
    FormAbandoned {
        /// The form's id.
        node: String,
        /// Why.
        reason: AbandonReason,
    },
    /// The input matched nothing at that point.
    NotUnderstood {
        /// Where the customer was.
        node: String,
    },
}

/// The outcome of one [`crate::Engine::step`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The state to save (its version is one more than the input state's).
    pub state: crate::ConversationState,
    /// The replies to send, in order; empty only while the conversation is with a person.
    pub replies: Vec<Reply>,
    /// What happened, in order.
    pub events: Vec<Event>,
    /// How the step changed the conversation's handoff to a person, if it did.
    pub handoff: Option<HandoffChange>,
}

/// A change of a conversation's handoff to a person, for the store to record with the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandoffChange {
    /// The customer asked for a person: through the handoff node named, or a word (`None`).
    Opened {
        /// The handoff node, if one was entered.
        node: Option<String>,
    },
    /// The customer left the queue (the leave word) and is back with the bot.
    Left,
    /// Nobody having answered, the customer left a message for a call back.
    MessageLeft {
        /// What they wrote.
        text: String,
    },
}
