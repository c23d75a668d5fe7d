//! [`ApiError`]: every way a request can fail, the status code each one gets, and its JSON body
//! (`{"error": "..."}`, plus `"field"` for validation errors).

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, WWW_AUTHENTICATE};
use actix_web::{HttpResponse, ResponseError};
use wabot_app::StoreError;
use wabot_cloud_api::SignatureError;

/// A request that could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The webhook signature is missing, malformed or wrong: 401, nothing stored.
    #[error("{0}")]
    Signature(#[from] SignatureError),
    /// The admin API's bearer token is missing or wrong, or the admin API is disabled: 401.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The verification handshake had the wrong mode or token: 403.
    #[error("the verification request is not valid")]
    VerificationRefused,
    /// The body is not JSON (or not a JSON object, or not UTF-8): 400.
    #[error("the body is not a JSON object: {0}")]
    InvalidBody(String),
    /// A field of the request is missing or not acceptable: 422, naming the field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as a JSON path (`to`, `template.name`) or a query parameter (`limit`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// What was asked for does not exist: 404.
    #[error("{0} not found")]
    NotFound(String),
    /// The request conflicts with the state of things (free text outside the 24-hour window): 409.
    #[error("{0}")]
    Conflict(String),
    /// The database could not be reached or refused the work: 503 (Meta retries webhooks later).
    #[error("the database is unavailable; try again later")]
    Unavailable(#[source] StoreError),
    /// The Graph API refused or failed a call the request depends on (a media upload, a template
    /// sync): 502.
    #[error("the Graph API: {0}")]
    Upstream(String),
}

impl ApiError {
    /// A store error as the admin routes answer it: a missing thing is a 404, a move its state
    /// does not allow a 409 with the store's reason, anything else a 503 (the database).
    pub fn from_store(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(why) => Self::Conflict(why),
            other => Self::Unavailable(other),
        }
    }

    /// A validation error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Signature(_) | Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::VerificationRefused => StatusCode::FORBIDDEN,
            Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Self::Unauthorized(_) = self {
            response.insert_header((WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        match self {
            Self::Invalid { field, message } => {
                response.json(serde_json::json!({ "error": message, "field": field }))
            }
            _ => response.json(serde_json::json!({ "error": self.to_string() })),
        }
    }
}
