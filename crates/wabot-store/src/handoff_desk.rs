//! [`Handoffs`] for [`DieselStore`]: the agents' writes — an atomic claim (`UPDATE … WHERE agent IS
//! NULL`, so of two agents, or two instances, one wins), transfer, note, reply through the outbox
//! with the window check, close with the conversation given back to the bot in the same
//! transaction — the timeouts, and the figures.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    Claim, Handoff, HandoffEvent, HandoffFigures, HandoffState, Handoffs, OutboundDraft, Queued,
    StepRecord, StoreError, window_open,
};
use wabot_engine::ConversationState;

use crate::connection::AnyConnection;
use crate::handoffs::{HandoffRow, event, events, handoff, open_handoffs, row};
use crate::schema::{contacts, handoffs};
use crate::sql::{TxError, naive, utc};
use crate::states::HandoffEventName;
use crate::store::DieselStore;
use crate::{outbox, sessions};

/// The stored names of the open states.
fn open_states() -> [&'static str; 3] {
    [
        HandoffState::Waiting.as_str(),
        HandoffState::Claimed.as_str(),
        HandoffState::MessageLeft.as_str(),
    ]
}

fn open_row(connection: &mut AnyConnection, id: i64) -> Result<Option<HandoffRow>, TxError> {
    Ok(row(connection, id)?.filter(|row| row.state != HandoffState::Closed.as_str()))
}

fn since(now: DateTime<Utc>, duration: Duration) -> chrono::NaiveDateTime {
    naive(now - TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX))
}

/// Saves a step the desk took for the conversation (closing, or telling the customer nobody
/// answered) and queues its replies.
fn save_step(
    connection: &mut AnyConnection,
    contact_id: i64,
    record: &StepRecord,
    version: i64,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    sessions::save(connection, contact_id, &record.state, Some(version), now)?;
    for reply in &record.replies {
        outbox::queue(connection, contact_id, reply, naive(now), None)?;
    }
    crate::menu_events::record(connection, contact_id, &record.events, naive(now))
}

