//! The whole HTTP application, assembled in one place: [`app`] turns one [`AppState`] into the actix
//! `App` with every route (webhook, health, readiness, admin API, metrics) behind the request span.
//!
//! Decision: this is the one assembly of the routes, and both its users call it — the server's
//! application builder (`wabot-server`), which puts it in an `HttpServer`, and this crate's tests,
//! which run it in-process with `actix_web::test::init_service`. The tests cannot use the server's
//! builder itself: `wabot-http` must not depend on `wabot-server` (the dependency points the other
//! way) nor on the store, so everything up to the `App` lives here and everything around it (the
//! store, the workers, binding a port) in the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, middleware, web};
use tracing::Instrument;
use wabot_app::{
    Campaigns, Contacts, Conversations, Handoffs, Health, Inbox, Outreach, Statistics,
};

use crate::admin::{AdminState, AdminToken, configure_admin};
use crate::configure;
use crate::state::WebhookState;

/// Everything the app is built from; cheap to clone (each part is shared), as an `HttpServer` builds
/// one app per worker thread.
pub struct AppState<S> {
    /// The webhook, health and readiness routes' state (its metrics are the ones `/metrics` shows).
    pub webhook: web::Data<WebhookState<S>>,
    /// The admin API's state.
    pub admin: web::Data<AdminState<S>>,
    /// The admin API's bearer token (empty: the admin API answers 401).
    pub admin_token: web::Data<AdminToken>,
    /// The largest webhook body accepted.
    pub body_limit: usize,
}

impl<S> AppState<S> {
    /// Wraps each part for sharing.
    pub fn new(
        webhook: WebhookState<S>,
        admin: AdminState<S>,
        admin_token: AdminToken,
        body_limit: usize,
    ) -> Self {
        Self {
            webhook: web::Data::new(webhook),
            admin: web::Data::new(admin),
            admin_token: web::Data::new(admin_token),
            body_limit,
        }
    }
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            webhook: self.webhook.clone(),
            admin: self.admin.clone(),
            admin_token: self.admin_token.clone(),
            body_limit: self.body_limit,
        }
    }
}

/// The actix `App` with every route: `/webhook`, `/health`, `/ready`, `/metrics` and the `/api`
/// scope, each request in a span of its own (`request_span`).
pub fn app<S>(
    state: AppState<S>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    S: Inbox
        + Health
        + Contacts
        + Conversations
        + Statistics
        + Outreach
        + Handoffs
        + wabot_app::BusinessRecords
        + wabot_app::TicketDesk
        + wabot_app::TicketUpdates
        + wabot_app::MediaJobs
        + Campaigns
        + 'static,
{
    let metrics = web::Data::from(Arc::clone(&state.webhook.metrics));
    App::new()
        .wrap(middleware::from_fn(request_span))
        .configure(configure(state.webhook, state.body_limit))
        .configure(configure_admin(state.admin, state.admin_token, metrics))
}

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Middleware: every request runs in a span with a request id, its method and its path — never the
/// query string, which for the verification request holds the verify token.
async fn request_span(
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
