//! `inbound_items`: which conversation waits longest, its pending messages in order, and marking an
//! item done. (Items are written by `ingest`.)

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use wabot_app::{CustomerMessage, InboundPayload, StoreError};

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::schema::{contacts, inbound_items, sessions, webhook_events};
use crate::sql::{TxError, corrupt_json, naive, per_backend};
use crate::states::{ItemKind, ItemState};

/// A contact's pending messages on PostgreSQL, with [`ItemState::Pending`] and
/// [`ItemKind::Message`] as literals (see `pending_messages`).
const WAITING_BY_CONTACT: &str = "SELECT i.id, i.payload, e.received_at, s.state, s.version \
     FROM inbound_items i JOIN webhook_events e ON e.id = i.event_id \
     LEFT JOIN sessions s ON s.contact_id = i.contact_id \
     WHERE i.contact_id = $1 AND i.state = 'pending' AND i.kind = 'message' \
     ORDER BY i.occurred_at, i.id LIMIT $2";

/// A contact's pending message as PostgreSQL's literal query reads it.
#[derive(QueryableByName)]
struct WaitingRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    payload: String,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    received_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    state: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    version: Option<i64>,
}

/// A pending message of a conversation, read inside its turn.
#[derive(Debug)]
pub(crate) struct PendingMessage {
    /// The item's id.
    pub(crate) id: i64,
    /// The message.
    pub(crate) message: CustomerMessage,
    /// When its webhook reached us: the start of the reply latency of what answers it.
    pub(crate) received_at: NaiveDateTime,
}

