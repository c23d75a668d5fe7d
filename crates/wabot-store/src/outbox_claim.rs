//! Leasing the due messages of the outbox to a sender: the oldest pending one of each recipient
//! only (so replies stay in order), a reply before a campaign message, in one read and one lease
//! write (one `UPDATE` for all the rows on PostgreSQL).

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use wabot_app::{OutboundJob, StoreError};

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::outbox::delta;
use crate::schema::{messages, outbox};
use crate::sql::{TxError, naive, utc};
use crate::states::OutboxState;

diesel::alias!(outbox as earlier: EarlierOutbox);

type JobRow = (
    i64,
    i64,
    i64,
    Option<String>,
    i32,
    Option<NaiveDateTime>,
    Option<String>,
);

/// Leases the due rows: the lowest priority number first, then the oldest. A recipient's row waits
/// while that recipient has a row of a higher priority (a lower number), or of the same priority
/// and older, waiting, or any row leased: one message in flight per recipient, each priority's
/// messages in order, and a reply overtakes a campaign message to the same customer.
pub(crate) fn claim(
    connection: &mut AnyConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: usize,
) -> Result<Vec<OutboundJob>, TxError> {
    let now_naive = naive(now);
    let lease_free = outbox::lease_expires_at
        .is_null()
        .or(outbox::lease_expires_at.lt(now_naive));
    let goes_first = earlier
        .field(outbox::priority)
        .lt(outbox::priority)
        .or(earlier
            .field(outbox::priority)
            .eq(outbox::priority)
            .and(earlier.field(outbox::id).lt(outbox::id)))
        .or(earlier.field(outbox::lease_expires_at).ge(now_naive));
    let has_earlier = earlier
        .filter(earlier.field(outbox::contact_id).eq(outbox::contact_id))
        .filter(
            earlier
                .field(outbox::state)
                .eq(OutboxState::Pending.as_str()),
        )
        .filter(earlier.field(outbox::id).ne(outbox::id))
        .filter(goes_first);
    let due = outbox::table
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .filter(outbox::next_attempt_at.le(now_naive))
        .filter(lease_free)
        .filter(not(exists(has_earlier)))
        .order((outbox::priority, outbox::next_attempt_at, outbox::id))
        .limit(i64::try_from(limit.max(1)).unwrap_or(i64::MAX))
        .select((
            outbox::id,
            outbox::message_id,
            outbox::contact_id,
            // The body is its message's (one copy of the text; the outbox row stays small).
            messages::table
                .filter(messages::id.eq(outbox::message_id))
                .select(messages::body)
                .single_value(),
            outbox::attempts,
            outbox::origin_at,
            outbox::lease_owner,
        ));
    let rows: Vec<JobRow> = match connection {
        AnyConnection::Pg(c) => fixed!(due.for_update().skip_locked()).load(c)?,
        AnyConnection::Sqlite(c) => fixed!(due).load(c)?,
    };
    let expires = naive(now + delta(lease));
    let leased_to_us = (
        outbox::lease_owner.eq(owner),
        outbox::lease_expires_at.eq(expires),
    );
    // The rows leased now (a row another sender leased since it was read is left out).
    let mut leased: Vec<i64> = match connection {
        // One statement for all of them, the ids bound as one array (a round trip a row before).
        AnyConnection::Pg(_) if rows.is_empty() => Vec::new(),
        AnyConnection::Pg(c) => {
            let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
            fixed!(
                diesel::update(
                    outbox::table
                        .filter(outbox::id.eq_any(ids))
                        .filter(lease_free)
                )
                .set(leased_to_us)
                .returning(outbox::id)
            )
            .get_results(c)?
        }
        // In process, a row at a time keeps one prepared statement for any number of rows.
        AnyConnection::Sqlite(c) => {
            let mut leased = Vec::with_capacity(rows.len());
            for row in &rows {
                let changed = fixed!(cached::update(
                    outbox::table.find(row.0).filter(lease_free),
                    leased_to_us,
                ))
                .execute(c)?;
                if changed == 1 {
                    leased.push(row.0);
                }
            }
            leased
        }
    };
    leased.sort_unstable();
    let mut jobs = Vec::with_capacity(leased.len());
    let mut taken_over = Vec::new();
    for (outbox_id, message_id, contact_id, body, attempts, origin_at, previous_owner) in rows {
        if leased.binary_search(&outbox_id).is_err() {
            continue;
        }
        // Never missing: the outbox row's foreign key keeps its message.
        let body = body.ok_or_else(|| {
            StoreError::invalid(format!("outbox row {outbox_id} has no message body"))
        })?;
        // A lease that ran out without an outcome: its sender died (or stalled) mid-send.
        if previous_owner.is_some() {
            taken_over.push(message_id);
        }
        jobs.push(OutboundJob {
            outbox_id,
            message_id,
            contact_id,
            body,
            attempts,
            origin_at: origin_at.map(utc),
        });
    }
    crate::campaign_feed::taken_over(connection, &taken_over)?;
    Ok(jobs)
}
