//! `GET /ready`: 200 when the database answers and both kinds of worker are running, else 503 with
//! the reason (for load balancers and orchestrators).

use actix_web::{HttpResponse, web};
use wabot_app::{Health, utc_now};

use crate::state::WebhookState;

/// Checks the database and the workers' heartbeats.
pub async fn ready<I: Health + 'static>(state: web::Data<WebhookState<I>>) -> HttpResponse {
    let now = utc_now();
    let readiness = &state.readiness;
    let mut reasons = Vec::new();
    if let Err(error) = state.inbox.ping().await {
        reasons.push(format!("database: {error}"));
    }
    if !readiness.conversations.alive(now, readiness.max_silence) {
        reasons.push("conversation workers are not running".to_owned());
    }
    if !readiness.deliveries.alive(now, readiness.max_silence) {
        reasons.push("the sender is not running".to_owned());
    }
    if reasons.is_empty() {
        HttpResponse::Ok().json(serde_json::json!({ "status": "ready" }))
    } else {
        tracing::warn!(?reasons, "not ready");
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "not ready", "reasons": reasons }))
    }
}
