//! [`MediaJobs`] for [`DieselStore`]: `ticket_media` rows are a ticket's files and their download
//! jobs at once. A job is queued by [`queue_media`] in the step's transaction that creates the
//! ticket; workers lease due jobs (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the one writer on
//! SQLite), and an outcome ends the lease: stored (hash, type, size), retried later (attempts + 1,
//! the reason kept), or failed with the reason. A crashed worker's lease runs out and the job comes
//! back.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{MediaJob, MediaJobs, MediaOutcome, MediaState, StoreError, TicketMedia};

use crate::connection::AnyConnection;
use crate::schema::ticket_media;
use crate::sql::{TxError, naive, per_backend};
use crate::store::DieselStore;

/// Queues the download of `media_id` as file `n` of ticket `ticket_id`, due at once.
pub(crate) fn queue_media(
    connection: &mut AnyConnection,
    ticket_id: i64,
    n: i32,
    media_id: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    diesel::insert_into(ticket_media::table)
        .values((
            ticket_media::ticket_id.eq(ticket_id),
            ticket_media::n.eq(n),
            ticket_media::media_id.eq(media_id),
            ticket_media::state.eq(MediaState::Pending.as_str()),
            ticket_media::next_attempt_at.eq(at),
            ticket_media::created_at.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}

fn claim(
    connection: &mut AnyConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: i64,
) -> Result<Vec<MediaJob>, TxError> {
    let at = naive(now);
    let lease_free = ticket_media::lease_expires_at
        .is_null()
        .or(ticket_media::lease_expires_at.lt(at));
    let due = ticket_media::table
        .filter(ticket_media::state.eq(MediaState::Pending.as_str()))
        .filter(ticket_media::next_attempt_at.le(at))
        .filter(lease_free)
        .order((ticket_media::next_attempt_at, ticket_media::id))
        .limit(limit.max(1))
        .select((
            ticket_media::id,
            ticket_media::media_id,
            ticket_media::attempts,
        ));
    let rows: Vec<(i64, String, i32)> = match connection {
        AnyConnection::Pg(c) => due.for_update().skip_locked().load(c)?,
        AnyConnection::Sqlite(c) => due.load(c)?,
    };
    let expires = naive(now + lease);
    let mut jobs = Vec::with_capacity(rows.len());
    for (id, media_id, attempts) in rows {
        let leased = diesel::update(ticket_media::table.find(id).filter(lease_free))
            .set((
                ticket_media::lease_owner.eq(owner),
                ticket_media::lease_expires_at.eq(expires),
            ))
            .execute(connection)?;
        if leased == 1 {
            jobs.push(MediaJob {
                id,
                media_id,
                attempts,
            });
        }
    }
    Ok(jobs)
}

fn done(
    connection: &mut AnyConnection,
    id: i64,
    outcome: &MediaOutcome,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let row = ticket_media::table
        .find(id)
        .filter(ticket_media::state.eq(MediaState::Pending.as_str()));
    let no_lease = (
        ticket_media::lease_owner.eq(None::<String>),
        ticket_media::lease_expires_at.eq(None::<NaiveDateTime>),
        ticket_media::attempts.eq(ticket_media::attempts + 1),
    );
    match outcome {
        MediaOutcome::Stored {
            sha256,
            mime_type,
            size,
        } => diesel::update(row)
            .set((
                no_lease,
                ticket_media::state.eq(MediaState::Stored.as_str()),
                ticket_media::sha256.eq(sha256),
                ticket_media::mime_type.eq(mime_type),
                ticket_media::size.eq(size),
                ticket_media::reason.eq(None::<String>),
                ticket_media::stored_at.eq(naive(now)),
            ))
            .execute(connection)?,
        MediaOutcome::Retry { reason, at } => diesel::update(row)
            .set((
                no_lease,
                ticket_media::reason.eq(reason),
                ticket_media::next_attempt_at.eq(naive(*at)),
            ))
            .execute(connection)?,
        MediaOutcome::Failed { reason } => diesel::update(row)
            .set((
                no_lease,
                ticket_media::state.eq(MediaState::Failed.as_str()),
                ticket_media::reason.eq(reason),
            ))
            .execute(connection)?,
    };
    Ok(())
}

type MediaRow = (
    i32,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

fn media(ticket_id: i64, row: MediaRow) -> Result<TicketMedia, StoreError> {
    let (n, state, sha256, mime_type, size, reason) = row;
    Ok(TicketMedia {
        n,
        state: MediaState::parse(&state).ok_or_else(|| {
            StoreError::invalid(format!("ticket {ticket_id}: unknown media state `{state}`"))
        })?,
        sha256,
        mime_type,
        size,
        reason,
    })
}

impl MediaJobs for DieselStore {
    async fn claim_media(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: i64,
    ) -> Result<Vec<MediaJob>, StoreError> {
        let owner = owner.to_owned();
        self.write(move |connection| claim(connection, &owner, now, lease, limit))
            .await
    }

    async fn media_done(
        &self,
        id: i64,
        outcome: MediaOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |connection| done(connection, id, &outcome, now))
            .await
    }

    async fn ticket_media(&self, ticket_id: i64) -> Result<Vec<TicketMedia>, StoreError> {
        self.read(move |connection| {
            let rows: Vec<MediaRow> = per_backend!(connection, |c| ticket_media::table
                .filter(ticket_media::ticket_id.eq(ticket_id))
                .order(ticket_media::n)
                .select((
                    ticket_media::n,
                    ticket_media::state,
                    ticket_media::sha256,
                    ticket_media::mime_type,
                    ticket_media::size,
                    ticket_media::reason,
                ))
                .load(c)?);
            Ok(rows
                .into_iter()
                .map(|row| media(ticket_id, row))
                .collect::<Result<_, _>>()?)
        })
        .await
    }
}
