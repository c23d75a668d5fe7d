//! PostgreSQL's form of a conversation step's writes (`turn`): the session saved with its version
//! check, the replies queued (message and outbox rows), the analytics events and node visits
//! recorded and the inbound item marked done — in one data-modifying `WITH` statement, one round
//! trip instead of five or more. Lists (replies, events, visits) are bound as arrays and unnested,
//! so the text never varies and the statement is prepared once per connection (`cached::Fixed`).
//! SQLite runs the same writes as separate in-process statements (no round trips to save).
//!
//! The statement writes everything whatever the session check finds; when the session was saved
//! by someone else since it was read, the caller gets [`StoreError::StaleSession`] and the step's
//! savepoint undoes the rest, as it undoes any failed step.

use chrono::NaiveDateTime;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
use wabot_app::{
    DeliveryStatus, Direction, MessageStatus, OutboundDraft, OutboxPriority, StoreError,
};
use wabot_engine::Event;

use crate::cached::fixed;
use crate::menu_events;
use crate::sql::TxError;
use crate::states::{ItemState, MenuEventName, OutboxState};

/// The step's writes. `$1` contact, `$2`/`$3` session JSON and version, `$4` the step's time,
/// `$5` the node, `$6` the version read (`NULL`: no session yet, so it is inserted), `$7`–`$9` the
/// events (name, node, option key), `$10` the nodes entered, `$11`/`$12` the replies' kinds and
/// bodies, `$13`–`$18` the replies' fixed values, `$19`/`$20` the item and its done state.
/// Returns how many session rows were written (1, or 0 when the version check failed).
const STEP_WRITES: &str = "WITH \
     inserted AS (\
     INSERT INTO sessions (contact_id, state, version, updated_at, node) \
     SELECT $1, $2, $3, $4, $5 WHERE $6::bigint IS NULL \
     ON CONFLICT (contact_id) DO NOTHING RETURNING 1), \
     updated AS (\
     UPDATE sessions SET state = $2, version = $3, updated_at = $4, node = $5 \
     WHERE contact_id = $1 AND version = $6 RETURNING 1), \
     events AS (\
     INSERT INTO menu_events (contact_id, event, node, at, option_key) \
     SELECT $1, e.name, e.node, $4, e.option_key \
     FROM unnest($7::text[], $8::text[], $9::int[]) WITH ORDINALITY AS e(name, node, option_key, n) \
     ORDER BY e.n), \
     visits AS (\
     INSERT INTO node_visits (contact_id, node, last_entered_at) \
     SELECT $1, v.node, $4 FROM unnest($10::text[]) AS v(node) \
     ON CONFLICT (contact_id, node) DO UPDATE SET last_entered_at = excluded.last_entered_at \
     WHERE node_visits.last_entered_at < excluded.last_entered_at), \
     made AS (\
     INSERT INTO messages (contact_id, direction, kind, body, status, status_rank, created_at) \
     SELECT $1, $13, r.kind, r.body, $14, $15, $4 \
     FROM unnest($11::text[], $12::text[]) WITH ORDINALITY AS r(kind, body, n) ORDER BY r.n \
     RETURNING id, body), \
     queued AS (\
     INSERT INTO outbox (message_id, contact_id, body, state, next_attempt_at, origin_at, priority) \
     SELECT id, $1, body, $16, $4, $17, $18 FROM made ORDER BY id), \
     done AS (UPDATE inbound_items SET state = $20, done_at = $4 WHERE id = $19) \
     SELECT (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated) AS saved";

/// What a step writes, as [`write()`] takes it.
pub(crate) struct StepWrites<'a> {
    /// The conversation's contact.
    pub(crate) contact_id: i64,
    /// The inbound item the step answered.
    pub(crate) item_id: i64,
    /// The session as stored: its JSON, version and node.
    pub(crate) session: (&'a str, i64, Option<&'a str>),
    /// The version read before the step (`None`: the conversation had no session).
    pub(crate) read_version: Option<i64>,
    /// The replies, queued with the reply priority.
    pub(crate) replies: &'a [OutboundDraft],
    /// When the message they answer reached the webhook.
    pub(crate) origin_at: NaiveDateTime,
    /// The engine's analytics events.
    pub(crate) events: &'a [Event],
    /// The step's time.
    pub(crate) at: NaiveDateTime,
}

#[derive(QueryableByName)]
struct Saved {
    #[diesel(sql_type = BigInt)]
    saved: i64,
}

/// Runs the step's writes in one statement; [`StoreError::StaleSession`] when the session's
/// version was no longer the one read.
pub(crate) fn write(connection: &mut PgConnection, step: &StepWrites<'_>) -> Result<(), TxError> {
    let mut names = Vec::with_capacity(step.events.len());
    let mut nodes = Vec::with_capacity(step.events.len());
    let mut keys = Vec::with_capacity(step.events.len());
    let mut entered: Vec<&str> = Vec::new();
    for event in step.events {
        let (name, node, key) = menu_events::row(event);
        names.push(name.as_str());
        nodes.push(node);
        keys.push(key);
        if let (MenuEventName::NodeEntered, Some(node)) = (name, node) {
            // An upsert may not touch one row twice: each node once.
            if !entered.contains(&node) {
                entered.push(node);
            }
        }
    }
    let kinds: Vec<&str> = step.replies.iter().map(|r| r.kind.as_str()).collect();
    let bodies: Vec<&str> = step.replies.iter().map(|r| r.body.as_str()).collect();
    let (json, version, node) = step.session;
    let pending = DeliveryStatus::Pending;
    let saved: Saved = fixed!(
        diesel::sql_query(STEP_WRITES)
            .bind::<BigInt, _>(step.contact_id)
            .bind::<Text, _>(json)
            .bind::<BigInt, _>(version)
            .bind::<Timestamp, _>(step.at)
            .bind::<Nullable<Text>, _>(node)
            .bind::<Nullable<BigInt>, _>(step.read_version)
            .bind::<Array<Text>, _>(&names)
            .bind::<Array<Nullable<Text>>, _>(&nodes)
            .bind::<Array<Nullable<Integer>>, _>(&keys)
            .bind::<Array<Text>, _>(&entered)
            .bind::<Array<Text>, _>(&kinds)
            .bind::<Array<Text>, _>(&bodies)
            .bind::<Text, _>(Direction::Out.as_str())
            .bind::<Text, _>(MessageStatus::Delivery(pending).as_str())
            .bind::<Integer, _>(pending.rank())
            .bind::<Text, _>(OutboxState::Pending.as_str())
            .bind::<Timestamp, _>(step.origin_at)
            .bind::<Integer, _>(OutboxPriority::Reply.rank())
            .bind::<BigInt, _>(step.item_id)
            .bind::<Text, _>(ItemState::Done.as_str())
    )
    .get_result(connection)?;
    if saved.saved == 1 {
        Ok(())
    } else {
        Err(StoreError::StaleSession {
            expected: step.read_version.unwrap_or(0),
        }
        .into())
    }
}
