#![doc = include_str!("../README.md")]

mod admin;
mod app;
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

use actix_web::{middleware, web};
use wabot_app::Inbox;

pub use admin::{
    AdminApi, AdminState, AdminToken, CampaignsConfig, DEFAULT_LIMIT, MAX_LIMIT, MenuReload,
    MenuReloaded, RandomError, TemplateFetch, TemplateFetchError, openapi_document,
};
pub use app::{AppState, app};
pub use contact_tag::ContactTag;
pub use error::ApiError;
pub use items::{input, items};
pub use metrics::Metrics;
pub use state::{Readiness, WebhookState};

/// Meta's largest webhook body (3 MB) plus a margin; larger bodies get 413.
pub const DEFAULT_BODY_LIMIT: usize = 3 * 1024 * 1024 + 256 * 1024;

/// Registers the webhook, health and readiness routes with their state (the webhook POSTs counted
/// and timed in the state's metrics). [`app()`] uses it for the whole app; on its own it serves tests
/// of the webhook routes over an inbox that is not a whole store.
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
