//! PostgreSQL's one-round-trip forms of the hottest pairs of writes, where each statement is a
//! round trip to the server: a customer's message stored as its inbound item and its message row
//! (`ingest`), a reply's message row and outbox row queued together, and a send's outcome written
//! to both rows at once (`outbox_outcomes`; the outcomes of one write all in one). They are data-modifying
//! `WITH` queries, which SQLite lacks; its in-process statements cost no round trip, so it keeps
//! the two-statement forms. Each keeps its text fixed and is prepared once per connection
//! (`cached::Fixed`).

use chrono::NaiveDateTime;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamp};
use wabot_app::{
    CustomerMessage, DeliveryStatus, Direction, MessageStatus, OutboundDraft, OutboxPriority,
};

use crate::cached::fixed;
use crate::states::{ItemKind, ItemState, OutboxState};

/// An inbound item's own values (those of its row besides its kind and state).
pub(crate) struct NewItemRow<'a> {
    /// The webhook event it came in.
    pub(crate) event_id: i64,
    /// Its unique key (a re-delivery has the same).
    pub(crate) dedupe_key: &'a str,
    /// Its contact.
    pub(crate) contact_id: i64,
    /// When it happened, by Meta's clock.
    pub(crate) occurred_at: NaiveDateTime,
    /// The item as JSON.
    pub(crate) payload: &'a str,
}

/// The inbound item unless its key is stored, then (if it was new) its message row unless Meta's id
/// is stored; how many of each were written. With `$14`, the contact's sighting too, as
/// `identity::seen` writes it for a message: its time, its name when Meta sent one (`$15`), and its
/// 24-hour window unless a later message opened it. The item is inserted from the sighting's
/// result, so the contact's row is locked first, as when the sighting was a statement before the
/// store (a data-modifying `WITH` nothing reads runs last): two webhooks carrying the same message
/// queue on the contact instead of each waiting for the other's item.
const STORE_MESSAGE: &str = "WITH seen AS (\
     UPDATE contacts SET last_seen_at = $5, profile_name = COALESCE($15, profile_name), \
     last_inbound_at = CASE WHEN last_inbound_at IS NULL OR last_inbound_at < $5 THEN $5 \
     ELSE last_inbound_at END WHERE id = $4 AND $14 RETURNING 1), \
     item AS (\
     INSERT INTO inbound_items (event_id, dedupe_key, kind, contact_id, occurred_at, payload, state) \
     SELECT $1, $2, $3, $4, $5, $6, $7 FROM (SELECT count(*) FROM seen) AS sighting \
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id), \
     message AS (\
     INSERT INTO messages \
     (contact_id, direction, wa_message_id, kind, body, status, status_rank, created_at) \
     SELECT $4, $8, $9, $10, $11, $12, $13, $5 FROM item \
     ON CONFLICT (wa_message_id) DO NOTHING RETURNING id) \
     SELECT (SELECT count(*) FROM item) AS items, (SELECT count(*) FROM message) AS messages";

/// The message row, then its outbox row pointing at it. The outbox row still carries its own copy
/// of the body: the previous version sends that copy, and may run beside this one during a rolling
/// upgrade (migration 000028; this version reads the message's).
const QUEUE: &str = "WITH made AS (\
     INSERT INTO messages (contact_id, direction, kind, body, status, status_rank, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id) \
     INSERT INTO outbox (message_id, contact_id, body, state, next_attempt_at, origin_at, priority) \
     SELECT id, $1, $4, $8, $7, $9, $10 FROM made RETURNING message_id";

/// The outbox's copy of a queued message's body rewritten with it (see [`QUEUE`]).
const READDRESS: &str = "UPDATE outbox SET body = $2 WHERE message_id = $1";

/// Sends Meta accepted, marked sent in one statement: each outbox row marked sent if this sender
/// still holds its lease, then its message given Meta's id and its status unless it is already
/// further along. `$1`–`$4` each send's outbox row, Meta's id, the status and its rank; one row
/// per send, in the order given (`n`): whether its outbox row changed (0: the lease was lost,
/// nothing was written) and when its message was made (none: not moved).
const MARK_SENT_MANY: &str = "WITH input AS (\
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) \
     WITH ORDINALITY AS t(outbox_id, wa_message_id, status, status_rank, n)), \
     leased AS (\
     UPDATE outbox o SET state = $5, lease_owner = NULL, lease_expires_at = NULL FROM input i \
     WHERE o.id = i.outbox_id AND o.lease_owner = $6 AND o.state = $7 RETURNING o.id, o.message_id), \
     made AS (\
     UPDATE messages m SET wa_message_id = i.wa_message_id, status = i.status, \
     status_rank = i.status_rank, sent_at = $8 \
     FROM leased l JOIN input i ON i.outbox_id = l.id \
     WHERE m.id = l.message_id AND m.status_rank < i.status_rank \
     RETURNING l.id AS outbox_id, m.created_at) \
     SELECT (CASE WHEN l.id IS NULL THEN 0 ELSE 1 END)::bigint AS leased, made.created_at AS made \
     FROM input i LEFT JOIN leased l ON l.id = i.outbox_id \
     LEFT JOIN made ON made.outbox_id = i.outbox_id ORDER BY i.n";

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = BigInt)]
    message_id: i64,
}

