#![doc = include_str!("../README.md")]

mod admin;
mod contact_tag;
mod error;
mod health;
mod items;
mod metrics;
mod metrics_route;
mod ready;
mod state;
mod webhook_receive;
mod webhook_verify;

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{middleware, web};
use tracing::Instrument;
use wabot_app::Inbox;

pub use admin::{
    AdminApi, AdminState, AdminToken, DEFAULT_LIMIT, MAX_LIMIT, RandomError, configure_admin,
    openapi_document,
};
pub use contact_tag::ContactTag;
pub use error::ApiError;
pub use items::{input, items};
pub use metrics::Metrics;
pub use state::{Readiness, WebhookState};

/// Meta's largest webhook body (3 MB) plus a margin; larger bodies get 413.
pub const DEFAULT_BODY_LIMIT: usize = 3 * 1024 * 1024 + 256 * 1024;

/// Registers the webhook, health and readiness routes with their state (the webhook POSTs counted
/// and timed in the state's metrics).
pub fn configure<I: Inbox + wabot_app::Health + 'static>(
    state: web::Data<WebhookState<I>>,
    body_limit: usize,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let metrics = web::Data::from(std::sync::Arc::clone(&state.metrics));
        config
            .app_data(state)
            .app_data(metrics)
            .app_data(web::PayloadConfig::new(body_limit))
            .route("/health", web::get().to(health::health))
            .route("/ready", web::get().to(ready::ready::<I>))
            .service(
                web::resource("/webhook")
                    .wrap(middleware::from_fn(metrics_route::observe_webhook))
                    .route(web::get().to(webhook_verify::verify::<I>))
                    .route(web::post().to(webhook_receive::receive::<I>)),
            );
    }
}

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Middleware: every request runs in a span with a request id, its method and its path — never the
/// query string, which for the verification request holds the verify token.
pub async fn request_span(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = NEXT_REQUEST.fetch_add(1, Ordering::Relaxed);
    let span =
        tracing::info_span!("request", id, method = %request.method(), path = %request.path());
    let response = next.call(request).instrument(span.clone()).await;
    if let Ok(response) = &response {
        span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "answered"));
    }
    response
}
