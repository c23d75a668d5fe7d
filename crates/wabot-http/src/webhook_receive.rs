//! `POST /webhook`: verify the signature over the exact bytes, parse, store the event and its items in
//! one transaction, and answer 200 only after the commit. A re-delivery is stored as an event but adds
//! no item, so nothing is answered twice.

use actix_web::{HttpRequest, HttpResponse, web};
use wabot_app::{Inbox, NewWebhookEvent};
use wabot_cloud_api::{SIGNATURE_HEADER, WebhookPayload};

use crate::error::ApiError;
use crate::items::items;
use crate::state::WebhookState;

/// Receives one webhook POST.
pub async fn receive<I: Inbox + 'static>(
    state: web::Data<WebhookState<I>>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|value| value.as_bytes());
    if let Err(error) = state.verifier.verify(signature, &body) {
        tracing::warn!(%error, bytes = body.len(), "webhook refused");
        return Err(error.into());
    }
    let payload =
        WebhookPayload::parse(&body).map_err(|error| ApiError::InvalidBody(error.to_string()))?;
    let text =
        String::from_utf8(body.to_vec()).map_err(|_| ApiError::InvalidBody("not UTF-8".into()))?;
    let received_at = wabot_app::utc_now();
    let items = items(&payload, received_at);
    let receipt = state
        .inbox
        .ingest(NewWebhookEvent {
            received_at,
            body: text,
            items,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "webhook event not stored; Meta will retry it");
            ApiError::Unavailable(error)
        })?;
    state
        .metrics
        .webhook_items(receipt.new_items, receipt.duplicates);
    tracing::info!(
        event = receipt.event_id,
        new = receipt.new_items,
        duplicates = receipt.duplicates,
        "webhook stored"
    );
    if receipt.new_items > 0 {
        (state.wake)();
    }
    Ok(HttpResponse::Ok().finish())
}
