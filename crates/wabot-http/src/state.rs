//! What the webhook handlers share: the inbox, the signature verifier, the verify token, and a way to
//! wake the conversation workers after a commit.

use std::sync::Arc;

use chrono::TimeDelta;
use wabot_app::Heartbeat;
use wabot_cloud_api::SignatureVerifier;

use crate::contact_tag::ContactTag;
use crate::metrics::Metrics;

/// The webhook handlers' state.
pub struct WebhookState<I> {
    /// Where events are stored.
    pub inbox: I,
    /// Checks `X-Hub-Signature-256`.
    pub verifier: SignatureVerifier,
    /// The token Meta's verification request must carry.
    pub verify_token: String,
    /// Called after an event with new items was committed (the database stays the truth).
    pub wake: Arc<dyn Fn() + Send + Sync>,
    /// What `/ready` checks besides the database.
    pub readiness: Readiness,
    /// Where webhook outcomes, ack latencies and item counts are recorded.
    pub metrics: Arc<Metrics>,
    /// How logs name the senders (never by phone number).
    pub tags: Arc<ContactTag>,
    /// Whether a message the business sends from the WhatsApp Business app (an echo) hands the
    /// conversation to a person, so the bot does not talk over them.
    pub business_app_takes_over: bool,
}

/// The workers' heartbeats, and how long they may be silent before the process is not ready.
#[derive(Clone, Debug)]
pub struct Readiness {
    /// Beaten by the conversation workers.
    pub conversations: Arc<Heartbeat>,
    /// Beaten by the sender.
    pub deliveries: Arc<Heartbeat>,
    /// The longest silence of either kind that still counts as running.
    pub max_silence: TimeDelta,
}
