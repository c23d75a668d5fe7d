//! [`Logged`]: the delivery observer the server's sender reports to. It passes everything on to the
//! metrics and logs each failed or retried send once, with its error class, Meta's code and the
//! attempt number — never the body, the token or the phone number (the app has no logging crate, so
//! its outcome is logged here, where it is reported).

use std::sync::Arc;
use std::time::Duration;

use wabot_app::{Attempt, DeliveryObserver, ReceiptOutcome, SendFailure};

/// Logs failed sends, then tells `inner`.
pub struct Logged {
    inner: Arc<dyn DeliveryObserver>,
}

impl Logged {
    /// Logs failures and forwards every report to `inner`.
    pub fn new(inner: Arc<dyn DeliveryObserver>) -> Self {
        Self { inner }
    }
}

impl DeliveryObserver for Logged {
    fn attempted(&self, attempt: Attempt) {
        self.inner.attempted(attempt);
    }

    fn replied(&self, latency: Duration) {
        self.inner.replied(latency);
    }

    fn send_took(&self, took: Duration) {
        self.inner.send_took(took);
    }

    fn in_flight(&self, count: usize) {
        self.inner.in_flight(count);
    }

    fn read_receipt(&self, outcome: ReceiptOutcome) {
        self.inner.read_receipt(outcome);
    }

    fn send_failed(&self, failure: &SendFailure, attempt: u32, outcome: Attempt) {
        let class = failure.class.as_str();
        let code = failure
            .code
            .map_or_else(|| "none".to_owned(), |c| c.to_string());
        // The title is Meta's error title or the transport's error kind: no body, token or number.
        let title = failure.title.as_str();
        match outcome {
            Attempt::Failed(_) => tracing::warn!(
                class,
                code,
                attempt,
                title,
                "send failed for good; the message will not be delivered"
            ),
            _ => tracing::warn!(
                class,
                code,
                attempt,
                title,
                "send failed; it will be retried"
            ),
        }
        self.inner.send_failed(failure, attempt, outcome);
    }
}
