//! [`Conversations`] for [`DieselStore`]: one conversation step in one transaction — session load,
//! the engine's business data on the same transaction, session save with a version check, replies into
//! the outbox, events, and the item marked done (and, after the contact's last pending message, the
//! lease given back). A crash anywhere leaves the item pending.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    Conversations, DeliveryStatus, OutboundDraft, StepData, StepRecord, StoreError, Turn, TurnStep,
};
use wabot_engine::{ConversationState, Event};

use crate::business::TxBusinessData;
use crate::connection::AnyConnection;
use crate::inbox::holds_lease;
use crate::schema::{
    contacts, inbound_items, menu_events, messages, outbox, sessions, webhook_events,
};
use crate::store::DieselStore;
use crate::tx::{TxError, naive, per_backend, transaction};

fn corrupt(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

/// The saved state and its stored version, or a new state for the contact's key.
fn load_session(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<(ConversationState, Option<i64>), TxError> {
    let saved = sessions::table
        .find(contact_id)
        .select((sessions::state, sessions::version))
        .first::<(String, i64)>(connection)
        .optional()?;
    if let Some((state, version)) = saved {
        return Ok((
            serde_json::from_str(&state).map_err(corrupt)?,
            Some(version),
        ));
    }
    let (wa_id, user_id) = contacts::table
        .find(contact_id)
        .select((contacts::wa_id, contacts::user_id))
        .first::<(Option<String>, Option<String>)>(connection)?;
    let key = wa_id.or(user_id).unwrap_or_default();
    Ok((ConversationState::new(key), None))
}

fn save_session(
    connection: &mut AnyConnection,
    contact_id: i64,
    state: &ConversationState,
    loaded_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let json = serde_json::to_string(state).map_err(corrupt)?;
    let version = i64::try_from(state.version).unwrap_or(i64::MAX);
    let saved = match loaded_version {
        Some(expected) => diesel::update(
            sessions::table
                .find(contact_id)
                .filter(sessions::version.eq(expected)),
        )
        .set((
            sessions::state.eq(&json),
            sessions::version.eq(version),
            sessions::updated_at.eq(naive(now)),
        ))
        .execute(connection)?,
        None => per_backend!(connection, |c| diesel::insert_into(sessions::table)
            .values((
                sessions::contact_id.eq(contact_id),
                sessions::state.eq(&json),
                sessions::version.eq(version),
                sessions::updated_at.eq(naive(now)),
            ))
            .on_conflict(sessions::contact_id)
            .do_nothing()
            .execute(c)?),
    };
    if saved == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleSession {
            expected: loaded_version.unwrap_or(0),
        }
        .into())
    }
}

fn event_row(event: &Event) -> (&'static str, Option<&str>) {
    match event {
        Event::SessionStarted => ("session_started", None),
        Event::SessionExpired => ("session_expired", None),
        Event::NodeEntered { node } => ("node_entered", Some(node)),
        Event::OptionChosen { node, .. } => ("option_chosen", Some(node)),
        Event::FormCompleted { node } => ("form_completed", Some(node)),
        Event::FormAbandoned { node, .. } => ("form_abandoned", Some(node)),
        Event::NotUnderstood { node } => ("not_understood", Some(node)),
    }
}

/// Queues one outbound message (a message row and its outbox row); returns the message's id.
pub(crate) fn queue_outbound(
    connection: &mut AnyConnection,
    contact_id: i64,
    draft: &OutboundDraft,
    at: NaiveDateTime,
    origin_at: Option<NaiveDateTime>,
) -> Result<i64, TxError> {
    let message = (
        messages::contact_id.eq(contact_id),
        messages::direction.eq("out"),
        messages::kind.eq(&draft.kind),
        messages::body.eq(&draft.body),
        messages::status.eq(DeliveryStatus::Pending.as_str()),
        messages::status_rank.eq(DeliveryStatus::Pending.rank()),
        messages::created_at.eq(at),
    );
    let message_id = per_backend!(connection, |c| diesel::insert_into(messages::table)
        .values(message)
        .returning(messages::id)
        .get_result::<i64>(c)?);
    diesel::insert_into(outbox::table)
        .values((
            outbox::message_id.eq(message_id),
            outbox::contact_id.eq(contact_id),
            outbox::body.eq(&draft.body),
            outbox::state.eq("pending"),
            outbox::next_attempt_at.eq(at),
            outbox::origin_at.eq(origin_at),
        ))
        .execute(connection)?;
    Ok(message_id)
}

