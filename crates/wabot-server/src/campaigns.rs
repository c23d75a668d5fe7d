//! Campaign wiring: the pace limits and marketing words from the settings, the template reader
//! (the Graph API client over `meta.waba_id`), and the feeder task that moves due recipients into
//! the outbox (`Campaigns::feed_campaigns`) and wakes the sender when it fed some.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tokio::sync::Notify;
use wabot_app::{CampaignPace, Campaigns, MarketingWords, utc_now};
use wabot_cloud_api::{CloudApiClient, CloudApiConfig, SecretString};
use wabot_http::{TemplateFetch, TemplateFetchError};
use wabot_store::DieselStore;

use crate::settings::Settings;

/// How often the feeder looks: a campaign at 200/s gets about 20 recipients a round.
const TICK: Duration = Duration::from_millis(100);
/// The fewest of a campaign's messages kept waiting in the outbox (at least one second's worth
/// of its pace is kept), so a reply queued later is taken first and the campaign never fills it.
pub const WINDOW: usize = 10;

/// The pace limits: the maximum never above the number's rate (`meta.messages_per_second`), and
/// the default never above the maximum.
pub fn pace(settings: &Settings) -> CampaignPace {
    let max = settings
        .campaigns
        .max_messages_per_second
        .min(f64::from(settings.meta.messages_per_second));
    CampaignPace {
        default_per_second: settings.campaigns.messages_per_second.min(max),
        max_per_second: max,
    }
}

/// The marketing stop and start words.
pub fn marketing_words(settings: &Settings) -> MarketingWords {
    MarketingWords {
        stop: settings.campaigns.stop_words.clone(),
        start: settings.campaigns.start_words.clone(),
    }
}

/// A Graph API client for the template sync, or why there is none.
pub fn template_client(
    settings: &Settings,
) -> Result<(CloudApiClient, String), TemplateFetchError> {
    let meta = &settings.meta;
    if settings.sandbox() {
        return Err(TemplateFetchError::NotConfigured(
            "meta.access_token is not set (sandbox): there is no account to read templates from"
                .into(),
        ));
    }
    if meta.waba_id.trim().is_empty() {
        return Err(TemplateFetchError::NotConfigured(
            "meta.waba_id is not set: give the WhatsApp Business Account id".into(),
        ));
    }
    let mut config = CloudApiConfig::new(
        &meta.phone_number_id,
        SecretString::from(meta.access_token.expose_secret()),
    );
    config.base_url = meta.api_base_url.clone();
    config.api_version = meta.api_version.clone();
    config.timeout = Duration::from_secs(meta.timeout_seconds.max(1));
    let client = CloudApiClient::new(config)
        .map_err(|e| TemplateFetchError::NotConfigured(e.to_string()))?;
    Ok((client, meta.waba_id.trim().to_owned()))
}

/// Reads every template, for `POST /api/templates/sync`.
pub fn template_fetcher(settings: &Settings) -> Arc<dyn Fn() -> TemplateFetch + Send + Sync> {
    let client = template_client(settings);
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            let (client, waba_id) = client?;
            client
                .message_templates(&waba_id)
                .await
                .map_err(|error| TemplateFetchError::Graph(error.to_string()))
        })
    })
}

/// Runs the feeder until the process ends.
pub async fn feeder(store: DieselStore, wake_senders: Arc<Notify>) {
    loop {
        match store.feed_campaigns(utc_now(), WINDOW).await {
            Ok(round) if round.fed + round.skipped + round.completed + round.stopped > 0 => {
                if round.completed + round.stopped > 0 {
                    tracing::info!(
                        completed = round.completed,
                        stopped = round.stopped,
                        "campaigns finished feeding"
                    );
                }
                if round.fed > 0 {
                    wake_senders.notify_waiters();
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "campaigns could not be fed; trying again"),
        }
        tokio::time::sleep(TICK).await;
    }
}
