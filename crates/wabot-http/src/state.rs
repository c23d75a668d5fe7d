//! What the webhook handlers share: the inbox, the signature verifier, the verify token, and a way to
//! wake the conversation workers after a commit.

use std::sync::Arc;

use wabot_cloud_api::SignatureVerifier;

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
}