fn record(
    connection: &mut AnyConnection,
    contact_id: i64,
    item_id: i64,
    record: &StepRecord,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let at = naive(now);
    if !record.replies.is_empty() {
        // When the message being answered reached the webhook: the start of its reply latency.
        let origin_at = inbound_items::table
            .inner_join(webhook_events::table)
            .filter(inbound_items::id.eq(item_id))
            .select(webhook_events::received_at)
            .first::<NaiveDateTime>(connection)
            .optional()?;
        for reply in &record.replies {
            queue_outbound(connection, contact_id, reply, at, origin_at)?;
        }
    }
    for event in &record.events {
        let (name, node) = event_row(event);
        diesel::insert_into(menu_events::table)
            .values((
                menu_events::contact_id.eq(contact_id),
                menu_events::event.eq(name),
                menu_events::node.eq(node),
                menu_events::at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Gives the conversation's lease back in the step's own transaction when this was its last pending
/// message (saving the worker a separate write); new messages are claimed afresh.
fn release_if_idle(
    connection: &mut AnyConnection,
    contact_id: i64,
    owner: &str,
) -> Result<(), TxError> {
    let pending = inbound_items::table
        .filter(inbound_items::contact_id.eq(contact_id))
        .filter(inbound_items::state.eq("pending"))
        .filter(inbound_items::kind.eq("message"))
        .count()
        .get_result::<i64>(connection)?;
    if pending == 0 {
        diesel::update(
            contacts::table
                .find(contact_id)
                .filter(contacts::lease_owner.eq(owner)),
        )
        .set((
            contacts::lease_owner.eq(None::<String>),
            contacts::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(connection)?;
    }
    Ok(())
}

/// Checks that item `item_id` is a pending item of the contact.
fn is_pending(
    connection: &mut AnyConnection,
    contact_id: i64,
    item_id: i64,
) -> Result<(), TxError> {
    let pending = inbound_items::table
        .find(item_id)
        .filter(inbound_items::contact_id.eq(contact_id))
        .filter(inbound_items::state.eq("pending"))
        .count()
        .get_result::<i64>(connection)?;
    if pending == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("pending item {item_id} of contact {contact_id}")).into())
    }
}

/// One step for pending item `item_id` of the contact, inside the caller's transaction (which has
/// checked that the item is pending): loads the session, calls `step` with business data on the same
/// transaction, saves the session (refused if its version moved on), queues the replies, records the
/// events and marks the item done.
pub(crate) fn step_item<F>(
    connection: &mut AnyConnection,
    contact_id: i64,
    item_id: i64,
    now: DateTime<Utc>,
    step: F,
) -> Result<StepRecord, TxError>
where
    F: FnOnce(ConversationState, &mut StepData<'_>) -> Result<StepRecord, StoreError>,
{
    let (state, version) = load_session(connection, contact_id)?;
    let result = step(
        state,
        &mut TxBusinessData {
            connection: &mut *connection,
        },
    )?;
    save_session(connection, contact_id, &result.state, version, now)?;
    record(connection, contact_id, item_id, &result, now)?;
    finish(connection, item_id, now)?;
    Ok(result)
}

/// Marks an item done.
pub(crate) fn finish(
    connection: &mut AnyConnection,
    item_id: i64,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    diesel::update(inbound_items::table.find(item_id))
        .set((
            inbound_items::state.eq("done"),
            inbound_items::done_at.eq(naive(now)),
        ))
        .execute(connection)?;
    Ok(())
}

impl Conversations for DieselStore {
    async fn step<F>(
        &self,
        contact_id: i64,
        owner: &str,
        item_id: i64,
        now: DateTime<Utc>,
        step: F,
    ) -> Result<StepRecord, StoreError>
    where
        F: FnOnce(ConversationState, &mut StepData<'_>) -> Result<StepRecord, StoreError>
            + Send
            + 'static,
    {
        let owner = owner.to_owned();
        self.write(move |connection| {
            transaction(connection, |connection| {
                holds_lease(connection, contact_id, &owner, now)?;
                is_pending(connection, contact_id, item_id)?;
                let result = step_item(connection, contact_id, item_id, now, step)?;
                release_if_idle(connection, contact_id, &owner)?;
                Ok(result)
            })
        })
        .await
    }

    async fn step_next<F: TurnStep>(
        &self,
        now: DateTime<Utc>,
        max_items: usize,
        step: F,
    ) -> Result<Option<Turn>, StoreError> {
        self.take_turn(now, max_items, step).await
    }

    async fn session(&self, contact_id: i64) -> Result<Option<ConversationState>, StoreError> {
        self.read(move |connection| {
            let saved = sessions::table
                .find(contact_id)
                .select(sessions::state)
                .first::<String>(connection)
                .optional()
                .map_err(crate::store::database)?;
            saved
                .map(|state| serde_json::from_str(&state).map_err(corrupt))
                .transpose()
        })
        .await
    }
}
