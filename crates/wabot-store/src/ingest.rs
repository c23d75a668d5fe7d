//! [`Inbox`] for [`DieselStore`], the first step of a message's path: the raw webhook body and
//! every item in one write synced to disk, duplicates skipped by their unique keys, contacts found
//! or created by either of Meta's ids. A message is stored pending for its conversation's turn
//! (`turn`); a status is applied to its message at once, or stays pending until that message is
//! known.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    DeliveryStatus, Direction, InboundPayload, Inbox, IngestReceipt, MessageStatus, NewInboundItem,
    NewWebhookEvent, StatusApplied, StoreError,
};

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::contact_lookup::{Found, look_up};
use crate::daily_figures;
use crate::identity::{resolve_unseen, seen};
use crate::identity_notices;
use crate::pg_contacts::{NewEventRow, event_unless_stored};
use crate::pg_writes::NewItemRow;
use crate::schema::{inbound_items, messages, webhook_events};
use crate::sql::{TxError, naive, per_backend};
use crate::states::{EventOutcome, ItemKind, ItemState};
use crate::status;
use crate::store::DieselStore;

/// Stores one item unless its key is already there; `true` when it was new. `looked_up`: whether
/// it is stored and who holds its ids, when read already (PostgreSQL, with its event's row).
fn store_item(
    connection: &mut AnyConnection,
    event_id: i64,
    item: &NewInboundItem,
    received_at: DateTime<Utc>,
    looked_up: Option<Option<Found>>,
) -> Result<bool, TxError> {
    let (kind, inbound) = match &item.payload {
        InboundPayload::Message(_) => (ItemKind::Message, true),
        InboundPayload::Status(_) => (ItemKind::Status, false),
        InboundPayload::IdentityChange(_) => (ItemKind::Identity, false),
        // The business wrote, not the customer: the 24-hour window does not open.
        InboundPayload::BusinessEcho(_) => (ItemKind::Echo, false),
    };
    // A re-delivery is recognised before anything else: it must not move a number back.
    let found = match (looked_up, &mut *connection) {
        (Some(Some(found)), _) => found,
        (Some(None), _) => return Ok(false),
        // With the contacts that hold its ids, in one round trip (`pg_contacts`).
        (None, AnyConnection::Pg(pg)) => {
            match crate::pg_contacts::unless_stored(pg, &item.dedupe_key, &item.contact)? {
                Some(found) => found,
                None => return Ok(false),
            }
        }
        (None, AnyConnection::Sqlite(c)) => {
            let stored = fixed!(
                inbound_items::table
                    .filter(inbound_items::dedupe_key.eq(&item.dedupe_key))
                    .count()
            )
            .get_result::<i64>(c)?;
            if stored > 0 {
                return Ok(false);
            }
            look_up(connection, &item.contact)?
        }
    };
    let profile_name = item.profile_name.as_deref();
    let (contact_id, unseen) = resolve_unseen(
        connection,
        &item.contact,
        found,
        profile_name,
        item.occurred_at,
        inbound,
    )?;
    let payload = serde_json::to_string(&item.payload)
        .map_err(|e| StoreError::corrupt("an inbound item", e))?;
    if let (AnyConnection::Pg(pg), InboundPayload::Message(message)) =
        (&mut *connection, &item.payload)
    {
        // Both rows, and the contact's sighting, in one round trip (`pg_writes`).
        let sighting = unseen.then_some(profile_name);
        let row = NewItemRow {
            event_id,
            dedupe_key: &item.dedupe_key,
            contact_id,
            occurred_at: naive(item.occurred_at),
            payload: &payload,
        };
        let body = message_body(message)?;
        let stored = crate::pg_writes::store_message(pg, &row, message, &body, sighting)?;
        if stored.messages > 0 {
            daily_figures::changed(connection, naive(item.occurred_at))?;
        }
        return Ok(stored.items > 0);
    }
    if unseen {
        seen(
            connection,
            contact_id,
            profile_name,
            naive(item.occurred_at),
            inbound,
        )?;
    }
    let row = (
        inbound_items::event_id.eq(event_id),
        inbound_items::dedupe_key.eq(&item.dedupe_key),
        inbound_items::kind.eq(kind.as_str()),
        inbound_items::contact_id.eq(contact_id),
        inbound_items::occurred_at.eq(naive(item.occurred_at)),
        inbound_items::payload.eq(&payload),
        inbound_items::state.eq(ItemState::Pending.as_str()),
    );
    let inserted = per_backend!(connection, |c| fixed!(
        diesel::insert_into(inbound_items::table)
            .values(row)
            .on_conflict(inbound_items::dedupe_key)
            .do_nothing()
    )
    .execute(c)?);
    if inserted == 0 {
        return Ok(false);
    }
    match &item.payload {
        InboundPayload::Message(message) => {
            let body = message_body(message)?;
            let row = (
                messages::contact_id.eq(contact_id),
                messages::direction.eq(Direction::In.as_str()),
                messages::wa_message_id.eq(&message.message_id),
                messages::kind.eq(&message.kind),
                messages::body.eq(body),
                messages::status.eq(MessageStatus::Received.as_str()),
                messages::status_rank.eq(DeliveryStatus::Pending.rank()),
                messages::created_at.eq(naive(item.occurred_at)),
            );
            let stored = per_backend!(connection, |c| fixed!(
                diesel::insert_into(messages::table)
                    .values(row)
                    .on_conflict(messages::wa_message_id)
                    .do_nothing()
            )
            .execute(c)?);
            // A message Meta delivers late (it retries for up to 7 days) counts on its own day.
            if stored > 0 {
                daily_figures::changed(connection, naive(item.occurred_at))?;
            }
        }
        InboundPayload::Status(update) => {
            if status::apply(connection, update, item.occurred_at)? != StatusApplied::UnknownMessage
            {
                done(connection, &item.dedupe_key, received_at)?;
            }
        }
        InboundPayload::BusinessEcho(echo) => {
            crate::echoes::apply(
                connection,
                contact_id,
                &item.contact,
                echo,
                item.occurred_at,
            )?;
            done(connection, &item.dedupe_key, received_at)?;
        }
        InboundPayload::IdentityChange(change) => {
            identity_notices::change_identity(
                connection,
                &item.contact,
                &change.new,
                item.occurred_at,
            )?;
            done(connection, &item.dedupe_key, received_at)?;
        }
    }
    Ok(true)
}

