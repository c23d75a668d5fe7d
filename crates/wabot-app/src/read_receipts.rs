//! Read receipts waiting to be sent: the ids of customers' messages the bot has answered, so the
//! customer sees blue ticks. They are the lowest priority of all sends: the send pool takes them
//! only with tokens and room no reply wanted, and they are best effort — kept in memory (a restart
//! forgets the waiting ones), never retried, and the oldest dropped when too many wait.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use crate::monitoring::{DeliveryObserver, ReceiptOutcome};

/// How many receipts may wait; past that the oldest are dropped (a receipt that waited behind
/// thousands of replies is no longer news to the customer).
pub const MAX_WAITING_RECEIPTS: usize = 10_000;

/// The receipts waiting, shared by the conversation workers (who add) and the send pool (who takes).
#[derive(Debug, Default)]
pub struct ReadReceipts {
    waiting: Mutex<VecDeque<String>>,
}

impl ReadReceipts {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the ids of answered messages; reports the oldest ones dropped to make room.
    pub fn push(
        &self,
        message_ids: impl IntoIterator<Item = String>,
        observer: &Arc<dyn DeliveryObserver>,
    ) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        for id in message_ids {
            if waiting.len() == MAX_WAITING_RECEIPTS {
                waiting.pop_front();
                observer.read_receipt(ReceiptOutcome::Dropped);
            }
            waiting.push_back(id);
        }
    }

    /// Takes up to `count` receipts, oldest first.
    pub fn take(&self, count: usize) -> Vec<String> {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let count = count.min(waiting.len());
        waiting.drain(..count).collect()
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Drops(AtomicUsize);

    impl DeliveryObserver for Drops {
        fn attempted(&self, _: crate::Attempt) {}
        fn replied(&self, _: std::time::Duration) {}
        fn read_receipt(&self, outcome: ReceiptOutcome) {
            assert_eq!(outcome, ReceiptOutcome::Dropped);
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn the_oldest_receipts_make_room_and_are_counted() {
        let receipts = ReadReceipts::new();
        let drops = Arc::new(Drops::default());
        let observer: Arc<dyn DeliveryObserver> = drops.clone();
        receipts.push(
            (0..MAX_WAITING_RECEIPTS + 3).map(|n| n.to_string()),
            &observer,
        );
        assert_eq!(receipts.len(), MAX_WAITING_RECEIPTS);
        assert_eq!(drops.0.load(Ordering::Relaxed), 3);
        assert_eq!(receipts.take(2), vec!["3".to_owned(), "4".to_owned()]);
        assert_eq!(
            receipts.take(MAX_WAITING_RECEIPTS).len(),
            MAX_WAITING_RECEIPTS - 2
        );
        assert!(receipts.is_empty());
    }
}
