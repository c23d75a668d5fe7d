//! The [`Backlog`]: pending inbound items and outbound messages with the age of the oldest of each,
//! the conversations active lately, and the handoffs waiting for a person. Read on every metrics scrape, so each is one indexed query.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use wabot_app::{Backlog, HandoffState};

use crate::connection::AnyConnection;
use crate::schema::{handoffs, inbound_items, messages, outbox, sessions, webhook_events};
use crate::sql::{TxError, utc};
use crate::states::{ItemState, OutboxState};

/// Reads the backlog on one connection.
pub(crate) fn backlog(
    connection: &mut AnyConnection,
    active_since: NaiveDateTime,
) -> Result<Backlog, TxError> {
    let (inbox_pending, inbox_oldest) = inbound_items::table
        .inner_join(webhook_events::table)
        .filter(inbound_items::state.eq(ItemState::Pending.as_str()))
        .select((count_star(), min(webhook_events::received_at)))
        .first::<(i64, Option<NaiveDateTime>)>(connection)?;
    let (outbox_pending, outbox_oldest) = outbox::table
        .inner_join(messages::table)
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .select((count_star(), min(messages::created_at)))
        .first::<(i64, Option<NaiveDateTime>)>(connection)?;
    let sessions_active = sessions::table
        .filter(sessions::updated_at.ge(active_since))
        .count()
        .get_result::<i64>(connection)?;
    let (handoffs_waiting, handoff_oldest) = handoffs::table
        .filter(handoffs::state.eq_any([
            HandoffState::Waiting.as_str(),
            HandoffState::MessageLeft.as_str(),
        ]))
        .select((count_star(), min(handoffs::opened_at)))
        .first::<(i64, Option<NaiveDateTime>)>(connection)?;
    Ok(Backlog {
        inbox_pending,
        inbox_oldest: inbox_oldest.map(utc),
        outbox_pending,
        outbox_oldest: outbox_oldest.map(utc),
        sessions_active,
        handoffs_waiting,
        handoff_oldest: handoff_oldest.map(utc),
    })
}
