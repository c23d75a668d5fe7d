//! The messenger the server sends with: the sandbox (no access token) or the Cloud API client.

use wabot_app::{Messenger, SandboxMessenger, SendFailure};
use wabot_cloud_api::CloudApiClient;

/// Either messenger, chosen at start.
pub enum AnyMessenger {
    /// Replies are recorded, not sent.
    Sandbox(SandboxMessenger),
    /// Replies go to the Graph API.
    Live(CloudApiClient),
}

impl Messenger for AnyMessenger {
    async fn send(&self, body: &str) -> Result<String, SendFailure> {
        match self {
            Self::Sandbox(sandbox) => {
                tracing::info!(bytes = body.len(), "sandbox: reply recorded, not sent");
                sandbox.send(body).await
            }
            Self::Live(client) => Messenger::send(client, body).await,
        }
    }
}
