//! [`Inbox`] for [`DieselStore`]: ingest, and leasing conversations to workers one contact at a time.
//!
//! The lease lives on the contact row: a worker that holds it owns all of that contact's pending
//! messages, which it handles in timestamp order. PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so
//! several instances can claim at once; SQLite claims on its single writer connection.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    ClaimedConversation, InboundPayload, Inbox, IngestReceipt, NewWebhookEvent, PendingItem,
    StoreError,
};

use crate::connection::AnyConnection;
use crate::schema::{contacts, inbound_items};
use crate::store::DieselStore;
use crate::tx::{TxError, naive, transaction, utc};

/// A lease length as a time delta (saturating; leases are seconds to minutes).
pub(crate) fn lease_delta(lease: Duration) -> TimeDelta {
    TimeDelta::from_std(lease).unwrap_or(TimeDelta::MAX)
}

/// A contact whose conversation lease is free at `now` (never taken, given back, or run out).
fn lease_free(now: DateTime<Utc>) -> LeaseFree {
    contacts::lease_expires_at
        .is_null()
        .or(contacts::lease_expires_at.lt(naive(now)))
}

type LeaseFree = diesel::dsl::Or<
    diesel::dsl::IsNull<contacts::lease_expires_at>,
    diesel::dsl::Lt<contacts::lease_expires_at, chrono::NaiveDateTime>,
>;

/// The contact whose oldest pending message is the oldest of all, among those not leased to a worker
/// (on PostgreSQL, also skipping rows another transaction has locked; the rows found stay locked
/// until the transaction ends).
pub(crate) fn next_candidate(
    connection: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<Option<i64>, TxError> {
    let candidate = inbound_items::table
        .inner_join(contacts::table)
        .filter(inbound_items::state.eq("pending"))
        .filter(inbound_items::kind.eq("message"))
        .filter(lease_free(now))
        .order((inbound_items::occurred_at, inbound_items::id))
        .select(contacts::id);
    Ok(match connection {
        AnyConnection::Pg(c) => candidate
            .for_update()
            .skip_locked()
            .first::<i64>(c)
            .optional()?,
        AnyConnection::Sqlite(c) => candidate.first::<i64>(c).optional()?,
    })
}

/// The contact's key: its WhatsApp id, or its user id when it has none.
pub(crate) fn contact_key(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<String, TxError> {
    let (wa_id, user_id) = contacts::table
        .find(contact_id)
        .select((contacts::wa_id, contacts::user_id))
        .first::<(Option<String>, Option<String>)>(connection)?;
    Ok(wa_id.or(user_id).unwrap_or_default())
}

/// Up to `max_items` of the contact's pending messages, oldest first.
pub(crate) fn pending_items(
    connection: &mut AnyConnection,
    contact_id: i64,
    max_items: usize,
) -> Result<Vec<PendingItem>, TxError> {
    let rows = inbound_items::table
        .filter(inbound_items::contact_id.eq(contact_id))
        .filter(inbound_items::state.eq("pending"))
        .filter(inbound_items::kind.eq("message"))
        .order((inbound_items::occurred_at, inbound_items::id))
        .limit(i64::try_from(max_items.max(1)).unwrap_or(i64::MAX))
        .select((
            inbound_items::id,
            inbound_items::occurred_at,
            inbound_items::payload,
        ))
        .load::<(i64, chrono::NaiveDateTime, String)>(connection)?;
    let mut items = Vec::with_capacity(rows.len());
    for (id, occurred_at, payload) in rows {
        let payload: InboundPayload = serde_json::from_str(&payload)
            .map_err(|e| StoreError::Corrupt(format!("inbound item {id}: {e}")))?;
        items.push(PendingItem {
            id,
            occurred_at: utc(occurred_at),
            payload,
        });
    }
    Ok(items)
}

fn claim(
    connection: &mut AnyConnection,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    max_items: usize,
) -> Result<Option<ClaimedConversation>, TxError> {
    let Some(contact_id) = next_candidate(connection, now)? else {
        return Ok(None);
    };
    let expires = naive(now + lease_delta(lease));
    let leased = diesel::update(contacts::table.find(contact_id).filter(lease_free(now)))
        .set((
            contacts::lease_owner.eq(owner),
            contacts::lease_expires_at.eq(expires),
        ))
        .execute(connection)?;
    if leased == 0 {
        return Ok(None);
    }
    Ok(Some(ClaimedConversation {
        contact_id,
        customer: contact_key(connection, contact_id)?,
        items: pending_items(connection, contact_id, max_items)?,
    }))
}

impl Inbox for DieselStore {
    async fn ingest(&self, event: NewWebhookEvent) -> Result<IngestReceipt, StoreError> {
        self.ingest_event(event).await
    }

    async fn claim_conversation(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: Duration,
        max_items: usize,
    ) -> Result<Option<ClaimedConversation>, StoreError> {
        let owner = owner.to_owned();
        self.write(move |connection| {
            transaction(connection, |connection| {
                claim(connection, &owner, now, lease, max_items)
            })
        })
        .await
    }

    async fn release_conversation(&self, contact_id: i64, owner: &str) -> Result<(), StoreError> {
        let owner = owner.to_owned();
        self.write(move |connection| {
            diesel::update(
                contacts::table
                    .find(contact_id)
                    .filter(contacts::lease_owner.eq(&owner)),
            )
            .set((
                contacts::lease_owner.eq(None::<String>),
                contacts::lease_expires_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(connection)
            .map(drop)
            .map_err(crate::store::database)
        })
        .await
    }

    async fn finish_item(&self, item_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |connection| {
            crate::conversations::finish(connection, item_id, now).map_err(|TxError(error)| error)
        })
        .await
    }
}

/// Checks, inside a transaction, that `owner` still holds the lease on the contact.
pub(crate) fn holds_lease(
    connection: &mut AnyConnection,
    contact_id: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let held = contacts::table
        .find(contact_id)
        .filter(contacts::lease_owner.eq(owner))
        .filter(contacts::lease_expires_at.ge(naive(now)))
        .count()
        .get_result::<i64>(connection)?;
    if held == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost.into())
    }
}
