//! [`Conversations`] for [`DieselStore`]: a conversation's turn, the second step of a message's
//! path (after `ingest`, before the outbox's senders). Read top to bottom, it is that path: in one
//! write, pick the conversation that has waited longest (`items`), read its pending messages with
//! its session (`sessions`), and for each message, oldest first, in a savepoint of its own
//! (`step_savepoints`): run the caller's step with business data on the same transaction
//! (`business`), save the session with its version check (the next message starts from it), queue
//! the replies (`outbox`), record the analytics events (`menu_events`) and mark the message done
//! (`items`). A failing step rolls back alone and ends the turn, leaving
//! it and the later messages pending; a crash rolls the whole turn back. No lease is taken. A step
//! deferred for a lookup (`StoreError::StepDeferred`) rolls back alone too, and holds the
//! conversation's messages (`items::hold`) instead of counting a failure; `step_contact` is how its
//! worker comes back to it. Several turns may share one write (`step_waiting`): one commit for
//! a burst of conversations.

use chrono::{DateTime, Utc};
use wabot_app::{Conversations, StoreError, Turn, TurnStep};
use wabot_engine::ConversationState;

use crate::business::TxBusinessData;
use crate::connection::AnyConnection;
use crate::items::PendingMessage;
use crate::pg_step_write::{self, StepWrites};
use crate::sql::{TxError, naive};
use crate::step_savepoints::StepSavepoints;
use crate::store::DieselStore;
use crate::{contacts, handoffs, items, menu_events, outbox, sessions};

/// Up to `conversations` turns, inside the write's transaction, stopping after one that fails.
/// More may wait when the write found as many conversations as it could take, when a conversation
/// had as many messages as one turn takes, or when it stopped before the last one it found.
fn take_turns<F: TurnStep>(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    conversations: usize,
    max_items: usize,
    step: &F,
) -> Result<Option<Turn>, TxError> {
    let waiting = items::next_conversations(connection, now, conversations)?;
    let found = waiting.len();
    let mut savepoints = StepSavepoints::default();
    let (mut steps, mut more_waiting) = (0, found >= conversations);
    let mut last = None;
    for (n, (contact_id, customer)) in waiting.into_iter().enumerate() {
        let turn = step_messages(
            connection,
            &mut savepoints,
            contact_id,
            &customer,
            now,
            max_items,
            step,
        )?;
        steps += turn.steps;
        more_waiting |= turn.more_waiting;
        let stop = turn.failed.is_some();
        last = Some(turn);
        if stop {
            more_waiting |= n + 1 < found;
            break;
        }
    }
    Ok(last.map(|turn| Turn {
        steps,
        more_waiting,
        ..turn
    }))
}

/// A conversation's session through its turn: as stored, read back inside the first step (a session
/// that does not read fails that step alone, which backs off; the other conversations go on), then
/// as each step saved it.
enum Session {
    /// Its JSON and version as read with the messages; `None` before its first step.
    Stored(Option<(String, i64)>),
    /// The state the step before saved, and the version stored.
    Saved(ConversationState, Option<i64>),
}

impl Session {
    /// The state to step from and the version it was saved at.
    fn read(
        self,
        contact_id: i64,
        customer: &str,
    ) -> Result<(ConversationState, Option<i64>), TxError> {
        match self {
            Session::Stored(stored) => {
                let parsed = stored
                    .map(|(state, version)| sessions::parse(contact_id, &state, version))
                    .transpose()?;
                Ok(sessions::or_new(parsed, customer))
            }
            Session::Saved(state, version) => Ok((state, version)),
        }
    }
}

/// The turn of one contact's conversation, inside the write's transaction.
fn step_messages<F: TurnStep>(
    connection: &mut AnyConnection,
    savepoints: &mut StepSavepoints,
    contact_id: i64,
    customer: &str,
    now: DateTime<Utc>,
    max_items: usize,
    step: &F,
) -> Result<Turn, TxError> {
    let (pending_messages, saved) = items::pending_messages(connection, contact_id, max_items)?;
    let mut turn = Turn {
        contact_id,
        steps: 0,
        failed: None,
        more_waiting: pending_messages.len() >= max_items,
    };
    // The session read with the messages, then as each step saved it (no read a message).
    let mut session = Some(Session::Stored(saved));
    for pending in pending_messages {
        // Always there: a step that fails ends the turn before the next message.
        let Some(current) = session.take() else { break };
        let stepped = savepoints.run(connection, |connection| {
            let current = current.read(contact_id, customer)?;
            step_message(
                connection, contact_id, customer, &pending, current, now, step,
            )
        });
        match stepped {
            Ok((state, version)) => {
                session = Some(Session::Saved(state, version));
                turn.steps += 1;
            }
            Err(TxError(error @ StoreError::StepDeferred { until })) => {
                // Not a failure: its worker fetches what the step needs and comes back.
                items::hold(connection, contact_id, Some(until))?;
                turn.failed = Some(error);
                break;
            }
            Err(TxError(error)) => {
                // Its savepoint is rolled back; the wait before the next try is written in the
                // turn's transaction, so the other conversations go on meanwhile.
                items::back_off(connection, contact_id, pending.id, now)?;
                turn.failed = Some(error);
                break;
            }
        }
    }
    Ok(turn)
}