/// The contact's saved state, or `None` when it cannot be read (logged): one unreadable state must
/// not stop the timeouts of every other conversation, nor keep its own handoff from closing.
fn readable_state(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<Option<(ConversationState, i64)>, TxError> {
    match sessions::saved(connection, contact_id) {
        Err(TxError(error @ StoreError::Corrupt { .. })) => {
            tracing::warn!(contact = contact_id, error = %error, "a saved conversation is unreadable; its handoff goes on without it");
            Ok(None)
        }
        other => other,
    }
}

impl Handoffs for DieselStore {
    async fn open_handoffs(&self) -> Result<Vec<Handoff>, StoreError> {
        self.read(open_handoffs).await
    }

    async fn handoff(&self, id: i64) -> Result<Option<(Handoff, Vec<HandoffEvent>)>, StoreError> {
        self.read(move |connection| {
            let Some(found) = row(connection, id)? else {
                return Ok(None);
            };
            let shown = handoff(connection, found)?;
            Ok(Some((shown, events(connection, id)?)))
        })
        .await
    }

    async fn claim(&self, id: i64, agent: &str, now: DateTime<Utc>) -> Result<Claim, StoreError> {
        let agent = agent.to_owned();
        self.write(move |connection| {
            let at = naive(now);
            let taken = diesel::update(
                handoffs::table
                    .find(id)
                    .filter(handoffs::agent.is_null())
                    .filter(handoffs::state.eq_any(open_states())),
            )
            .set((
                handoffs::state.eq(HandoffState::Claimed.as_str()),
                handoffs::agent.eq(&agent),
                handoffs::claimed_at.eq(at),
                handoffs::last_activity_at.eq(at),
            ))
            .execute(connection)?;
            if taken == 1 {
                event(
                    connection,
                    id,
                    HandoffEventName::Claimed,
                    Some(&agent),
                    None,
                    at,
                )?;
                return Ok(Claim::Claimed);
            }
            Ok(match open_row(connection, id)? {
                Some(HandoffRow {
                    agent: Some(by), ..
                }) => Claim::TakenBy(by),
                _ => Claim::NotOpen,
            })
        })
        .await
    }

    async fn transfer(
        &self,
        id: i64,
        to: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (to, by) = (to.to_owned(), by.to_owned());
        self.write(move |connection| {
            let at = naive(now);
            let moved = diesel::update(
                handoffs::table
                    .find(id)
                    .filter(handoffs::state.eq_any(open_states())),
            )
            .set((
                handoffs::state.eq(HandoffState::Claimed.as_str()),
                handoffs::agent.eq(&to),
                handoffs::claimed_at.eq(at),
                handoffs::last_activity_at.eq(at),
            ))
            .execute(connection)?;
            if moved == 1 {
                event(
                    connection,
                    id,
                    HandoffEventName::Transferred,
                    Some(&by),
                    Some(&to),
                    at,
                )?;
            }
            Ok(moved == 1)
        })
        .await
    }

    async fn note(
        &self,
        id: i64,
        by: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (by, text) = (by.to_owned(), text.to_owned());
        self.write(move |connection| {
            if row(connection, id)?.is_none() {
                return Ok(false);
            }
            event(
                connection,
                id,
                HandoffEventName::Noted,
                Some(&by),
                Some(&text),
                naive(now),
            )?;
            Ok(true)
        })
        .await
    }

    async fn reply(
        &self,
        id: i64,
        by: &str,
        draft: OutboundDraft,
        window_required: bool,
        now: DateTime<Utc>,
    ) -> Result<Queued, StoreError> {
        let by = by.to_owned();
        self.write(move |connection| {
            let open = open_row(connection, id)?
                .ok_or_else(|| StoreError::NotFound(format!("open handoff {id}")))?;
            let last_inbound_at = contacts::table
                .find(open.contact_id)
                .select(contacts::last_inbound_at)
                .first::<Option<chrono::NaiveDateTime>>(connection)?
                .map(utc);
            if window_required && !window_open(last_inbound_at, now) {
                return Ok(Queued::OutsideWindow { last_inbound_at });
            }
            let at = naive(now);
            let message_id = outbox::queue(connection, open.contact_id, &draft, at, None)?;
            diesel::update(handoffs::table.find(id))
                .set((
                    handoffs::last_activity_at.eq(at),
                    handoffs::first_reply_at.eq(open.first_reply_at.unwrap_or(at)),
                ))
                .execute(connection)?;
            event(
                connection,
                id,
                HandoffEventName::Replied,
                Some(&by),
                None,
                at,
            )?;
            Ok(Queued::Accepted {
                message_id,
                contact_id: open.contact_id,
            })
        })
        .await
    }

    async fn close<F>(
        &self,
        id: i64,
        by: &str,
        now: DateTime<Utc>,
        back_to_bot: F,
    ) -> Result<bool, StoreError>
    where
        F: FnOnce(&ConversationState) -> StepRecord + Send + 'static,
    {
        let by = by.to_owned();
        let closed = self
            .write(move |connection| {
                let Some(open) = open_row(connection, id)? else {
                    return Ok(false);
                };
                let at = naive(now);
                // The conversation first, then the handoff: the order a turn takes them in.
                if let Some((state, version)) = readable_state(connection, open.contact_id)?
                    && state.handoff.is_some()
                {
                    save_step(
                        connection,
                        open.contact_id,
                        &back_to_bot(&state),
                        version,
                        now,
                    )?;
                }
                let changed = diesel::update(
                    handoffs::table
                        .find(id)
                        .filter(handoffs::state.ne(HandoffState::Closed.as_str())),
                )
                .set((
                    handoffs::state.eq(HandoffState::Closed.as_str()),
                    handoffs::closed_at.eq(at),
                    handoffs::last_activity_at.eq(at),
                ))
                .execute(connection)?;
                if changed == 0 {
                    // Closed meanwhile (the customer left, another agent closed it): undo ours.
                    return Err(
                        StoreError::Conflict(format!("handoff {id} closed meanwhile")).into(),
                    );
                }
                event(
                    connection,
                    id,
                    HandoffEventName::Closed,
                    Some(&by),
                    None,
                    at,
                )?;
                Ok(true)
            })
            .await;
        match closed {
            Err(StoreError::Conflict(_)) => Ok(false),
            other => other,
        }
    }

    async fn expire<F>(
        &self,
        now: DateTime<Utc>,
        unclaimed: Duration,
        idle: Duration,
        unanswered: F,
    ) -> Result<(usize, usize), StoreError>
    where
        F: Fn(&ConversationState) -> Option<StepRecord> + Send + Sync + 'static,
    {
        self.write(move |connection| {
            let at = naive(now);
            let overdue = handoffs::table
                .filter(handoffs::state.eq(HandoffState::Waiting.as_str()))
                .filter(handoffs::unanswered_at.is_null())
                .filter(handoffs::opened_at.le(since(now, unclaimed)))
                .select((handoffs::id, handoffs::contact_id))
                .load::<(i64, i64)>(connection)?;
            let mut told = 0;
            for (id, contact_id) in &overdue {
                // Only if it is still waiting untold (a claim or close may have come meanwhile).
                let marked = diesel::update(
                    handoffs::table
                        .find(id)
                        .filter(handoffs::state.eq(HandoffState::Waiting.as_str()))
                        .filter(handoffs::agent.is_null())
                        .filter(handoffs::unanswered_at.is_null()),
                )
                .set(handoffs::unanswered_at.eq(at))
                .execute(connection)?;
                if marked == 0 {
                    continue;
                }
                told += 1;
                event(
                    connection,
                    *id,
                    HandoffEventName::Unanswered,
                    None,
                    None,
                    at,
                )?;
                if let Some((state, version)) = readable_state(connection, *contact_id)?
                    && let Some(record) = unanswered(&state)
                {
                    save_step(connection, *contact_id, &record, version, now)?;
                }
            }
            let idle_claims = handoffs::table
                .filter(handoffs::state.eq(HandoffState::Claimed.as_str()))
                .filter(handoffs::last_activity_at.le(since(now, idle)))
                .select((handoffs::id, handoffs::agent))
                .load::<(i64, Option<String>)>(connection)?;
            let mut requeued = 0;
            for (id, agent) in &idle_claims {
                // Only if it is still claimed and idle; a conversation that had a person is not
                // told "nobody answered" afterwards (`unanswered_at` set), it just waits again.
                let moved = diesel::update(
                    handoffs::table
                        .find(id)
                        .filter(handoffs::state.eq(HandoffState::Claimed.as_str()))
                        .filter(handoffs::last_activity_at.le(since(now, idle))),
                )
                .set((
                    handoffs::state.eq(HandoffState::Waiting.as_str()),
                    handoffs::agent.eq(None::<String>),
                    handoffs::last_activity_at.eq(at),
                    handoffs::unanswered_at.eq(at),
                ))
                .execute(connection)?;
                if moved == 0 {
                    continue;
                }
                requeued += 1;
                event(
                    connection,
                    *id,
                    HandoffEventName::Requeued,
                    None,
                    agent.as_deref(),
                    at,
                )?;
            }
            Ok((told, requeued))
        })
        .await
    }

    async fn handoff_figures(&self, since: DateTime<Utc>) -> Result<HandoffFigures, StoreError> {
        self.read(move |connection| {
            let rows = handoffs::table
                .filter(handoffs::opened_at.ge(naive(since)))
                .select((
                    handoffs::state,
                    handoffs::opened_at,
                    handoffs::first_reply_at,
                ))
                .load::<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)>(
                    connection,
                )?;
            let mut figures = HandoffFigures {
                opened: i64::try_from(rows.len()).unwrap_or(i64::MAX),
                ..HandoffFigures::default()
            };
            for (state, opened, replied) in rows {
                match replied {
                    Some(replied) => figures
                        .first_reply_ms
                        .push((replied - opened).num_milliseconds().max(0)),
                    None if state == HandoffState::Closed.as_str() => figures.abandoned += 1,
                    None => {}
                }
            }
            Ok(figures)
        })
        .await
    }
}
