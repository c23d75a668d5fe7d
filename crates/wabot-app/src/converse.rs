//! The converse use case: take the turn of the conversation that has waited longest and step each
//! of its pending messages through the engine, in order, in one transaction with their replies.
//!
//! With [`Lookups`] (orders and schedule from the business's own system), a step that needs a
//! lookup is not taken: the turn ends there and holds the conversation's messages
//! ([`StoreError::StepDeferred`]), the transaction is committed and no connection is held while the
//! source is asked, then the same worker takes that conversation's turn again with the answer. The
//! messages stay pending meanwhile, so a crash loses nothing and the session's version check and
//! the item's done mark keep each step exactly once; the hold keeps other workers away from it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};
use wabot_engine::{Answer, ConversationState, Engine, Event, Lookup, RecordSource, Stepped};

use crate::business_source::Lookups;
use crate::current_menu::CurrentEngine;
use crate::error::StoreError;
use crate::marketing_words::MarketingWords;
use crate::messenger::ReplyRenderer;
use crate::model::{CustomerMessage, StepRecord, Turn};
use crate::monitoring::DeliveryObserver;
use crate::ports::{Conversations, StepData};
use crate::read_receipts::ReadReceipts;

/// The most pending messages of one conversation handled in one turn.
const BATCH: usize = 20;

/// The most conversations whose turns share one transaction (and one commit): in a burst of first
/// messages from many customers, one write steps this many instead of one.
const CONVERSATIONS_PER_WRITE: usize = 16;

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
    /// Where orders and schedule are fetched from (none: the store's own tables, in the step).
    lookups: Option<Lookups>,
}

/// A turn taken, and the lookup its last step waits for, if it does (with the customer's key).
struct Taken {
    turn: Turn,
    needs: Option<(String, Lookup)>,
}

/// What one round of a worker did, and whether it should look again at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Messages handled (0: nothing to do).
    pub handled: usize,
    /// The round took all it could in one write: more conversations may wait. When false, nothing
    /// waited beyond what it took, so the worker may sleep until the next message wakes it.
    pub more_waiting: bool,
    /// A step completed a form: a form's action is what may queue a file to keep (the photo of a
    /// defect report), so the media worker is worth waking.
    pub forms_completed: bool,
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
            lookups: None,
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

    /// Reads orders and schedule through `lookups`, outside any transaction, instead of from the
    /// store's tables.
    pub fn with_lookups(mut self, lookups: Lookups) -> Self {
        self.lookups = Some(lookups);
        self
    }

    /// Takes the turns of the conversations waiting longest (up to `CONVERSATIONS_PER_WRITE` in
    /// one transaction); returns how many messages were handled (0: nothing to do).
    /// When a step fails, the messages before it stay handled and the error is returned: that
    /// message and the ones after it stay pending for a later turn. A step waiting for a lookup is
    /// fetched and the conversation's turn taken again, up to the batch's size of lookups.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.round(now).await?.handled)
    }

    /// [`Self::run_once`], telling also whether more may wait and whether a form was completed.
    pub async fn round(&self, now: DateTime<Utc>) -> Result<Round, StoreError> {
        // One menu for the whole turn, even if a reload replaces it meanwhile.
        let engine = self.engine.get();
        // The engine keeps `now` for the whole turn (a lookup's answer must match its question),
        // but a hold counts from when the step asks: lookups take real time.
        let started = std::time::Instant::now();
        let forms = Arc::new(AtomicBool::new(false));
        let mut taken = self
            .take_turn(&engine, now, started, None, None, &forms)
            .await?;
        let mut round = Round::default();
        for _ in 0..BATCH {
            let Some(Taken { turn, needs }) = taken else {
                break;
            };
            round.handled += turn.steps;
            round.more_waiting |= turn.more_waiting;
            match (turn.failed, needs, &self.lookups) {
                (
                    Some(StoreError::StepDeferred { .. }),
                    Some((customer, lookup)),
                    Some(lookups),
                ) => {
                    // No transaction is open here: the turn that asked has committed.
                    let answer = lookups.answer(&customer, lookup).await;
                    let contact = Some(turn.contact_id);
                    taken = self
                        .take_turn(&engine, now, started, contact, Some(answer), &forms)
                        .await?;
                }
                (Some(error), _, _) => return Err(error),
                (None, _, _) => break,
            }
        }
        round.forms_completed = forms.load(Ordering::Relaxed);
        Ok(round)
    }

    /// One turn: of the conversation waiting longest, or of `contact`'s with `answer` fetched.
    async fn take_turn(
        &self,
        engine: &Arc<Engine>,
        now: DateTime<Utc>,
        started: std::time::Instant,
        contact: Option<i64>,
        answer: Option<Answer>,
        forms: &Arc<AtomicBool>,
    ) -> Result<Option<Taken>, StoreError> {
        let forms_completed = Arc::clone(forms);
        let (engine, renderer) = (Arc::clone(engine), Arc::clone(&self.renderer));
        let marketing = Arc::clone(&self.marketing);
        // For each step taken, in order: the message's id if the step answers it.
        let answered = Arc::new(Mutex::new(Vec::new()));
        let needs = Arc::new(Mutex::new(None));
        let (steps, asked) = (Arc::clone(&answered), Arc::clone(&needs));
        let hold = self
            .lookups
            .as_ref()
            .map(|lookups| TimeDelta::from_std(lookups.hold()).unwrap_or(TimeDelta::minutes(1)));
        let step = move |customer: &str,
                         message: &CustomerMessage,
                         state: ConversationState,
                         data: &mut StepData<'_>| {
            let step = match (marketing.intercept(&engine, &state, &message.input), hold) {
                (Some(step), _) => step,
                (None, None) => engine.step(now, &state, &message.input, data)?,
                (None, Some(hold_for)) => {
                    let source = RecordSource::Lookup(answer.as_ref());
                    match engine.step_with(now, &state, &message.input, data, source)? {
                        Stepped::Done(step) => step,
                        Stepped::Needs(lookup) => {
                            *asked.lock().unwrap_or_else(PoisonError::into_inner) =
                                Some((customer.to_owned(), lookup));
                            let waited =
                                TimeDelta::from_std(started.elapsed()).unwrap_or(TimeDelta::zero());
                            let until = now + waited + hold_for;
                            return Err(StoreError::StepDeferred { until });
                        }
                    }
                }
            };
            if step
                .events
                .iter()
                .any(|event| matches!(event, Event::FormCompleted { .. }))
            {
                forms_completed.store(true, Ordering::Relaxed);
            }
            let record = StepRecord::rendered(step, &*renderer, message.reply_address(customer));
            let id = (!record.replies.is_empty()).then(|| message.message_id.clone());
            steps
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(id);
            Ok(record)
        };
        let turn = match contact {
            None => {
                self.store
                    .step_waiting(now, CONVERSATIONS_PER_WRITE, BATCH, step)
                    .await?
            }
            Some(contact_id) => {
                self.store
                    .step_contact(now, contact_id, BATCH, step)
                    .await?
            }
        };
        if let (Some((receipts, observer)), Some(turn)) = (&self.receipts, &turn) {
            // Only the steps that committed: the first `turn.steps` of those taken.
            let answered =
                std::mem::take(&mut *answered.lock().unwrap_or_else(PoisonError::into_inner));
            receipts.push(answered.into_iter().take(turn.steps).flatten(), observer);
        }
        let needs = needs.lock().unwrap_or_else(PoisonError::into_inner).take();
        Ok(turn.map(|turn| Taken { turn, needs }))
    }
}
