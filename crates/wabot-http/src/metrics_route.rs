//! `GET /metrics` (Prometheus text format), and the middleware that times and counts webhook POSTs.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use wabot_app::{Statistics, utc_now};

use crate::admin::AdminState;
use crate::metrics::Metrics;

/// Renders every metric, after reading the backlog gauges from the database.
pub async fn metrics<S: Statistics + 'static>(
    metrics: web::Data<Metrics>,
    state: web::Data<AdminState<S>>,
) -> HttpResponse {
    let now = utc_now();
    let backlog = match state.store.backlog(now - state.idle_after).await {
        Ok(backlog) => Some(backlog),
        Err(error) => {
            tracing::warn!(%error, "metrics: the backlog could not be read");
            None
        }
    };
    metrics.set_backlog(backlog, now);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}

/// Middleware for `/webhook`: counts each POST by outcome and records how long its answer took
/// (including body reading and the commit; 413s answered before the handler too).
pub async fn observe_webhook(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let observed = (request.method() == Method::POST)
        .then(|| request.app_data::<web::Data<Metrics>>().cloned())
        .flatten();
    let response = next.call(request).await;
    if let (Some(metrics), Ok(response)) = (observed, &response) {
        metrics.webhook_answered(response.status(), started.elapsed());
    }
    response
}