/// One message: the caller's step on the session, then the session, replies, events and the item
/// out; returns the session as saved (its state and stored version) for the next message.
fn step_message<F: TurnStep>(
    connection: &mut AnyConnection,
    contact_id: i64,
    customer: &str,
    pending: &PendingMessage,
    (state, version): (ConversationState, Option<i64>),
    now: DateTime<Utc>,
    step: &F,
) -> Result<(ConversationState, Option<i64>), TxError> {
    let PendingMessage {
        id: item_id,
        message,
        received_at,
    } = pending;
    let record = step(
        customer,
        message,
        state,
        &mut TxBusinessData {
            connection: &mut *connection,
            contact_id,
        },
    )?;
    let at = naive(now);
    let saved = match connection {
        // One round trip for the step's common writes (`pg_step_write`).
        AnyConnection::Pg(c) => {
            let (json, saved) = sessions::stored_form(contact_id, &record.state)?;
            pg_step_write::write(
                c,
                &StepWrites {
                    contact_id,
                    item_id: *item_id,
                    session: (&json, saved, record.state.node.as_deref()),
                    read_version: version,
                    replies: &record.replies,
                    origin_at: *received_at,
                    events: &record.events,
                    at,
                },
            )?;
            if !record.replies.is_empty() {
                crate::daily_figures::changed(connection, at)?;
            }
            saved
        }
        AnyConnection::Sqlite(_) => {
            let saved = sessions::save(connection, contact_id, &record.state, version, now)?;
            for reply in &record.replies {
                outbox::queue(connection, contact_id, reply, at, Some(*received_at))?;
            }
            menu_events::record(connection, contact_id, &record.events, at)?;
            items::finish(connection, *item_id, now)?;
            saved
        }
    };
    if let Some(change) = &record.handoff {
        handoffs::apply_change(connection, contact_id, change, now)?;
    } else if record.state.handoff.is_some() {
        handoffs::touch(connection, contact_id, now)?;
    }
    if let Some(opted_out) = wabot_app::marketing_tap(&message.input) {
        let reason = opted_out.then_some(crate::marketing::STOP_WORD_REASON);
        crate::marketing::marketing_preference(connection, contact_id, reason, now)?;
    }
    Ok((record.state, Some(saved)))
}

impl Conversations for DieselStore {
    async fn step_next<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        max_items: usize,
        step: F,
    ) -> Result<Option<Turn>, StoreError> {
        self.step_waiting(now, 1, max_items, step).await
    }

    async fn step_waiting<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        conversations: usize,
        max_items: usize,
        step: F,
    ) -> Result<Option<Turn>, StoreError> {
        self.write(move |connection| take_turns(connection, now, conversations, max_items, &step))
            .await
    }

    async fn step_contact<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        contact_id: i64,
        max_items: usize,
        step: F,
    ) -> Result<Option<Turn>, StoreError> {
        self.write(move |connection| {
            if !items::claim_conversation(connection, contact_id)? {
                return Ok(None);
            }
            let customer = contacts::key(connection, contact_id)?;
            let turn = step_messages(
                connection,
                &mut StepSavepoints::default(),
                contact_id,
                &customer,
                now,
                max_items,
                &step,
            )?;
            if turn.failed.is_none() {
                // Messages beyond `max_items` need not wait for the hold to pass.
                items::hold(connection, contact_id, None)?;
            }
            Ok(Some(turn))
        })
        .await
    }

    async fn session(&self, contact_id: i64) -> Result<Option<ConversationState>, StoreError> {
        self.read(move |connection| {
            Ok(sessions::saved(connection, contact_id)?.map(|(state, _)| state))
        })
        .await
    }
}
