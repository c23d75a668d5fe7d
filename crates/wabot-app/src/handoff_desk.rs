//! [`HandoffDesk`]: what an agent does with a handoff, whether through the admin API or the
//! console — claim, reply, note, transfer, close — and the timeouts a worker applies. Replies are
//! rendered like the bot's and queued in the same outbox; closing asks the engine for the step
//! that brings the bot back, so the store commits the closed handoff, the new conversation state
//! and the closing message together.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use wabot_engine::Reply;

use crate::current_menu::CurrentEngine;
use crate::error::StoreError;
use crate::handoffs::{Claim, Handoff, Handoffs};
use crate::messenger::ReplyRenderer;
use crate::model::StepRecord;
use crate::outreach::Queued;

/// The agent's side of handoffs.
pub struct HandoffDesk<S, R> {
    store: S,
    engine: Arc<CurrentEngine>,
    renderer: Arc<R>,
}

impl<S: Handoffs, R: ReplyRenderer + 'static> HandoffDesk<S, R> {
    /// A desk over a store, the engine in use and the reply renderer.
    pub fn new(store: S, engine: Arc<CurrentEngine>, renderer: Arc<R>) -> Self {
        Self {
            store,
            engine,
            renderer,
        }
    }

    /// Claims the handoff for `agent`.
    pub async fn claim(
        &self,
        id: i64,
        agent: &str,
        now: DateTime<Utc>,
    ) -> Result<Claim, StoreError> {
        self.store.claim(id, agent, now).await
    }

    /// Sends `text` to the customer of `handoff` (as the caller read it) as `agent` (free form:
    /// the 24-hour window must be open). [`StoreError::NotFound`] when the handoff is no longer
    /// open.
    pub async fn reply(
        &self,
        handoff: &Handoff,
        agent: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Queued, StoreError> {
        let id = handoff.id;
        let to = handoff
            .contact
            .ids
            .key()
            .ok_or_else(|| {
                StoreError::invalid(format!(
                    "handoff {id}: the contact has no number or user id"
                ))
            })?
            .to_owned();
        let mut drafts = self.renderer.render(&Reply::text(text), &to).into_iter();
        let first = drafts
            .next()
            .ok_or_else(|| StoreError::invalid("an agent's reply rendered to nothing"))?;
        let mut queued = self.store.reply(id, agent, first, true, now).await?;
        // A text longer than one message goes out in parts, each queued in order.
        for draft in drafts {
            if let Queued::Accepted { .. } = queued {
                queued = self.store.reply(id, agent, draft, true, now).await?;
            }
        }
        Ok(queued)
    }

    /// Closes the handoff: the customer gets the closing sentence and the main menu, and the bot
    /// answers their next message.
    pub async fn close(&self, id: i64, by: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let (engine, renderer) = (self.engine.get(), Arc::clone(&self.renderer));
        self.store
            .close(id, by, now, move |state| {
                StepRecord::rendered(
                    engine.handoff_ended(now, state),
                    &*renderer,
                    &state.customer,
                )
            })
            .await
    }

    /// Applies the timeouts: unclaimed for `unclaimed` → the customer is told and may leave a
    /// message; claimed but idle for `idle` → back in the queue.
    pub async fn expire(
        &self,
        now: DateTime<Utc>,
        unclaimed: Duration,
        idle: Duration,
    ) -> Result<(usize, usize), StoreError> {
        let (engine, renderer) = (self.engine.get(), Arc::clone(&self.renderer));
        self.store
            .expire(now, unclaimed, idle, move |state| {
                let step = engine.handoff_unanswered(state)?;
                Some(StepRecord::rendered(step, &*renderer, &state.customer))
            })
            .await
    }
}
