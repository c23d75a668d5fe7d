//! The background workers: conversation workers wake on a signal from the webhook handler (and poll
//! as a fallback); delivery workers wake when conversations queue replies, and respect the pacing.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use wabot_app::{Converse, Deliver, Heartbeat, Messenger, TokenBucket, pause_left, utc_now};
use wabot_cloud_api::CloudApiRenderer;
use wabot_store::DieselStore;

/// Signals that wake the workers, and the heartbeats they leave for readiness.
#[derive(Clone, Default)]
pub struct Signals {
    /// New inbound items were committed.
    pub inbound: Arc<Notify>,
    /// New outbound messages were queued.
    pub outbound: Arc<Notify>,
    /// Beaten by conversation workers after every round.
    pub conversations_alive: Arc<Heartbeat>,
    /// Beaten by delivery workers after every round.
    pub deliveries_alive: Arc<Heartbeat>,
}

/// Runs one conversation worker until the process ends.
pub async fn conversations(
    worker: Converse<DieselStore, CloudApiRenderer>,
    signals: Signals,
    poll: Duration,
) {
    loop {
        signals.conversations_alive.beat(utc_now());
        let woken = signals.inbound.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        match worker.run_once(utc_now()).await {
            Ok(0) => {
                tokio::select! {
                    () = &mut woken => {}
                    () = tokio::time::sleep(poll) => {}
                }
            }
            Ok(steps) => {
                tracing::debug!(steps, "conversation stepped");
                signals.outbound.notify_waiters();
            }
            Err(error) => {
                tracing::warn!(%error, "conversation step failed; it will be retried");
                tokio::time::sleep(poll).await;
            }
        }
    }
}

/// Runs one delivery worker until the process ends.
pub async fn deliveries<M: Messenger>(
    worker: Deliver<DieselStore, M>,
    bucket: Arc<TokenBucket>,
    signals: Signals,
    poll: Duration,
) {
    loop {
        signals.deliveries_alive.beat(utc_now());
        let woken = signals.outbound.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let now = utc_now();
        match worker.run_once(now).await {
            Ok(round) if round.is_empty() => {
                // Paused by Meta: until the pause ends. Out of tokens: until the next one. Idle: until
                // woken, or the poll interval.
                let wait = match pause_left(&bucket, now).and_then(|left| left.to_std().ok()) {
                    Some(pause) => pause.min(poll),
                    None if round.starved => bucket.token_interval().max(Duration::from_millis(1)),
                    None => poll,
                };
                tokio::select! {
                    () = &mut woken => {}
                    () = tokio::time::sleep(wait) => {}
                }
            }
            Ok(round) => {
                tracing::debug!(
                    sent = round.sent,
                    retried = round.retried,
                    failed = round.failed,
                    "delivery round"
                );
                if round.failed > 0 {
                    tracing::warn!(
                        failed = round.failed,
                        "messages failed permanently; see their error codes"
                    );
                }
            }
            Err(error) => {
                tracing::warn!(%error, "delivery round failed; it will be retried");
                tokio::time::sleep(poll).await;
            }
        }
    }
}
