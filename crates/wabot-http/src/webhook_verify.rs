//! `GET /webhook`: Meta's verification handshake. The challenge comes back as plain text when the mode
//! is `subscribe` and the token matches (compared in constant time); anything else is 403.

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
use crate::state::WebhookState;

/// Compares two strings in time that depends only on their lengths.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Answers `hub.challenge` if `hub.mode` is `subscribe` and `hub.verify_token` is ours.
pub async fn verify<I: Send + Sync + 'static>(
    state: web::Data<WebhookState<I>>,
    query: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let get = |key: &str| query.get(key).map(String::as_str);
    let valid = get("hub.mode") == Some("subscribe")
        && !state.verify_token.is_empty()
        && get("hub.verify_token").is_some_and(|token| same(token, &state.verify_token));
    match (valid, get("hub.challenge")) {
        (true, Some(challenge)) => {
            tracing::info!("webhook verification accepted");
            Ok(HttpResponse::Ok()
                .content_type("text/plain; charset=utf-8")
                .body(challenge.to_owned()))
        }
        _ => {
            tracing::warn!("webhook verification refused");
            Err(ApiError::VerificationRefused)
        }
    }
}