/// What a customer's message row holds as its body: what the engine sees, as JSON.
fn message_body(message: &wabot_app::CustomerMessage) -> Result<String, TxError> {
    Ok(serde_json::to_string(&message.input)
        .map_err(|e| StoreError::corrupt("an inbound message", e))?)
}

/// Marks an item handled at ingest (a status applied, an identity change made).
fn done(
    connection: &mut AnyConnection,
    dedupe_key: &str,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    per_backend!(connection, |c| fixed!(cached::update(
        inbound_items::table.filter(inbound_items::dedupe_key.eq(dedupe_key)),
        (
            inbound_items::state.eq(ItemState::Done.as_str()),
            inbound_items::done_at.eq(naive(at)),
        ),
    ))
    .execute(c)?);
    Ok(())
}

/// Stores one event and its items.
fn store_event(
    connection: &mut AnyConnection,
    event: &NewWebhookEvent,
) -> Result<IngestReceipt, TxError> {
    // Stored as bringing new items, the usual case: only an event that brings none is updated
    // below (one statement fewer for almost every webhook).
    let item_count = i32::try_from(event.items.len()).unwrap_or(i32::MAX);
    let (event_id, mut first_looked_up) = match (&mut *connection, event.items.first()) {
        // With its first item's lookup, in one round trip (`pg_contacts`).
        (AnyConnection::Pg(pg), Some(first)) => {
            let row = NewEventRow {
                received_at: naive(event.received_at),
                body: &event.body,
                item_count,
                outcome: EventOutcome::NewItems.as_str(),
            };
            let (event_id, found) =
                event_unless_stored(pg, &row, &first.dedupe_key, &first.contact)?;
            (event_id, Some(found))
        }
        _ => {
            let row = (
                webhook_events::received_at.eq(naive(event.received_at)),
                webhook_events::body.eq(&event.body),
                webhook_events::item_count.eq(item_count),
                webhook_events::outcome.eq(EventOutcome::NewItems.as_str()),
            );
            let event_id = per_backend!(connection, |c| fixed!(
                diesel::insert_into(webhook_events::table)
                    .values(row)
                    .returning(webhook_events::id)
            )
            .get_result::<i64>(c)?);
            (event_id, None)
        }
    };
    let mut receipt = IngestReceipt {
        event_id,
        new_items: 0,
        duplicates: 0,
    };
    for item in &event.items {
        let looked_up = first_looked_up.take();
        if store_item(connection, event_id, item, event.received_at, looked_up)? {
            receipt.new_items += 1;
        } else {
            receipt.duplicates += 1;
        }
    }
    for update in &event.account_updates {
        crate::marketing::apply_account_update(connection, update, event.received_at)?;
    }
    // What the event brought: an event with nothing new needs no processing and is done at once.
    let outcome = match (receipt.new_items, receipt.duplicates) {
        (0, 0) => EventOutcome::NoItems,
        (0, _) => EventOutcome::Duplicate,
        _ => return Ok(receipt),
    };
    per_backend!(connection, |c| fixed!(cached::update(
        webhook_events::table.find(event_id),
        (
            webhook_events::outcome.eq(outcome.as_str()),
            webhook_events::processed_at.eq(naive(event.received_at)),
        ),
    ))
    .execute(c)?);
    Ok(receipt)
}

impl Inbox for DieselStore {
    async fn ingest(&self, event: NewWebhookEvent) -> Result<IngestReceipt, StoreError> {
        self.write_durable(move |connection| store_event(connection, &event))
            .await
    }
}
