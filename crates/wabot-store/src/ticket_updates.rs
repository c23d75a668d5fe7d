//! [`TicketUpdates`] for [`DieselStore`]: an operator's status change is one write transaction —
//! the ticket's new status, a history row whose note keeps who made it (`"<note> — by
//! <operator>"`, or `"by <operator>"` without a note), and the customer's notification queued in
//! the outbox through [`queue_notification`]. The notification is decided inside the transaction
//! from the contact's last inbound message, so a customer writing meanwhile cannot make the window
//! check stale, and a crash leaves either all of it or none.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    NoticeContext, Notification, OutboundDraft, StatusChanged, StoreError, TicketUpdate,
    TicketUpdates, window_open,
};
use wabot_engine::ConversationState;

use crate::business::ticket_status;
use crate::connection::AnyConnection;
use crate::contact_lookup::by_id;
use crate::outbox;
use crate::schema::{defect_ticket_history, defect_tickets};
use crate::sessions;
use crate::sql::{TxError, naive, utc};
use crate::store::DieselStore;

/// The history note of an operator's change: what they wrote, and who they are.
fn note(update: &TicketUpdate) -> String {
    match update.note.as_deref().map(str::trim) {
        Some(note) if !note.is_empty() => format!("{note} — by {}", update.by),
        _ => format!("by {}", update.by),
    }
}

/// Queues a notification to a customer (a ticket update): the one place notifications enter the
/// outbox, with their priority (below replies to a customer who is talking, above campaigns).
pub(crate) fn queue_notification(
    connection: &mut AnyConnection,
    contact_id: i64,
    draft: &OutboundDraft,
    now: DateTime<Utc>,
) -> Result<i64, TxError> {
    let priority = wabot_app::OutboxPriority::Notification;
    outbox::queue_with_priority(connection, contact_id, draft, naive(now), None, priority)
}

/// Whom to tell: the contact's conversation state (its language) and key, and whether their
/// window is open at `now`.
fn customer(
    connection: &mut AnyConnection,
    contact_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(Option<(ConversationState, String)>, bool), TxError> {
    let Some(contact_id) = contact_id else {
        return Ok((None, false));
    };
    let known = by_id(connection, contact_id)?;
    let open = window_open(known.last_inbound_at.map(utc), now);
    let Some(key) = known.wa_id.clone().or(known.user_id.clone()) else {
        return Ok((None, false));
    };
    let (state, _) = sessions::load(connection, contact_id, &key)?;
    Ok((Some((state, key)), open))
}

fn change<F>(
    connection: &mut AnyConnection,
    update: &TicketUpdate,
    notify: F,
) -> Result<Option<StatusChanged>, TxError>
where
    F: FnOnce(&NoticeContext) -> Notification,
{
    let ticket = defect_tickets::table.find(update.ticket_id).select((
        defect_tickets::reference,
        defect_tickets::status,
        defect_tickets::contact_id,
    ));
    // Two operators moving one ticket at once are serialised on its row (PostgreSQL; SQLite has
    // one writer), so each sees the status the other left and "previous" is never stale.
    let row: Option<(String, String, Option<i64>)> = match connection {
        AnyConnection::Pg(c) => ticket.for_update().first(c).optional()?,
        AnyConnection::Sqlite(c) => ticket.first(c).optional()?,
    };
    let Some((reference, previous, contact_id)) = row else {
        return Ok(None);
    };
    let previous = ticket_status(&previous)?;
    diesel::update(defect_tickets::table.find(update.ticket_id))
        .set(defect_tickets::status.eq(update.status.as_str()))
        .execute(connection)?;
    diesel::insert_into(defect_ticket_history::table)
        .values((
            defect_ticket_history::ticket_id.eq(update.ticket_id),
            defect_ticket_history::status.eq(update.status.as_str()),
            defect_ticket_history::at.eq(naive(update.at)),
            defect_ticket_history::note.eq(note(update)),
        ))
        .execute(connection)?;
    let (customer, window_open) = customer(connection, contact_id, update.at)?;
    let notification = notify(&NoticeContext {
        reference: reference.clone(),
        previous,
        customer,
        window_open,
    });
    let mut message_ids = Vec::with_capacity(notification.drafts.len());
    if let Some(contact_id) = contact_id {
        for draft in &notification.drafts {
            message_ids.push(queue_notification(
                connection, contact_id, draft, update.at,
            )?);
        }
    }
    Ok(Some(StatusChanged {
        reference,
        previous,
        notified: notification.notified,
        message_ids,
    }))
}

impl TicketUpdates for DieselStore {
    async fn change_status<F>(
        &self,
        update: TicketUpdate,
        notify: F,
    ) -> Result<Option<StatusChanged>, StoreError>
    where
        F: FnOnce(&NoticeContext) -> Notification + Send + 'static,
    {
        self.write(move |connection| change(connection, &update, notify))
            .await
    }
}
