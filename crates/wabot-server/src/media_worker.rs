//! The media worker: keeps the photos, videos and documents customers send in the defect form.
//! It wakes when a conversation completed a form (the step that opens a ticket with its file) and
//! polls as a fallback, so retries fall due too; each round is [`MediaKeeper::round`], its outcomes logged
//! here (never the media id's owner). It uses a Graph API client of its own, whose timeout fits a
//! download rather than a send. In the sandbox (no access token) nothing can be downloaded: no
//! worker runs, and the jobs wait.

use std::sync::Arc;
use std::time::Duration;

use wabot_app::{MediaKeeper, MediaOutcome, utc_now};
use wabot_cloud_api::CloudApiClient;
use wabot_store::{DieselStore, DiskMediaStore};

use crate::settings::Settings;
use crate::workers::{Signals, Task};

/// The Graph API client the worker downloads with.
fn media_client(settings: &Settings) -> anyhow::Result<CloudApiClient> {
    let mut config = crate::messenger::cloud_api_config(settings);
    config.timeout = Duration::from_secs(settings.media.download_timeout_seconds.max(1));
    config.max_connections = 2;
    Ok(CloudApiClient::new(config)?)
}

/// The worker, unless the server runs in the sandbox.
pub fn task(
    settings: &Settings,
    store: DieselStore,
    files: DiskMediaStore,
    signals: &Signals,
) -> anyhow::Result<Option<Task>> {
    if settings.sandbox() {
        tracing::info!("sandbox: customers' photos are not downloaded (no access token)");
        return Ok(None);
    }
    let owner = format!(
        "media-{}-{}",
        std::process::id(),
        utc_now().timestamp_micros()
    );
    let keeper = MediaKeeper::new(store, media_client(settings)?, files, owner);
    let poll = Duration::from_millis(settings.workers.poll_interval_ms.max(10));
    let wake = Arc::clone(&signals.media);
    Ok(Some(Box::pin(async move {
        loop {
            let woken = wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match keeper.round(utc_now()).await {
                Ok(done) if !done.is_empty() => done.iter().for_each(log),
                Ok(_) => {
                    tokio::select! {
                        () = &mut woken => {}
                        () = tokio::time::sleep(poll) => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "ticket media could not be claimed; trying again");
                    tokio::time::sleep(poll).await;
                }
            }
        }
    })))
}

fn log((job, outcome): &(i64, MediaOutcome)) {
    match outcome {
        MediaOutcome::Stored {
            size, mime_type, ..
        } => tracing::info!(job, size, mime_type, "ticket media kept"),
        MediaOutcome::Retry { reason, at } => {
            tracing::warn!(job, %reason, retry_at = %at, "ticket media download failed; retrying later");
        }
        MediaOutcome::Failed { reason } => {
            tracing::warn!(job, %reason, "ticket media download failed for good");
        }
    }
}
