//! The handoff timer: every few seconds, applies the handoff timeouts (nobody claimed in time →
//! the customer is told and may leave a message; a claim idle too long → back in the queue) and
//! sets the queue's metrics.

use std::sync::Arc;
use std::time::Duration;

use wabot_app::{HandoffDesk, HandoffState, Handoffs, utc_now};
use wabot_cloud_api::CloudApiRenderer;
use wabot_http::Metrics;
use wabot_store::DieselStore;

/// How often the timer looks.
const TICK: Duration = Duration::from_secs(5);

/// Runs the timer until the process ends.
pub async fn run(
    desk: Arc<HandoffDesk<DieselStore, CloudApiRenderer>>,
    metrics: Arc<Metrics>,
    unclaimed: Duration,
    idle: Duration,
    wake_senders: Arc<tokio::sync::Notify>,
) {
    loop {
        let now = utc_now();
        match desk.expire(now, unclaimed, idle).await {
            Ok((0, 0)) => {}
            Ok((told, requeued)) => {
                tracing::info!(told, requeued, "handoff timeouts applied");
                wake_senders.notify_waiters();
            }
            Err(error) => {
                tracing::warn!(error = %error, "the handoff timeouts could not be applied; trying again")
            }
        }
        if let Ok(open) = desk.store().open_handoffs().await {
            let waiting: Vec<_> = open
                .iter()
                .filter(|h| h.state != HandoffState::Claimed)
                .collect();
            let oldest = waiting.iter().map(|h| h.opened_at).min();
            metrics.set_handoff_queue(waiting.len(), oldest, now);
        }
        tokio::time::sleep(TICK).await;
    }
}
