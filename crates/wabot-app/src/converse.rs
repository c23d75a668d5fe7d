//! The converse use case: take the turn of the conversation that has waited longest and step each
//! of its pending messages through the engine, in order, in one transaction with their replies.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use wabot_engine::Engine;

use crate::error::StoreError;
use crate::messenger::ReplyRenderer;
use crate::model::StepRecord;
use crate::ports::Conversations;

/// The most pending messages of one conversation handled in one turn.
const BATCH: usize = 20;

/// Steps conversations for one worker. Workers need no names or leases: a turn is one transaction,
/// and the store never gives the same conversation to two turns at once.
pub struct Converse<S, R> {
    store: S,
    engine: Arc<Engine>,
    renderer: Arc<R>,
}

impl<S, R> Converse<S, R>
where
    S: Conversations,
    R: ReplyRenderer + 'static,
{
    /// A worker stepping conversations of `store` through `engine`.
    pub fn new(store: S, engine: Arc<Engine>, renderer: Arc<R>) -> Self {
        Self {
            store,
            engine,
            renderer,
        }
    }

    /// Takes one conversation's turn; returns how many messages were handled (0: nothing to do).
    /// When a step fails, the messages before it stay handled and the error is returned: that
    /// message and the ones after it stay pending for a later turn.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let (engine, renderer) = (Arc::clone(&self.engine), Arc::clone(&self.renderer));
        let turn = self
            .store
            .step_next(now, BATCH, move |customer, message, state, data| {
                let step = engine.step(now, &state, &message.input, data)?;
                let replies = step
                    .replies
                    .iter()
                    .flat_map(|reply| renderer.render(reply, customer))
                    .collect();
                Ok(StepRecord {
                    state: step.state,
                    replies,
                    events: step.events,
                })
            })
            .await?;
        match turn {
            None => Ok(0),
            Some(turn) => match turn.failed {
                Some(error) => Err(error),
                None => Ok(turn.steps),
            },
        }
    }
}
