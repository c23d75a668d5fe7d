//! In-memory fakes of the ports, for the adapters' tests (feature `test-util`).

use std::collections::HashSet;
use std::future::Future;
use std::sync::Mutex;

use crate::error::StoreError;
use crate::model::{IngestReceipt, NewWebhookEvent};
use crate::ports::Inbox;

/// An inbox that keeps events in memory, deduplicates items by key like the real store, and can be
/// told to fail (as a database that went away).
#[derive(Debug, Default)]
pub struct RecordingInbox {
    events: Mutex<Vec<NewWebhookEvent>>,
    keys: Mutex<HashSet<String>>,
    failing: Mutex<bool>,
}

impl RecordingInbox {
    /// An empty inbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event stored so far.
    pub fn events(&self) -> Vec<NewWebhookEvent> {
        self.events
            .lock()
            .map(|events| events.clone())
            .unwrap_or_default()
    }

    /// Makes every later ingest fail (or work again).
    pub fn set_failing(&self, failing: bool) {
        if let Ok(mut flag) = self.failing.lock() {
            *flag = failing;
        }
    }
}

fn poisoned() -> StoreError {
    StoreError::unreachable("a lock was poisoned")
}

impl Inbox for RecordingInbox {
    fn ingest(
        &self,
        event: NewWebhookEvent,
    ) -> impl Future<Output = Result<IngestReceipt, StoreError>> + Send {
        let result = (|| {
            if *self.failing.lock().map_err(|_| poisoned())? {
                return Err(StoreError::unreachable("the database is down"));
            }
            let mut keys = self.keys.lock().map_err(|_| poisoned())?;
            let new_items = event
                .items
                .iter()
                .filter(|item| keys.insert(item.dedupe_key.clone()))
                .count();
            let mut events = self.events.lock().map_err(|_| poisoned())?;
            let duplicates = event.items.len() - new_items;
            events.push(event);
            let event_id = i64::try_from(events.len()).unwrap_or(i64::MAX);
            Ok(IngestReceipt {
                event_id,
                new_items,
                duplicates,
            })
        })();
        std::future::ready(result)
    }
}

impl crate::ports::Health for RecordingInbox {
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        let failing = self.failing.lock().map(|flag| *flag).unwrap_or(true);
        std::future::ready(if failing {
            Err(StoreError::unreachable("the database is down"))
        } else {
            Ok(())
        })
    }
}
