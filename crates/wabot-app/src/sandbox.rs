//! The sandbox messenger: with no access token configured, replies are not sent anywhere; they are
//! recorded in the database as sent, with a `sandbox.` message id, so the bot can be tried without a
//! Meta account.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::delivery::{Messenger, SendFailure};

/// Accepts every message without sending it.
#[derive(Debug, Default)]
pub struct SandboxMessenger {
    sent: AtomicU64,
}

impl SandboxMessenger {
    /// A sandbox that has sent nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many messages it has accepted.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

impl Messenger for SandboxMessenger {
    async fn send(&self, _body: &str) -> Result<String, SendFailure> {
        let n = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(format!("sandbox.{n}"))
    }
}
