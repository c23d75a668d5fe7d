//! The converse use case: take the turn of the conversation that has waited longest and step each
//! of its pending messages through the engine, in order, in one transaction with their replies.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use wabot_engine::Engine;

use crate::current_menu::CurrentEngine;
use crate::error::StoreError;
use crate::marketing_words::MarketingWords;
use crate::messenger::ReplyRenderer;
use crate::model::StepRecord;
use crate::monitoring::DeliveryObserver;
use crate::ports::Conversations;
use crate::read_receipts::ReadReceipts;

/// The most pending messages of one conversation handled in one turn.
const BATCH: usize = 20;

/// Steps conversations for one worker. Workers need no names or leases: a turn is one transaction,
/// and the store never gives the same conversation to two turns at once.
pub struct Converse<S, R> {
    store: S,
    engine: Arc<CurrentEngine>,
    renderer: Arc<R>,
    /// Where the ids of answered messages go, for their read receipts (none: no blue ticks).
    receipts: Option<(Arc<ReadReceipts>, Arc<dyn DeliveryObserver>)>,
    /// The marketing stop and start words, heard before the engine (see `marketing_words`).
    marketing: Arc<MarketingWords>,
}

impl<S, R> Converse<S, R>
where
    S: Conversations,
    R: ReplyRenderer + 'static,
{
    /// A worker stepping conversations of `store` through `engine`.
    pub fn new(store: S, engine: Arc<Engine>, renderer: Arc<R>) -> Self {
        Self::sharing(store, Arc::new(CurrentEngine::new(engine)), renderer)
    }

    /// A worker stepping conversations through whichever engine `engine` holds when a turn starts
    /// (the server shares one among its workers and replaces it on a menu reload).
    pub fn sharing(store: S, engine: Arc<CurrentEngine>, renderer: Arc<R>) -> Self {
        Self {
            store,
            engine,
            renderer,
            receipts: None,
            marketing: Arc::new(MarketingWords::default()),
        }
    }

    /// Hears `words` before the engine: marketing opt-out and opt-in, each confirmed by a tap.
    pub fn with_marketing_words(mut self, words: MarketingWords) -> Self {
        self.marketing = Arc::new(words);
        self
    }

    /// Hands the id of every message a committed step answered to `receipts`, so the sender marks
    /// it read; `observer` hears of receipts dropped because too many wait.
    pub fn with_receipts(
        mut self,
        receipts: Arc<ReadReceipts>,
        observer: Arc<dyn DeliveryObserver>,
    ) -> Self {
        self.receipts = Some((receipts, observer));
        self
    }

    /// Takes one conversation's turn; returns how many messages were handled (0: nothing to do).
    /// When a step fails, the messages before it stay handled and the error is returned: that
    /// message and the ones after it stay pending for a later turn.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        // One menu for the whole turn, even if a reload replaces it meanwhile.
        let (engine, renderer) = (self.engine.get(), Arc::clone(&self.renderer));
        let marketing = Arc::clone(&self.marketing);
        // For each step taken, in order: the message's id if the step answers it.
        let answered = Arc::new(Mutex::new(Vec::new()));
        let steps = Arc::clone(&answered);
        let turn = self
            .store
            .step_next(now, BATCH, move |customer, message, state, data| {
                let step = match marketing.intercept(&state, &message.input) {
                    Some(step) => step,
                    None => engine.step(now, &state, &message.input, data)?,
                };
                let record =
                    StepRecord::rendered(step, &*renderer, message.reply_address(customer));
                let id = (!record.replies.is_empty()).then(|| message.message_id.clone());
                steps
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(id);
                Ok(record)
            })
            .await?;
        if let (Some((receipts, observer)), Some(turn)) = (&self.receipts, &turn) {
            // Only the steps that committed: the first `turn.steps` of those taken.
            let answered =
                std::mem::take(&mut *answered.lock().unwrap_or_else(PoisonError::into_inner));
            receipts.push(answered.into_iter().take(turn.steps).flatten(), observer);
        }
        match turn {
            None => Ok(0),
            Some(turn) => match turn.failed {
                Some(error) => Err(error),
                None => Ok(turn.steps),
            },
        }
    }
}
