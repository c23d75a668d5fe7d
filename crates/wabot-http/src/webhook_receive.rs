//! `POST /webhook`: verify the signature over the exact bytes, parse, store the event and its items in
//! one transaction, and answer 200 only after the commit. A re-delivery is stored as an event but adds
//! no item, so nothing is answered twice.

use actix_web::{HttpRequest, HttpResponse, web};
use wabot_app::{InboundPayload, Inbox, NewWebhookEvent};
use wabot_cloud_api::{SIGNATURE_HEADER, WebhookPayload};

use crate::contact_tag::ContactTag;
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
    let items = items(&payload, received_at, state.business_app_takes_over);
    let payload_items: Vec<String> = items
        .iter()
        .filter(|item| matches!(item.payload, InboundPayload::Message(_)))
        .filter_map(|item| item.contact.key().map(str::to_owned))
        .collect();
    let receipt = state
        .inbox
        .ingest(NewWebhookEvent {
            received_at,
            body: text,
            items,
            account_updates: wabot_cloud_api::account_updates(&payload),
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "webhook event not stored; Meta will retry it");
            ApiError::Unavailable(error)
        })?;
    state
        .metrics
        .webhook_items(receipt.new_items, receipt.duplicates);
    let senders = senders(&state.tags, &payload_items);
    tracing::info!(
        event = receipt.event_id,
        new = receipt.new_items,
        duplicates = receipt.duplicates,
        from = %senders,
        "webhook stored"
    );
    if receipt.new_items > 0 {
        (state.wake)();
    }
    Ok(HttpResponse::Ok().finish())
}

/// The log tags of the customers who wrote, comma-separated, each once.
fn senders(tags: &ContactTag, keys: &[String]) -> String {
    let mut tagged: Vec<String> = keys.iter().map(|key| tags.of(key)).collect();
    tagged.dedup();
    tagged.join(",")
}
