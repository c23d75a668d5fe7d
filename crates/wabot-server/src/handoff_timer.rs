//! The handoff timer: every few seconds, applies the handoff timeouts (nobody claimed in time →
//! the customer is told and may leave a message; a claim idle too long → back in the queue). The
//! queue's metrics are read with the rest of the backlog, at each scrape.

use std::sync::Arc;
use std::time::Duration;

use wabot_app::{HandoffDesk, utc_now};
use wabot_cloud_api::CloudApiRenderer;
use wabot_store::DieselStore;

/// How often the timer looks.
const TICK: Duration = Duration::from_secs(5);

/// Runs the timer until the process ends.
pub async fn run(
    desk: Arc<HandoffDesk<DieselStore, CloudApiRenderer>>,
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
        tokio::time::sleep(TICK).await;
    }
}
