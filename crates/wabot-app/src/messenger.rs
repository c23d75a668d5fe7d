//! What sending needs from the outside: a [`Messenger`] that sends one request body, the
//! [`ErrorClass`] of a failure, and a [`ReplyRenderer`] that turns engine replies into request bodies.

use std::future::Future;

use wabot_engine::Reply;

use crate::model::OutboundDraft;

/// What the sender should do about a failed send (decided by Meta's error code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// Transient (codes 1, 2, 131000, 131016, 131057, 5xx, timeouts, network): retry with backoff.
    Retry,
    /// Rate limited (4, 80007, 130429): slow the whole sender down, then retry.
    Throttled,
    /// Too many messages to this one recipient (131056): delay this recipient only.
    PairLimited,
    /// More than 24 hours since the customer last wrote (131047): needs a template; do not retry.
    OutsideWindow,
    /// The access token expired or is invalid (190, 0): alert; retrying cannot help until it is replaced.
    TokenExpired,
    /// Anything else: the message will never go through as it is; do not retry.
    Permanent,
}

impl ErrorClass {
    /// A stable name for logs, metrics and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retry => "retry",
            Self::Throttled => "throttled",
            Self::PairLimited => "pair_limited",
            Self::OutsideWindow => "outside_window",
            Self::TokenExpired => "token_expired",
            Self::Permanent => "permanent",
        }
    }
}

/// Why one send failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendFailure {
    /// What to do about it.
    pub class: ErrorClass,
    /// Meta's error code, if the failure came from the Graph API.
    pub code: Option<i64>,
    /// A short description (never containing the token).
    pub title: String,
}

/// What Meta answers when it accepts a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The id Meta gave the message (`wamid.…`).
    pub message_id: String,
    /// The recipient's WhatsApp id as Meta knows it, when it says (a number sent to in another
    /// form than WhatsApp's — Brazil's ninth digit, say — comes back in WhatsApp's form).
    pub wa_id: Option<String>,
}

impl Accepted {
    /// An acceptance with only a message id.
    pub fn id(message_id: impl Into<String>) -> Self {
        Self {
            message_id: message_id.into(),
            wa_id: None,
        }
    }
}

/// Sends one request body to WhatsApp.
pub trait Messenger: Send + Sync {
    /// Sends `body` (a `POST /messages` request body); returns what Meta answered.
    fn send(&self, body: &str) -> impl Future<Output = Result<Accepted, SendFailure>> + Send;

    /// Marks the customer's message `message_id` (and the ones before it) as read: the blue ticks.
    fn mark_read(&self, message_id: &str) -> impl Future<Output = Result<(), SendFailure>> + Send;

    /// Whether it only records messages (the sandbox): they are then `sandboxed`, not `sent`.
    fn sandboxed(&self) -> bool {
        false
    }
}

/// Turns the engine's replies into request bodies for one recipient.
pub trait ReplyRenderer: Send + Sync {
    /// The drafts that show `reply` to `to`, in order.
    fn render(&self, reply: &Reply, to: &str) -> Vec<OutboundDraft>;

    /// The draft of approved template `name` in `language` for `to`, with `body` as its body's
    /// text parameters in placeholder order; the reason when such a template cannot be built.
    fn template(
        &self,
        to: &str,
        name: &str,
        language: &str,
        body: &[String],
    ) -> Result<OutboundDraft, String>;
}

/// A shared messenger is a messenger.
impl<T: Messenger + ?Sized> Messenger for std::sync::Arc<T> {
    fn send(&self, body: &str) -> impl Future<Output = Result<Accepted, SendFailure>> + Send {
        (**self).send(body)
    }

    fn mark_read(&self, message_id: &str) -> impl Future<Output = Result<(), SendFailure>> + Send {
        (**self).mark_read(message_id)
    }

    fn sandboxed(&self) -> bool {
        (**self).sandboxed()
    }
}