/// What [`mark_sent_many`] did for one send.
#[derive(QueryableByName, Clone, Copy, Debug)]
pub(crate) struct Marked {
    /// Outbox rows marked sent: 1, or 0 when the lease was lost.
    #[diesel(sql_type = BigInt)]
    pub(crate) leased: i64,
    /// When the message was made, if its status moved.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(crate) made: Option<NaiveDateTime>,
}

/// What [`store_message`] wrote: 0 or 1 of each.
#[derive(QueryableByName)]
pub(crate) struct Stored {
    /// Inbound items (0: a re-delivery, nothing written).
    #[diesel(sql_type = BigInt)]
    pub(crate) items: i64,
    /// Message rows (0: the message was stored by another item).
    #[diesel(sql_type = BigInt)]
    pub(crate) messages: i64,
}

/// A customer's message as [`ItemState::Pending`] item `row` and its message row, in one statement;
/// with `sighting` (the profile name Meta sent, if any), the contact's sighting too.
pub(crate) fn store_message(
    connection: &mut PgConnection,
    row: &NewItemRow<'_>,
    message: &CustomerMessage,
    body: &str,
    sighting: Option<Option<&str>>,
) -> QueryResult<Stored> {
    fixed!(
        diesel::sql_query(STORE_MESSAGE)
            .bind::<BigInt, _>(row.event_id)
            .bind::<Text, _>(row.dedupe_key)
            .bind::<Text, _>(ItemKind::Message.as_str())
            .bind::<BigInt, _>(row.contact_id)
            .bind::<Timestamp, _>(row.occurred_at)
            .bind::<Text, _>(row.payload)
            .bind::<Text, _>(ItemState::Pending.as_str())
            .bind::<Text, _>(Direction::In.as_str())
            .bind::<Text, _>(&message.message_id)
            .bind::<Text, _>(&message.kind)
            .bind::<Text, _>(body)
            .bind::<Text, _>(MessageStatus::Received.as_str())
            .bind::<Integer, _>(DeliveryStatus::Pending.rank())
            .bind::<Bool, _>(sighting.is_some())
            .bind::<Nullable<Text>, _>(sighting.flatten())
    )
    .get_result(connection)
}

/// Queues one outbound message in one statement; returns the message's id.
pub(crate) fn queue(
    connection: &mut PgConnection,
    contact_id: i64,
    draft: &OutboundDraft,
    at: NaiveDateTime,
    origin_at: Option<NaiveDateTime>,
    priority: OutboxPriority,
) -> QueryResult<i64> {
    let pending = DeliveryStatus::Pending;
    let queued: Queued = fixed!(
        diesel::sql_query(QUEUE)
            .bind::<BigInt, _>(contact_id)
            .bind::<Text, _>(Direction::Out.as_str())
            .bind::<Text, _>(draft.kind.as_str())
            .bind::<Text, _>(&draft.body)
            .bind::<Text, _>(MessageStatus::Delivery(pending).as_str())
            .bind::<Integer, _>(pending.rank())
            .bind::<Timestamp, _>(at)
            .bind::<Text, _>(OutboxState::Pending.as_str())
            .bind::<Nullable<Timestamp>, _>(origin_at)
            .bind::<Integer, _>(priority.rank())
    )
    .get_result(connection)?;
    Ok(queued.message_id)
}

/// Rewrites the outbox's copy of message `message_id`'s body (see [`QUEUE`]).
pub(crate) fn readdress(
    connection: &mut PgConnection,
    message_id: i64,
    body: &str,
) -> QueryResult<usize> {
    diesel::sql_query(READDRESS)
        .bind::<BigInt, _>(message_id)
        .bind::<Text, _>(body)
        .execute(connection)
}

/// A send Meta accepted, as [`mark_sent_many`] takes it.
pub(crate) struct AcceptedSend<'a> {
    /// Its outbox row.
    pub(crate) outbox_id: i64,
    /// Meta's id of the message.
    pub(crate) wa_message_id: &'a str,
    /// Sent, or sandboxed.
    pub(crate) done: DeliveryStatus,
}

/// Records sends Meta accepted in one statement (see [`MARK_SENT_MANY`]): for each, in the order
/// given, what was written.
pub(crate) fn mark_sent_many(
    connection: &mut PgConnection,
    sends: &[AcceptedSend<'_>],
    owner: &str,
    at: NaiveDateTime,
) -> QueryResult<Vec<Marked>> {
    let ids: Vec<i64> = sends.iter().map(|send| send.outbox_id).collect();
    let wa_ids: Vec<&str> = sends.iter().map(|send| send.wa_message_id).collect();
    let statuses: Vec<&str> = sends.iter().map(|send| send.done.as_str()).collect();
    let ranks: Vec<i32> = sends.iter().map(|send| send.done.rank()).collect();
    fixed!(
        diesel::sql_query(MARK_SENT_MANY)
            .bind::<Array<BigInt>, _>(&ids)
            .bind::<Array<Text>, _>(&wa_ids)
            .bind::<Array<Text>, _>(&statuses)
            .bind::<Array<Integer>, _>(&ranks)
            .bind::<Text, _>(OutboxState::Sent.as_str())
            .bind::<Text, _>(owner)
            .bind::<Text, _>(OutboxState::Pending.as_str())
            .bind::<Timestamp, _>(at)
    )
    .load(connection)
}
