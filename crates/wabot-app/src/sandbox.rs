//! The sandbox messenger: with no access token configured, replies are not sent anywhere; they are
//! recorded in the database as `sandboxed` (done, never sent), with a `sandbox.` message id, so the bot can be tried without a
//! Meta account.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::messenger::{Accepted, Messenger, SendFailure};

/// Accepts every message without sending it.
#[derive(Debug)]
pub struct SandboxMessenger {
    sent: AtomicU64,
    /// Makes the ids unique across restarts (message ids are unique in the store).
    started: i64,
}

impl Default for SandboxMessenger {
    fn default() -> Self {
        Self::new()
    }
}

impl SandboxMessenger {
    /// A sandbox that has sent nothing yet.
    pub fn new() -> Self {
        Self {
            sent: AtomicU64::new(0),
            started: crate::utc_now().timestamp_micros(),
        }
    }

    /// How many messages it has accepted.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

impl Messenger for SandboxMessenger {
    async fn send(&self, _body: &str) -> Result<Accepted, SendFailure> {
        let n = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(Accepted::id(format!("sandbox.{}.{n}", self.started)))
    }

    async fn mark_read(&self, _message_id: &str) -> Result<(), SendFailure> {
        Ok(())
    }

    fn sandboxed(&self) -> bool {
        true
    }
}
