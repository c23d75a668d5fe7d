//! [`ApiError`]: every way a request can fail, and the status code each one gets.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use wabot_app::StoreError;
use wabot_cloud_api::SignatureError;

/// A request that could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The webhook signature is missing, malformed or wrong: 401, nothing stored.
    #[error("{0}")]
    Signature(#[from] SignatureError),
    /// The verification handshake had the wrong mode or token: 403.
    #[error("the verification request is not valid")]
    VerificationRefused,
    /// The body is not JSON (or not a JSON object, or not UTF-8): 400.
    #[error("the body is not a JSON object: {0}")]
    InvalidBody(String),
    /// The database could not store the event: 503, so Meta retries it later.
    #[error("the event could not be stored")]
    Unavailable(#[source] StoreError),
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Signature(_) => StatusCode::UNAUTHORIZED,
            Self::VerificationRefused => StatusCode::FORBIDDEN,
            Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .json(serde_json::json!({ "error": self.to_string() }))
    }
}
