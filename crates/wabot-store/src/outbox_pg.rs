//! PostgreSQL's one-round-trip forms of the outbox's two hottest writes, where each statement is a
//! round trip to the server: a reply's message row and outbox row queued together, and a send's
//! outcome written to both rows at once (data-modifying `WITH` queries, which SQLite lacks; its
//! in-process statements cost no round trip, so it keeps the two-statement forms in `outbox`).
//! Both keep their text fixed and are prepared once per connection (`cached::Fixed`).

use chrono::NaiveDateTime;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use wabot_app::{DeliveryStatus, Direction, MessageStatus, OutboundDraft, OutboxPriority};

use crate::cached::fixed;
use crate::states::OutboxState;

/// The message row, then its outbox row pointing at it.
const QUEUE: &str = "WITH made AS (\
     INSERT INTO messages (contact_id, direction, kind, body, status, status_rank, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id) \
     INSERT INTO outbox (message_id, contact_id, state, next_attempt_at, origin_at, priority) \
     SELECT id, $1, $8, $7, $9, $10 FROM made RETURNING message_id";

/// The outbox row marked sent if this sender still holds its lease, then its message given Meta's
/// id and its status unless it is already further along; how many outbox rows changed (0: the
/// lease was lost, nothing was written) and when the message was made (none: not moved).
const MARK_SENT: &str = "WITH leased AS (\
     UPDATE outbox SET state = $3, lease_owner = NULL, lease_expires_at = NULL \
     WHERE id = $1 AND lease_owner = $2 AND state = $4 RETURNING message_id), \
     made AS (\
     UPDATE messages SET wa_message_id = $5, status = $6, status_rank = $7, sent_at = $8 \
     WHERE id IN (SELECT message_id FROM leased) AND status_rank < $7 RETURNING created_at) \
     SELECT (SELECT count(*) FROM leased) AS leased, (SELECT max(created_at) FROM made) AS made";

#[derive(QueryableByName)]
struct Queued {
    #[diesel(sql_type = BigInt)]
    message_id: i64,
}

/// What [`mark_sent`] did.
#[derive(QueryableByName)]
pub(crate) struct Marked {
    /// Outbox rows marked sent: 1, or 0 when the lease was lost.
    #[diesel(sql_type = BigInt)]
    pub(crate) leased: i64,
    /// When the message was made, if its status moved.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub(crate) made: Option<NaiveDateTime>,
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

/// Records a send Meta accepted (`done`: sent, or sandboxed) in one statement.
pub(crate) fn mark_sent(
    connection: &mut PgConnection,
    outbox_id: i64,
    owner: &str,
    wa_message_id: &str,
    done: DeliveryStatus,
    at: NaiveDateTime,
) -> QueryResult<Marked> {
    fixed!(
        diesel::sql_query(MARK_SENT)
            .bind::<BigInt, _>(outbox_id)
            .bind::<Text, _>(owner)
            .bind::<Text, _>(OutboxState::Sent.as_str())
            .bind::<Text, _>(OutboxState::Pending.as_str())
            .bind::<Text, _>(wa_message_id)
            .bind::<Text, _>(done.as_str())
            .bind::<Integer, _>(done.rank())
            .bind::<Timestamp, _>(at)
    )
    .get_result(connection)
}
