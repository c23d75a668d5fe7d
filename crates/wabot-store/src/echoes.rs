//! A message the business sent from the WhatsApp Business app (an `smb_message_echoes` echo),
//! applied at ingest: it joins the conversation as one of ours, already sent; and, unless switched
//! off, a person is talking, so the conversation goes to a handoff claimed by the business app and
//! the bot falls silent (the saved state says so, whichever instance steps it next).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{BusinessEcho, ContactIds, DeliveryStatus, Direction, HandoffState, MessageStatus};
use wabot_engine::{ConversationState, HandoffStage};

use crate::connection::AnyConnection;
use crate::handoffs::{event, open_handoff, open_of};
use crate::schema::{handoffs, messages};
use crate::sessions;
use crate::sql::{TxError, naive, per_backend};
use crate::states::HandoffEventName;

/// The agent a handoff opened by an echo is claimed by.
pub const BUSINESS_APP: &str = "business app";

/// The reason a handoff opened by an echo gives.
const REASON: &str = "business_app";

/// The body an echo is kept with: the shape of our own messages, so it reads like them.
fn body(echo: &BusinessEcho) -> String {
    let text = echo
        .text
        .clone()
        .unwrap_or_else(|| format!("({} sent from the WhatsApp Business app)", echo.kind));
    serde_json::json!({"type": "text", "text": {"body": text}, "origin": "whatsapp_business_app"})
        .to_string()
}

/// Applies one echo for the contact it went to.
pub(crate) fn apply(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
    echo: &BusinessEcho,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let sent = DeliveryStatus::Sent;
    let row = (
        messages::contact_id.eq(contact_id),
        messages::direction.eq(Direction::Out.as_str()),
        messages::wa_message_id.eq(&echo.message_id),
        messages::kind.eq(&echo.kind),
        messages::body.eq(body(echo)),
        messages::status.eq(MessageStatus::Delivery(sent).as_str()),
        messages::status_rank.eq(sent.rank()),
        messages::created_at.eq(naive(at)),
        messages::sent_at.eq(naive(at)),
    );
    let inserted = per_backend!(connection, |c| diesel::insert_into(messages::table)
        .values(row)
        .on_conflict(messages::wa_message_id)
        .do_nothing()
        .execute(c)?);
    if inserted > 0 {
        // A late echo (Meta retries for days) changes a past day's stored figures.
        crate::daily_figures::changed(connection, naive(at))?;
    }
    // A re-delivered echo (Meta retries for days) must not silence a bot given back meanwhile.
    if echo.take_over && inserted > 0 {
        take_over(connection, contact_id, ids, at)?;
    }
    Ok(())
}

/// Opens (or takes) the contact's handoff for the business app, and silences the bot.
fn take_over(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let now = naive(at);
    let (id, first_reply_at) = match open_of(connection, contact_id)? {
        Some(open) if open.agent.is_some() => {
            diesel::update(handoffs::table.find(open.id))
                .set(handoffs::last_activity_at.eq(now))
                .execute(connection)?;
            return silence(connection, contact_id, ids, at);
        }
        Some(open) => (open.id, open.first_reply_at),
        None => (
            open_handoff(connection, contact_id, REASON, Some(BUSINESS_APP), now)?,
            None,
        ),
    };
    diesel::update(handoffs::table.find(id))
        .set((
            handoffs::state.eq(HandoffState::Claimed.as_str()),
            handoffs::agent.eq(BUSINESS_APP),
            handoffs::claimed_at.eq(now),
            handoffs::first_reply_at.eq(first_reply_at.unwrap_or(now)),
            handoffs::last_activity_at.eq(now),
        ))
        .execute(connection)?;
    event(
        connection,
        id,
        HandoffEventName::Claimed,
        Some(BUSINESS_APP),
        None,
        now,
    )?;
    silence(connection, contact_id, ids, at)
}

/// Puts the contact's conversation in handoff mode (the bot falls silent), if it is not already.
fn silence(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let (state, version) = match sessions::saved(connection, contact_id)? {
        Some((state, version)) => (state, Some(version)),
        None => (ConversationState::new(ids.key().unwrap_or_default()), None),
    };
    if state.handoff.is_none() {
        let silent = ConversationState {
            handoff: Some(HandoffStage::Waiting),
            version: state.version.wrapping_add(1),
            ..state
        };
        sessions::save(connection, contact_id, &silent, version, at)?;
    }
    Ok(())
}
