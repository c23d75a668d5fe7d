//! `outbox`: queueing an outbound message (a reply in its step's transaction, or a manual message),
//! and [`Outbox`] for [`DieselStore`]: leasing due messages (`outbox_claim`), recording send
//! outcomes (`outbox_outcomes`), and applying status webhooks.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    DeliveryStatus, Direction, InboundPayload, LeaseRequest, MessageStatus, OutboundDraft,
    OutboundJob, Outbox, OutboxPriority, SendOutcome, SenderWrite, StatusApplied, StatusUpdate,
    StoreError,
};

use crate::cached::fixed;
use crate::connection::AnyConnection;
use crate::outbox_outcomes;
use crate::schema::{inbound_items, messages, outbox};
use crate::sql::{TxError, naive, utc};
use crate::states::{ItemKind, ItemState, OutboxState};
use crate::store::DieselStore;

/// A lease length or an age as a time delta (saturating; they are seconds to days).
pub(crate) fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

/// Queues one outbound message (a message row and its outbox row); returns the message's id.
/// `origin_at` is, for a reply, when the message it answers reached the webhook: a reply has the
/// [`OutboxPriority::Reply`], anything else queued here (an agent's or operator's message, a
/// notification) [`OutboxPriority::Notification`].
pub(crate) fn queue(
    connection: &mut AnyConnection,
    contact_id: i64,
    draft: &OutboundDraft,
    at: NaiveDateTime,
    origin_at: Option<NaiveDateTime>,
) -> Result<i64, TxError> {
    let priority = match origin_at {
        Some(_) => OutboxPriority::Reply,
        None => OutboxPriority::Notification,
    };
    queue_with_priority(connection, contact_id, draft, at, origin_at, priority)
}

/// Queues one outbound message with the given priority (see [`queue`]).
pub(crate) fn queue_with_priority(
    connection: &mut AnyConnection,
    contact_id: i64,
    draft: &OutboundDraft,
    at: NaiveDateTime,
    origin_at: Option<NaiveDateTime>,
    priority: OutboxPriority,
) -> Result<i64, TxError> {
    let message_id = match connection {
        // One round trip for both rows (`pg_writes`).
        AnyConnection::Pg(c) => {
            crate::pg_writes::queue(c, contact_id, draft, at, origin_at, priority)?
        }
        AnyConnection::Sqlite(c) => {
            let pending = DeliveryStatus::Pending;
            let message = (
                messages::contact_id.eq(contact_id),
                messages::direction.eq(Direction::Out.as_str()),
                messages::kind.eq(draft.kind.as_str()),
                messages::body.eq(&draft.body),
                messages::status.eq(MessageStatus::Delivery(pending).as_str()),
                messages::status_rank.eq(pending.rank()),
                messages::created_at.eq(at),
            );
            let message_id = fixed!(
                diesel::insert_into(messages::table)
                    .values(message)
                    .returning(messages::id)
            )
            .get_result::<i64>(c)?;
            fixed!(diesel::insert_into(outbox::table).values((
                outbox::message_id.eq(message_id),
                outbox::contact_id.eq(contact_id),
                outbox::state.eq(OutboxState::Pending.as_str()),
                outbox::next_attempt_at.eq(at),
                outbox::origin_at.eq(origin_at),
                outbox::priority.eq(priority.rank()),
            )))
            .execute(c)?;
            message_id
        }
    };
    // Made now, in the server (today: nothing to delete); a caller's `at` in the past counts too.
    crate::daily_figures::changed(connection, at)?;
    Ok(message_id)
}

/// Settles pending status items whose message is known now (or that are too old to wait for).
fn reapply(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
    give_up_after: Duration,
) -> Result<usize, TxError> {
    let oldest = naive(now - delta(give_up_after));
    let pending = inbound_items::table
        .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
        .filter(inbound_items::kind.eq(ItemKind::Status.as_str()))
        .order(inbound_items::id)
        .limit(500)
        .select((
            inbound_items::id,
            inbound_items::occurred_at,
            inbound_items::payload,
        ))
        .load::<(i64, NaiveDateTime, String)>(connection)?;
    let mut settled = 0;
    for (id, occurred_at, payload) in pending {
        let known = match serde_json::from_str::<InboundPayload>(&payload) {
            Ok(InboundPayload::Status(update)) => {
                crate::status::apply(connection, &update, utc(occurred_at))?
                    != StatusApplied::UnknownMessage
            }
            _ => true,
        };
        if known || occurred_at < oldest {
            diesel::update(inbound_items::table.find(id))
                .set((
                    inbound_items::state.eq(ItemState::Done.as_str()),
                    inbound_items::done_at.eq(naive(now)),
                ))
                .execute(connection)?;
            settled += 1;
        }
    }
    Ok(settled)
}

impl Outbox for DieselStore {
    async fn claim_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<OutboundJob>, StoreError> {
        let owner = owner.to_owned();
        self.write(move |c| crate::outbox_claim::claim(c, &owner, now, lease, limit))
            .await
    }

    async fn record_outcome(
        &self,
        job: &OutboundJob,
        owner: &str,
        now: DateTime<Utc>,
        outcome: SendOutcome,
    ) -> Result<(), StoreError> {
        let (job, owner) = (job.clone(), owner.to_owned());
        self.write(move |c| outbox_outcomes::record(c, &job, &owner, now, &outcome))
            .await
    }

    async fn record_and_claim(
        &self,
        outcomes: Vec<(OutboundJob, SendOutcome)>,
        lease: LeaseRequest<'_>,
        now: DateTime<Utc>,
        settle: Option<Duration>,
    ) -> Result<SenderWrite, StoreError> {
        let (owner, duration, limit) = (lease.owner.to_owned(), lease.lease, lease.limit);
        self.write(move |c| {
            let recorded = outbox_outcomes::record_all(c, &outcomes, &owner, now)?;
            // A status webhook may have overtaken a send recorded now: settle it in this write.
            let accepted = outcomes
                .iter()
                .zip(&recorded)
                .any(|((_, outcome), result)| outcome.accepted_id().is_some() && result.is_ok());
            if let (true, Some(give_up_after)) = (accepted, settle) {
                reapply(c, now, give_up_after)?;
            }
            let claimed = match limit {
                0 => Vec::new(),
                _ => crate::outbox_claim::claim(c, &owner, now, duration, limit)?,
            };
            Ok(SenderWrite { recorded, claimed })
        })
        .await
    }

    async fn apply_status(
        &self,
        update: &StatusUpdate,
        at: DateTime<Utc>,
    ) -> Result<StatusApplied, StoreError> {
        let update = update.clone();
        self.write(move |c| crate::status::apply(c, &update, at))
            .await
    }
}
