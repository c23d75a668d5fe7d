//! The messenger the server sends with: the sandbox (no access token) or the Cloud API client.

use std::time::Duration;

use secrecy::ExposeSecret;
use wabot_app::{Accepted, Messenger, SandboxMessenger, SendFailure};
use wabot_cloud_api::{CloudApiClient, CloudApiConfig, SecretString};

use crate::settings::Settings;

/// Either messenger, chosen at start.
pub enum AnyMessenger {
    /// Replies are recorded, not sent.
    Sandbox(SandboxMessenger),
    /// Replies go to the Graph API.
    Live(CloudApiClient),
}

/// The Graph API client settings for the configured number and token (timeouts and pool size left
/// to each client: the sender's and the media worker's differ).
pub fn cloud_api_config(settings: &Settings) -> CloudApiConfig {
    let meta = &settings.meta;
    let mut config = CloudApiConfig::new(
        &meta.phone_number_id,
        SecretString::from(meta.access_token.expose_secret()),
    );
    config.base_url = meta.api_base_url.clone();
    config.api_version = meta.api_version.clone();
    config
}

impl AnyMessenger {
    /// The sandbox without an access token, else a Cloud API client for the configured number.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.sandbox() {
            return Ok(Self::Sandbox(SandboxMessenger::new()));
        }
        let mut config = cloud_api_config(settings);
        config.timeout = Duration::from_secs(settings.meta.timeout_seconds.max(1));
        config.max_connections = settings.workers.sends_in_flight.max(1);
        Ok(Self::Live(CloudApiClient::new(config)?))
    }
}

impl Messenger for AnyMessenger {
    async fn send(&self, body: &str) -> Result<Accepted, SendFailure> {
        match self {
            Self::Sandbox(sandbox) => {
                // Sandbox only: the reply's text is logged (never its recipient), a deliberate
                // exception to "no message text in logs", so a developer sees what the bot said.
                let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
                let text = crate::chat::readable(&json);
                tracing::info!(%text, "sandbox: reply recorded, not sent");
                sandbox.send(body).await
            }
            Self::Live(client) => Messenger::send(client, body).await,
        }
    }

    async fn mark_read(&self, message_id: &str) -> Result<(), SendFailure> {
        match self {
            Self::Sandbox(sandbox) => sandbox.mark_read(message_id).await,
            Self::Live(client) => Messenger::mark_read(client, message_id).await,
        }
    }

    fn sandboxed(&self) -> bool {
        matches!(self, Self::Sandbox(_))
    }
}

/// Uploads files sent by hand: to the Graph API (`POST /{phone-number-id}/media`), or, in the
/// sandbox, nowhere (a made-up media id; the message is recorded like any other).
pub fn uploader(messenger: std::sync::Arc<AnyMessenger>) -> wabot_app::MediaUploader {
    std::sync::Arc::new(move |bytes: Vec<u8>, mime_type: String, filename: String| {
        let messenger = std::sync::Arc::clone(&messenger);
        Box::pin(async move {
            match &*messenger {
                AnyMessenger::Sandbox(_) => Ok(format!("sandbox-media-{}", bytes.len())),
                AnyMessenger::Live(client) => client
                    .upload_media(bytes.into(), &mime_type, &filename)
                    .await
                    .map_err(|error| SendFailure {
                        class: error.class(),
                        code: None,
                        title: error.to_string(),
                    }),
            }
        })
    })
}