/// The contacts whose oldest pending messages are the oldest of all, oldest first, each with its
/// key (its number, else its user id): up to `limit` of them, read in one query (fewer when one
/// contact has several of the oldest messages). On PostgreSQL each contact's row is locked with
/// its items (`FOR UPDATE` on the join) and rows another transaction holds are skipped, so a second
/// instance passes over every message of a conversation being stepped; the locks last until the
/// turn's transaction ends.
pub(crate) fn next_conversations(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(i64, String)>, TxError> {
    let oldest = inbound_items::table
        .inner_join(contacts::table)
        .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
        .filter(inbound_items::kind.eq(ItemKind::Message.as_str()))
        // A conversation whose step failed waits for its retry (see `back_off`).
        .filter(
            inbound_items::retry_at
                .is_null()
                .or(inbound_items::retry_at.le(naive(now))),
        )
        .order((inbound_items::occurred_at, inbound_items::id))
        .limit(i64::try_from(limit.max(1)).unwrap_or(i64::MAX))
        .select((contacts::id, contacts::wa_id, contacts::user_id));
    let heads: Vec<(i64, Option<String>, Option<String>)> = match connection {
        AnyConnection::Pg(c) => oldest.for_update().skip_locked().load(c)?,
        AnyConnection::Sqlite(c) => oldest.load(c)?,
    };
    let mut contacts: Vec<(i64, String)> = Vec::with_capacity(heads.len());
    for (contact, wa_id, user_id) in heads {
        if !contacts.iter().any(|(id, _)| *id == contact) {
            contacts.push((contact, crate::contacts::key_of(wa_id, user_id)));
        }
    }
    Ok(contacts)
}

/// Whether the contact has a pending message this transaction may step, held or not. On PostgreSQL
/// its rows are locked as in `next_conversations` (`false` if another transaction holds them).
pub(crate) fn claim_conversation(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<bool, TxError> {
    let pending = inbound_items::table
        .inner_join(contacts::table)
        .filter(inbound_items::contact_id.eq(contact_id))
        .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
        .filter(inbound_items::kind.eq(ItemKind::Message.as_str()))
        .order((inbound_items::occurred_at, inbound_items::id))
        .select(contacts::id);
    let found = match connection {
        AnyConnection::Pg(c) => pending
            .for_update()
            .skip_locked()
            .first::<i64>(c)
            .optional()?,
        AnyConnection::Sqlite(c) => pending.first::<i64>(c).optional()?,
    };
    Ok(found.is_some())
}

/// A contact's pending messages and the saved state of its conversation: what a turn reads.
/// The session comes as stored (its JSON and version): it is read back inside the first step, so
/// one that does not read fails that step alone (`turn`).
pub(crate) type Waiting = (Vec<PendingMessage>, Option<(String, i64)>);

/// Up to `max_items` of the contact's pending messages, oldest first, and the saved state of its
/// conversation with its version (read in the same statement: one round trip a turn fewer).
pub(crate) fn pending_messages(
    connection: &mut AnyConnection,
    contact_id: i64,
    max_items: usize,
) -> Result<Waiting, TxError> {
    type Row = (i64, String, NaiveDateTime, Option<String>, Option<i64>);
    let limit = i64::try_from(max_items.max(1)).unwrap_or(i64::MAX);
    let rows: Vec<Row> = match connection {
        AnyConnection::Sqlite(c) => fixed!(
            inbound_items::table
                .inner_join(webhook_events::table)
                .left_join(sessions::table.on(sessions::contact_id.eq(inbound_items::contact_id)))
                .filter(inbound_items::contact_id.eq(contact_id))
                .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
                .filter(inbound_items::kind.eq(ItemKind::Message.as_str()))
                .order((inbound_items::occurred_at, inbound_items::id))
                .limit(limit)
                .select((
                    inbound_items::id,
                    inbound_items::payload,
                    webhook_events::received_at,
                    sessions::state.nullable(),
                    sessions::version.nullable(),
                ))
        )
        .load(c)?,
        // The state and kind as literals, so the plan PostgreSQL caches uses the partial index
        // `inbound_items_waiting_by_contact` (migration 000027) whatever its statistics say.
        AnyConnection::Pg(c) => fixed!(
            diesel::sql_query(WAITING_BY_CONTACT)
                .bind::<BigInt, _>(contact_id)
                .bind::<BigInt, _>(limit)
        )
        .load::<WaitingRow>(c)?
        .into_iter()
        .map(|row| (row.id, row.payload, row.received_at, row.state, row.version))
        .collect(),
    };
    let saved = match rows.first() {
        Some((_, _, _, Some(state), Some(version))) => Some((state.clone(), *version)),
        _ => None,
    };
    let messages = rows
        .into_iter()
        .map(
            |(id, payload, received_at, _, _)| match serde_json::from_str(&payload) {
                Ok(InboundPayload::Message(message)) => Ok(PendingMessage {
                    id,
                    message,
                    received_at,
                }),
                Ok(_) => Err(TxError(StoreError::invalid(format!(
                    "inbound item {id} is stored as a message but holds something else"
                )))),
                Err(error) => Err(corrupt_json(format!("inbound item {id}"), error)),
            },
        )
        .collect::<Result<_, _>>()?;
    Ok((messages, saved))
}

/// The longest a failing conversation waits between two tries.
const MAX_BACKOFF_SECONDS: i64 = 300;

/// After the step of message `item_id` failed: counts the attempt and makes every pending message
/// of the contact wait 2^attempts seconds (at most five minutes), so the conversation keeps its
/// order and the other conversations go on meanwhile. Returns the attempts so far.
pub(crate) fn back_off(
    connection: &mut AnyConnection,
    contact_id: i64,
    item_id: i64,
    now: DateTime<Utc>,
) -> Result<i32, TxError> {
    let attempts = inbound_items::table
        .find(item_id)
        .select(inbound_items::attempts)
        .first::<i32>(connection)?
        .saturating_add(1);
    diesel::update(inbound_items::table.find(item_id))
        .set(inbound_items::attempts.eq(attempts))
        .execute(connection)?;
    let wait = 1_i64
        .checked_shl(u32::try_from(attempts).unwrap_or(u32::MAX))
        .unwrap_or(MAX_BACKOFF_SECONDS)
        .min(MAX_BACKOFF_SECONDS);
    let retry_at = naive(now + chrono::TimeDelta::seconds(wait));
    diesel::update(
        inbound_items::table
            .filter(inbound_items::contact_id.eq(contact_id))
            .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
            .filter(inbound_items::kind.eq(ItemKind::Message.as_str())),
    )
    .set(inbound_items::retry_at.eq(retry_at))
    .execute(connection)?;
    Ok(attempts)
}

/// Holds every pending message of the contact until `until` (its worker is fetching what a step
/// needs): other turns pass it over meanwhile, and take it up after `until` should that worker stop.
/// No attempt is counted. `None` releases them.
pub(crate) fn hold(
    connection: &mut AnyConnection,
    contact_id: i64,
    until: Option<DateTime<Utc>>,
) -> Result<(), TxError> {
    diesel::update(
        inbound_items::table
            .filter(inbound_items::contact_id.eq(contact_id))
            .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
            .filter(inbound_items::kind.eq(ItemKind::Message.as_str())),
    )
    .set(inbound_items::retry_at.eq(until.map(naive)))
    .execute(connection)?;
    Ok(())
}

/// Marks an item done.
pub(crate) fn finish(
    connection: &mut AnyConnection,
    item_id: i64,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    per_backend!(connection, |c| fixed!(cached::update(
        inbound_items::table.find(item_id),
        (
            inbound_items::state.eq(ItemState::Done.as_str()),
            inbound_items::done_at.eq(naive(now)),
        ),
    ))
    .execute(c)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_literal_query_names_the_stored_state_and_kind() {
        let state = format!("state = '{}'", ItemState::Pending.as_str());
        let kind = format!("kind = '{}'", ItemKind::Message.as_str());
        assert!(WAITING_BY_CONTACT.contains(&state), "{WAITING_BY_CONTACT}");
        assert!(WAITING_BY_CONTACT.contains(&kind), "{WAITING_BY_CONTACT}");
    }
}
