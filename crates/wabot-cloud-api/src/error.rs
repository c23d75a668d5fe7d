//! Graph API errors, and the classification the outbox retries by. Classification is by Meta's
//! error `code`, never by HTTP status (Meta's own copies disagree on statuses for throttling).

use std::time::Duration;

use serde_json::Value;

pub use wabot_app::ErrorClass;

/// The class of a Graph error code (see [`ErrorClass`]): 1, 2, 131000, 131016, 131057 retry;
/// 4, 80007, 130429 throttled; 131056 pair-limited; 131047 outside the window; 190 and 0 token
/// expired; everything else permanent.
pub fn class_of_code(code: i64) -> ErrorClass {
    match code {
        1 | 2 | 131_000 | 131_016 | 131_057 => ErrorClass::Retry,
        4 | 80_007 | 130_429 => ErrorClass::Throttled,
        131_056 => ErrorClass::PairLimited,
        131_047 => ErrorClass::OutsideWindow,
        0 | 190 => ErrorClass::TokenExpired,
        _ => ErrorClass::Permanent,
    }
}

/// An error object as the Graph API returns it: `{"error": {"message", "type", "code", …}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status it came with.
    pub status: u16,
    /// Meta's error code.
    pub code: i64,
    /// `error_subcode`, when given.
    pub subcode: Option<i64>,
    /// `type` (e.g. `OAuthException`).
    pub kind: Option<String>,
    /// `message`.
    pub message: String,
    /// `error_data.details`: the most useful explanation.
    pub details: Option<String>,
    /// `fbtrace_id`, for Meta support.
    pub fbtrace_id: Option<String>,
}

impl GraphError {
    /// Reads a Graph error body; `None` if it is not one (no `error.code`).
    pub fn from_body(status: u16, body: &[u8]) -> Option<Self> {
        let json: Value = serde_json::from_slice(body).ok()?;
        let error = json.get("error")?;
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        let number = |value: Option<&Value>| {
            value.and_then(|v| {
                v.as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
        };
        Some(Self {
            status,
            code: number(error.get("code"))?,
            subcode: number(error.get("error_subcode")),
            kind: text(error.get("type")),
            message: text(error.get("message")).unwrap_or_default(),
            details: text(error.get("error_data").and_then(|data| data.get("details"))),
            fbtrace_id: text(error.get("fbtrace_id")),
        })
    }
}

/// Why a Graph API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The Graph API answered with an error object.
    #[error("Graph API error {} (HTTP {}): {}", .0.code, .0.status, .0.message)]
    Graph(Box<GraphError>),
    /// No answer in time. The message may or may not have been accepted.
    #[error("the Graph API did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection failed.
    #[error("could not reach the Graph API: {0}")]
    Network(String),
    /// An answer that is neither a success nor a Graph error (an HTML error page, say).
    #[error("the Graph API answered HTTP {status} with an unexpected body: {snippet}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The first 200 characters of the body.
        snippet: String,
    },
    /// A media file is larger than the cap.
    #[error("the media file is larger than the {max}-byte limit")]
    MediaTooLarge {
        /// The cap.
        max: u64,
    },
    /// The client could not be set up (an invalid base URL, say).
    #[error("invalid Cloud API client configuration: {0}")]
    Config(String),
}

impl ClientError {
    /// What to do about it.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Graph(error) => class_of_code(error.code),
            Self::Timeout(_) | Self::Network(_) => ErrorClass::Retry,
            Self::UnexpectedResponse { status, .. } => match status {
                429 => ErrorClass::Throttled,
                500..=599 => ErrorClass::Retry,
                _ => ErrorClass::Permanent,
            },
            Self::MediaTooLarge { .. } | Self::Config(_) => ErrorClass::Permanent,
        }
    }

    /// An error for a non-success answer: a Graph error if the body is one.
    pub(crate) fn from_response(status: u16, body: &[u8]) -> Self {
        match GraphError::from_body(status, body) {
            Some(error) => Self::Graph(Box::new(error)),
            None => Self::UnexpectedResponse {
                status,
                snippet: String::from_utf8_lossy(body).chars().take(200).collect(),
            },
        }
    }
}
