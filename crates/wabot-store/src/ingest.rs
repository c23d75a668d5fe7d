//! Ingesting a webhook event: the raw body and every item in one transaction, duplicates skipped by
//! their unique keys, contacts found or created by either of Meta's ids. Status items are applied to
//! their message at once; those whose message is not known yet stay pending.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    ContactIds, DeliveryStatus, InboundPayload, IngestReceipt, NewInboundItem, NewWebhookEvent,
    StoreError,
};

use crate::connection::AnyConnection;
use crate::schema::{contacts, inbound_items, messages, webhook_events};
use crate::status;
use crate::tx::{TxError, naive, per_backend, transaction, utc};

/// Finds the contact with either id (filling in the other one if it was missing), or creates it, and
/// records that it was seen. Returns its id.
pub(crate) fn resolve_contact(
    connection: &mut AnyConnection,
    ids: &ContactIds,
    profile_name: Option<&str>,
    at: DateTime<Utc>,
    inbound: bool,
) -> Result<i64, TxError> {
    if ids.wa_id.is_none() && ids.user_id.is_none() {
        return Err(StoreError::Corrupt("an item without any contact id".into()).into());
    }
    let by_wa_id = match &ids.wa_id {
        Some(wa_id) => contacts::table
            .filter(contacts::wa_id.eq(wa_id))
            .select(contacts::id)
            .first::<i64>(connection)
            .optional()?,
        None => None,
    };
    let found = match (by_wa_id, &ids.user_id) {
        (Some(id), _) => Some(id),
        (None, Some(user_id)) => contacts::table
            .filter(contacts::user_id.eq(user_id))
            .select(contacts::id)
            .first::<i64>(connection)
            .optional()?,
        (None, None) => None,
    };
    let at = naive(at);
    let Some(id) = found else {
        let new = (
            contacts::wa_id.eq(&ids.wa_id),
            contacts::user_id.eq(&ids.user_id),
            contacts::profile_name.eq(profile_name),
            contacts::first_seen_at.eq(at),
            contacts::last_seen_at.eq(at),
            contacts::last_inbound_at.eq(inbound.then_some(at)),
        );
        // Another transaction may create the same contact at the same moment: then this insert does
        // nothing, and the contact it created is found again below.
        let created = per_backend!(connection, |c| diesel::insert_into(contacts::table)
            .values(new)
            .on_conflict_do_nothing()
            .returning(contacts::id)
            .get_result::<i64>(c)
            .optional()?);
        return match created {
            Some(id) => Ok(id),
            None => resolve_contact(connection, ids, profile_name, utc(at), inbound),
        };
    };
    let row = contacts::table.find(id);
    diesel::update(row)
        .set(contacts::last_seen_at.eq(at))
        .execute(connection)?;
    if let Some(name) = profile_name {
        diesel::update(row)
            .set(contacts::profile_name.eq(name))
            .execute(connection)?;
    }
    if inbound {
        diesel::update(
            row.filter(
                contacts::last_inbound_at
                    .is_null()
                    .or(contacts::last_inbound_at.lt(at)),
            ),
        )
        .set(contacts::last_inbound_at.eq(at))
        .execute(connection)?;
    }
    if let Some(wa_id) = &ids.wa_id {
        diesel::update(row.filter(contacts::wa_id.is_null()))
            .set(contacts::wa_id.eq(wa_id))
            .execute(connection)?;
    }
    if let Some(user_id) = &ids.user_id {
        diesel::update(row.filter(contacts::user_id.is_null()))
            .set(contacts::user_id.eq(user_id))
            .execute(connection)?;
    }
    Ok(id)
}

