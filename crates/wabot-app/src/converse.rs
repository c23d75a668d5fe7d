//! The converse use case: claim one conversation, take a step through the engine for each of its
//! pending messages in order (each step one transaction with its replies), then release it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use wabot_engine::Engine;

use crate::delivery::ReplyRenderer;
use crate::error::StoreError;
use crate::model::{InboundPayload, StepRecord};
use crate::ports::{Conversations, Inbox};

/// The most pending messages of one conversation taken per claim.
const BATCH: usize = 20;

/// How long a conversation stays leased to a worker that stopped answering.
pub const CONVERSATION_LEASE: Duration = Duration::from_secs(30);

/// Steps conversations for one worker.
pub struct Converse<S, R> {
    store: S,
    engine: Arc<Engine>,
    renderer: Arc<R>,
    owner: String,
    lease: Duration,
}

impl<S, R> Converse<S, R>
where
    S: Inbox + Conversations,
    R: ReplyRenderer + 'static,
{
    /// A worker called `owner` (unique per process and worker), with the default lease.
    pub fn new(store: S, engine: Arc<Engine>, renderer: Arc<R>, owner: impl Into<String>) -> Self {
        Self {
            store,
            engine,
            renderer,
            owner: owner.into(),
            lease: CONVERSATION_LEASE,
        }
    }

    /// Leases conversations for `lease` (how soon another worker may take over after a crash).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Handles one conversation's pending messages; returns how many steps were taken (0: nothing to do).
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let Some(claimed) = self
            .store
            .claim_conversation(&self.owner, now, self.lease, BATCH)
            .await?
        else {
            return Ok(0);
        };
        let claimed_count = claimed.items.len();
        let mut steps = 0;
        let mut outcome = Ok(());
        for item in claimed.items {
            let InboundPayload::Message(message) = item.payload else {
                if let Err(error) = self.store.finish_item(item.id, now).await {
                    outcome = Err(error);
                    break;
                }
                continue;
            };
            let (engine, renderer, to) = (
                Arc::clone(&self.engine),
                Arc::clone(&self.renderer),
                claimed.customer.clone(),
            );
            let step = self
                .store
                .step(
                    claimed.contact_id,
                    &self.owner,
                    item.id,
                    now,
                    move |state, data| {
                        let step = engine.step(now, &state, &message.input, data)?;
                        let replies = step
                            .replies
                            .iter()
                            .flat_map(|reply| renderer.render(reply, &to))
                            .collect();
                        Ok(StepRecord {
                            state: step.state,
                            replies,
                            events: step.events,
                        })
                    },
                )
                .await;
            match step {
                Ok(_) => steps += 1,
                Err(error) => {
                    outcome = Err(error);
                    break;
                }
            }
        }
        // The step that handles a contact's last pending message gives the lease back itself. Release it
        // here when that may not have happened: after a failure (so the remaining items are retried at
        // once, not when the lease runs out), or when the batch was full (more may be pending).
        if outcome.is_err() || claimed_count >= BATCH {
            let released = self
                .store
                .release_conversation(claimed.contact_id, &self.owner)
                .await;
            return outcome.and(released).map(|()| steps);
        }
        outcome.map(|()| steps)
    }
}
