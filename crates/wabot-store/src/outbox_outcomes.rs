//! Recording how sends ended (the [`wabot_app::Outbox`] outcomes): an accepted send marks its
//! outbox row sent and gives its message Meta's id and status, a retry waits for its time, a
//! failure is kept with Meta's error — each only while the sender still holds the row's lease. On
//! PostgreSQL the accepted sends of one write are all marked in one statement (`pg_writes`). An
//! outcome recorded for a message made on a past day (a reply queued before midnight, sent after)
//! deletes that day's `daily_figures` row.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{DeliveryStatus, OutboundJob, SendOutcome, StoreError};

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::identity_notices;
use crate::pg_writes::{AcceptedSend, Marked};
use crate::schema::{messages, outbox};
use crate::sql::{TxError, naive, per_backend};
use crate::states::OutboxState;

/// Records the outcomes of one sender's sends in one write: each as [`record`] would alone, a lost
/// lease reported for its send only (nothing of it written); any other error fails the write.
pub(crate) fn record_all(
    connection: &mut AnyConnection,
    outcomes: &[(OutboundJob, SendOutcome)],
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Result<(), StoreError>>, TxError> {
    let mut recorded = Vec::with_capacity(outcomes.len());
    let mut marks = premark(connection, outcomes, owner, naive(now))?.into_iter();
    for (job, outcome) in outcomes {
        // A lost lease is found by the first update, before anything is written; any other
        // error fails the whole write, so nothing half-recorded commits.
        let marked = marks.next().flatten();
        match record_marked(connection, job, owner, now, outcome, marked) {
            Ok(()) => recorded.push(Ok(())),
            Err(TxError(StoreError::LeaseLost)) => recorded.push(Err(StoreError::LeaseLost)),
            Err(error) => return Err(error),
        }
    }
    Ok(recorded)
}

/// Records one send's outcome.
pub(crate) fn record(
    connection: &mut AnyConnection,
    job: &OutboundJob,
    owner: &str,
    now: DateTime<Utc>,
    outcome: &SendOutcome,
) -> Result<(), TxError> {
    record_marked(connection, job, owner, now, outcome, None)
}

/// [`record`], for an accepted send whose rows may be marked already (`marked`: PostgreSQL, with
/// the other outcomes of its write, by [`premark`]).
fn record_marked(
    connection: &mut AnyConnection,
    job: &OutboundJob,
    owner: &str,
    now: DateTime<Utc>,
    outcome: &SendOutcome,
    marked: Option<Marked>,
) -> Result<(), TxError> {
    let at = naive(now);
    // The outbox row while this sender holds its lease, and the lease given back.
    let held = outbox::table
        .find(job.outbox_id)
        .filter(outbox::lease_owner.eq(owner))
        .filter(outbox::state.eq(OutboxState::Pending.as_str()));
    let released = (
        outbox::lease_owner.eq(None::<String>),
        outbox::lease_expires_at.eq(None::<NaiveDateTime>),
    );
    let message = messages::table.find(job.message_id);
    match outcome {
        SendOutcome::Sent { wa_message_id, .. } | SendOutcome::Sandboxed { wa_message_id } => {
            let done = accepted_as(outcome);
            // The outbox row marked sent, then the message's id from Meta and its new status;
            // when was the message made, if its status moved.
            let made = match (marked, &mut *connection) {
                (Some(marked), _) => {
                    lease_held(usize::try_from(marked.leased).unwrap_or(0))?;
                    marked.made
                }
                // Both in one round trip (`pg_writes`).
                (None, AnyConnection::Pg(pg)) => {
                    let send = AcceptedSend {
                        outbox_id: job.outbox_id,
                        wa_message_id,
                        done,
                    };
                    // One send: the statement answers one row.
                    let marked = crate::pg_writes::mark_sent_many(pg, &[send], owner, at)?
                        .into_iter()
                        .next();
                    lease_held(
                        marked.map_or(0, |marked| usize::try_from(marked.leased).unwrap_or(0)),
                    )?;
                    marked.and_then(|marked| marked.made)
                }
                (None, AnyConnection::Sqlite(c)) => {
                    lease_held(
                        fixed!(cached::update(
                            held,
                            (outbox::state.eq(OutboxState::Sent.as_str()), released),
                        ))
                        .execute(c)?,
                    )?;
                    fixed!(
                        diesel::update(message.filter(messages::status_rank.lt(done.rank())))
                            .set((
                                messages::wa_message_id.eq(wa_message_id),
                                messages::status.eq(done.as_str()),
                                messages::status_rank.eq(done.rank()),
                                messages::sent_at.eq(at),
                            ))
                            .returning(messages::created_at)
                    )
                    .get_result(c)
                    .optional()?
                }
            };
            // A message already further along (rank at or past `done`) only gets its id.
            if made.is_none() {
                per_backend!(connection, |c| fixed!(cached::update(
                    message,
                    messages::wa_message_id.eq(wa_message_id)
                ))
                .execute(c)?);
            }
            made_on(connection, made.as_slice())?;
        }
        SendOutcome::Retry { at: next, error } => lease_held(
            diesel::update(held)
                .set((
                    outbox::attempts.eq(job.attempts + 1),
                    outbox::next_attempt_at.eq(naive(*next)),
                    outbox::last_error.eq(error),
                    released,
                ))
                .execute(connection)?,
        )?,
        SendOutcome::Failed { code, title } => {
            lease_held(
                diesel::update(held)
                    .set((
                        outbox::state.eq(OutboxState::Failed.as_str()),
                        outbox::attempts.eq(job.attempts + 1),
                        outbox::last_error.eq(title),
                        released,
                    ))
                    .execute(connection)?,
            )?;
            if *code == Some(crate::marketing::STOPPED_MARKETING) {
                crate::marketing::marketing_preference(
                    connection,
                    job.contact_id,
                    Some(crate::marketing::STOPPED_MARKETING_REASON),
                    now,
                )?;
            }
            let made: Vec<NaiveDateTime> = per_backend!(connection, |c| diesel::update(message)
                .set((
                    messages::status.eq(DeliveryStatus::Failed.as_str()),
                    messages::status_rank.eq(DeliveryStatus::Failed.rank()),
                    messages::failed_at.eq(at),
                    messages::error_code.eq(code),
                    messages::error_title.eq(title),
                ))
                .returning(messages::created_at)
                .get_results(c)?);
            made_on(connection, &made)?;
        }
    }
    known_as(connection, job, outcome, now)
}

/// On PostgreSQL, the rows of every accepted send among `outcomes` marked in one statement, in
/// their order (`None` for the other outcomes); on SQLite nothing is marked ahead. The accepted
/// sends are so written before the write's other outcomes: each outcome is of its own outbox row
/// and message (a sender's write holds each row once), so no outcome sees another's.
fn premark(
    connection: &mut AnyConnection,
    outcomes: &[(OutboundJob, SendOutcome)],
    owner: &str,
    at: NaiveDateTime,
) -> Result<Vec<Option<Marked>>, TxError> {
    let AnyConnection::Pg(pg) = connection else {
        return Ok(Vec::new());
    };
    let accepted: Vec<AcceptedSend<'_>> = outcomes
        .iter()
        .filter_map(|(job, outcome)| {
            outcome.accepted_id().map(|wa_message_id| AcceptedSend {
                outbox_id: job.outbox_id,
                wa_message_id,
                done: accepted_as(outcome),
            })
        })
        .collect();
    if accepted.is_empty() {
        return Ok(Vec::new());
    }
    let mut marks = crate::pg_writes::mark_sent_many(pg, &accepted, owner, at)?.into_iter();
    Ok(outcomes
        .iter()
        .map(|(_, outcome)| outcome.accepted_id().and_then(|_| marks.next()))
        .collect())
}

/// The outbox row an outcome changed: none means this sender no longer held its lease (it ran out
/// and another sender took the message), and the outcome is not written.
fn lease_held(changed: usize) -> Result<(), TxError> {
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost.into())
    }
}

/// The status a send Meta accepted gives its message.
fn accepted_as(outcome: &SendOutcome) -> DeliveryStatus {
    match outcome {
        SendOutcome::Sandboxed { .. } => DeliveryStatus::Sandboxed,
        _ => DeliveryStatus::Sent,
    }
}

/// A send's answer naming the recipient's WhatsApp id: recorded on its contact.
fn known_as(
    connection: &mut AnyConnection,
    job: &OutboundJob,
    outcome: &SendOutcome,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    if let SendOutcome::Sent {
        wa_id: Some(wa_id), ..
    } = outcome
    {
        identity_notices::known_as(connection, job.contact_id, &job.body, wa_id, now)?;
    }
    Ok(())
}

/// The messages made at these times changed: a past day's stored figures go (`daily_figures`).
fn made_on(connection: &mut AnyConnection, made: &[NaiveDateTime]) -> Result<(), TxError> {
    for created_at in made {
        crate::daily_figures::changed(connection, *created_at)?;
    }
    Ok(())
}