/// Stores one item unless its key is already there; `true` when it was new.
fn store_item(
    connection: &mut AnyConnection,
    event_id: i64,
    item: &NewInboundItem,
    received_at: DateTime<Utc>,
) -> Result<bool, TxError> {
    let (kind, inbound) = match &item.payload {
        InboundPayload::Message(_) => ("message", true),
        InboundPayload::Status(_) => ("status", false),
    };
    let contact_id = resolve_contact(
        connection,
        &item.contact,
        item.profile_name.as_deref(),
        item.occurred_at,
        inbound,
    )?;
    let payload =
        serde_json::to_string(&item.payload).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let row = (
        inbound_items::event_id.eq(event_id),
        inbound_items::dedupe_key.eq(&item.dedupe_key),
        inbound_items::kind.eq(kind),
        inbound_items::contact_id.eq(contact_id),
        inbound_items::occurred_at.eq(naive(item.occurred_at)),
        inbound_items::payload.eq(&payload),
        inbound_items::state.eq("pending"),
    );
    let inserted = per_backend!(connection, |c| diesel::insert_into(inbound_items::table)
        .values(row)
        .on_conflict(inbound_items::dedupe_key)
        .do_nothing()
        .execute(c)?);
    if inserted == 0 {
        return Ok(false);
    }
    match &item.payload {
        InboundPayload::Message(message) => {
            let body = serde_json::to_string(&message.input)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let row = (
                messages::contact_id.eq(contact_id),
                messages::direction.eq("in"),
                messages::wa_message_id.eq(&message.message_id),
                messages::kind.eq(&message.kind),
                messages::body.eq(body),
                messages::status.eq("received"),
                messages::status_rank.eq(DeliveryStatus::Pending.rank()),
                messages::created_at.eq(naive(item.occurred_at)),
            );
            per_backend!(connection, |c| diesel::insert_into(messages::table)
                .values(row)
                .on_conflict(messages::wa_message_id)
                .do_nothing()
                .execute(c)?);
        }
        InboundPayload::Status(update) => {
            if status::apply(connection, update, item.occurred_at)?
                != wabot_app::StatusApplied::UnknownMessage
            {
                diesel::update(
                    inbound_items::table.filter(inbound_items::dedupe_key.eq(&item.dedupe_key)),
                )
                .set((
                    inbound_items::state.eq("done"),
                    inbound_items::done_at.eq(naive(received_at)),
                ))
                .execute(connection)?;
            }
        }
    }
    Ok(true)
}

/// Stores one event and its items (inside the caller's transaction).
fn store_event(
    connection: &mut AnyConnection,
    event: &NewWebhookEvent,
) -> Result<IngestReceipt, TxError> {
    let row = (
        webhook_events::received_at.eq(naive(event.received_at)),
        webhook_events::body.eq(&event.body),
        webhook_events::item_count.eq(i32::try_from(event.items.len()).unwrap_or(i32::MAX)),
    );
    let event_id = per_backend!(connection, |c| diesel::insert_into(webhook_events::table)
        .values(row)
        .returning(webhook_events::id)
        .get_result::<i64>(c)?);
    let mut receipt = IngestReceipt {
        event_id,
        new_items: 0,
        duplicates: 0,
    };
    for item in &event.items {
        if store_item(connection, event_id, item, event.received_at)? {
            receipt.new_items += 1;
        } else {
            receipt.duplicates += 1;
        }
    }
    // What the event brought: an event with nothing new needs no processing and is done at once.
    let outcome = match (receipt.new_items, receipt.duplicates) {
        (0, 0) => "no_items",
        (0, _) => "duplicate",
        _ => "new_items",
    };
    let processed_at = (receipt.new_items == 0).then(|| naive(event.received_at));
    diesel::update(webhook_events::table.find(event_id))
        .set((
            webhook_events::outcome.eq(outcome),
            webhook_events::processed_at.eq(processed_at),
        ))
        .execute(connection)?;
    Ok(receipt)
}

/// Stores one event and its items in one transaction (a savepoint of the writer's batch on SQLite;
/// how far the commit must reach is the caller's `write` to choose: `DieselStore::ingest_event`).
pub(crate) fn ingest(
    connection: &mut AnyConnection,
    event: &NewWebhookEvent,
) -> Result<IngestReceipt, StoreError> {
    transaction(connection, |connection| store_event(connection, event))
}
