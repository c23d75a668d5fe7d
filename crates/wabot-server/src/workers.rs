//! The background workers: conversation workers wake on a signal from the webhook handler (and poll
//! as a fallback); delivery workers wake when conversations queue replies, and respect the pacing.
//! [`tasks`] makes as many of each as the settings ask for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use wabot_app::{
    Converse, Deliver, DeliveryObserver, Heartbeat, Messenger, TokenBucket, pause_left, utc_now,
};
use wabot_cloud_api::CloudApiRenderer;
use wabot_store::DieselStore;

use crate::components::Components;
use crate::settings::Settings;

/// A worker that has not started yet: it runs once spawned, until the process ends.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

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

/// The conversation and delivery workers the settings ask for (at least one of each), not started;
/// the delivery workers share one token bucket, send with `messenger` and report to `observer`.
pub fn tasks<M: Messenger + Send + Sync + 'static>(
    settings: &Settings,
    components: &Components,
    messenger: Arc<M>,
    signals: &Signals,
    observer: Arc<dyn DeliveryObserver>,
) -> Vec<Task> {
    let poll = Duration::from_millis(settings.workers.poll_interval_ms.max(10));
    let bucket = Arc::new(TokenBucket::new(
        settings.meta.messages_per_second,
        utc_now(),
    ));
    let lease = Duration::from_secs(settings.workers.lease_seconds.max(1));
    let instance = format!("{}-{}", std::process::id(), utc_now().timestamp_micros());
    let mut tasks: Vec<Task> = Vec::new();
    for _ in 0..settings.workers.conversations.max(1) {
        let worker = components.converse();
        tasks.push(Box::pin(conversations(worker, signals.clone(), poll)));
    }
    for n in 0..settings.workers.senders.max(1) {
        let worker = components
            .deliver(
                Arc::clone(&messenger),
                Arc::clone(&bucket),
                format!("{instance}-s{n}"),
            )
            .with_lease(lease)
            .with_observer(Arc::clone(&observer));
        let bucket = Arc::clone(&bucket);
        tasks.push(Box::pin(deliveries(worker, bucket, signals.clone(), poll)));
    }
    tasks
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
