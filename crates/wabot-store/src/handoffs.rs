//! `handoffs` and `handoff_events`: the rows of conversations handed to a person, what a turn
//! writes when a step opens or leaves one, and the reads of [`wabot_app::Handoffs`]: the queue and one
//! handoff with its events. The agents' writes are in `handoff_desk`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{Handoff, HandoffEvent, HandoffState, StoreError};
use wabot_engine::HandoffChange;

use crate::connection::AnyConnection;
use crate::contacts::{ContactRow, summary};
use crate::schema::{contacts, handoff_events, handoffs, menu_events};
use crate::sql::{TxError, naive, utc};
use crate::states::{HandoffEventName, MenuEventName};

/// How many menu nodes the queue shows of the path a customer took before asking.
const PATH: i64 = 5;

/// A handoff as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = handoffs)]
pub(crate) struct HandoffRow {
    pub id: i64,
    pub contact_id: i64,
    pub state: String,
    pub agent: Option<String>,
    reason: String,
    opened_at: NaiveDateTime,
    claimed_at: Option<NaiveDateTime>,
    pub first_reply_at: Option<NaiveDateTime>,
    last_activity_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    message_left: Option<String>,
}

/// Records an event of a handoff.
pub(crate) fn event(
    connection: &mut AnyConnection,
    handoff_id: i64,
    name: HandoffEventName,
    actor: Option<&str>,
    text: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    diesel::insert_into(handoff_events::table)
        .values((
            handoff_events::handoff_id.eq(handoff_id),
            handoff_events::event.eq(name.as_str()),
            handoff_events::actor.eq(actor),
            handoff_events::text.eq(text),
            handoff_events::at.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}

/// The contact's open handoff, if it has one.
pub(crate) fn open_of(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<Option<HandoffRow>, TxError> {
    Ok(handoffs::table
        .filter(handoffs::contact_id.eq(contact_id))
        .filter(handoffs::state.ne(HandoffState::Closed.as_str()))
        .select(HandoffRow::as_select())
        .first(connection)
        .optional()?)
}

/// One handoff by id.
pub(crate) fn row(connection: &mut AnyConnection, id: i64) -> Result<Option<HandoffRow>, TxError> {
    Ok(handoffs::table
        .find(id)
        .select(HandoffRow::as_select())
        .first(connection)
        .optional()?)
}

/// Opens a handoff for the contact, waiting in the queue, and records who opened it (none: the
/// customer) and why; returns its id.
pub(crate) fn open_handoff(
    connection: &mut AnyConnection,
    contact_id: i64,
    reason: &str,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<i64, TxError> {
    diesel::insert_into(handoffs::table)
        .values((
            handoffs::contact_id.eq(contact_id),
            handoffs::state.eq(HandoffState::Waiting.as_str()),
            handoffs::reason.eq(reason),
            handoffs::opened_at.eq(at),
            handoffs::last_activity_at.eq(at),
        ))
        .execute(connection)?;
    let opened = open_of(connection, contact_id)?.ok_or_else(|| {
        StoreError::NotFound(format!("the handoff of contact {contact_id} just opened"))
    })?;
    event(
        connection,
        opened.id,
        HandoffEventName::Opened,
        by,
        Some(reason),
        at,
    )?;
    Ok(opened.id)
}

/// Applies a step's handoff change for the contact (inside the turn's transaction).
pub(crate) fn apply_change(
    connection: &mut AnyConnection,
    contact_id: i64,
    change: &HandoffChange,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let at = naive(now);
    let open = open_of(connection, contact_id)?;
    match (change, open) {
        (HandoffChange::Opened { node }, None) => {
            let reason = node.as_deref().unwrap_or("word");
            open_handoff(connection, contact_id, reason, None, at).map(|_| ())
        }
        // Already open (asked again): nothing new.
        (HandoffChange::Opened { .. }, Some(_)) => Ok(()),
        (HandoffChange::Left, Some(open)) => {
            diesel::update(handoffs::table.find(open.id))
                .set((
                    handoffs::state.eq(HandoffState::Closed.as_str()),
                    handoffs::closed_at.eq(at),
                    handoffs::last_activity_at.eq(at),
                ))
                .execute(connection)?;
            event(
                connection,
                open.id,
                HandoffEventName::Closed,
                None,
                Some("the customer went back to the bot"),
                at,
            )
        }
        (HandoffChange::MessageLeft { text }, Some(open)) => {
            diesel::update(handoffs::table.find(open.id))
                .set((
                    handoffs::state.eq(HandoffState::MessageLeft.as_str()),
                    handoffs::message_left.eq(text),
                    handoffs::last_activity_at.eq(at),
                ))
                .execute(connection)?;
            event(
                connection,
                open.id,
                HandoffEventName::MessageLeft,
                None,
                Some(text),
                at,
            )
        }
        // A change for a handoff that is no longer there (closed meanwhile): the state says enough.
        (HandoffChange::Left | HandoffChange::MessageLeft { .. }, None) => Ok(()),
    }
}

/// Notes that the customer wrote while their handoff is open (it keeps a claim from going idle).
pub(crate) fn touch(
    connection: &mut AnyConnection,
    contact_id: i64,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    diesel::update(
        handoffs::table
            .filter(handoffs::contact_id.eq(contact_id))
            .filter(handoffs::state.ne(HandoffState::Closed.as_str())),
    )
    .set(handoffs::last_activity_at.eq(naive(now)))
    .execute(connection)?;
    Ok(())
}

/// The menu nodes the contact entered last, oldest first.
fn menu_path(
    connection: &mut AnyConnection,
    contact_id: i64,
    before: NaiveDateTime,
) -> Result<Vec<String>, TxError> {
    let mut nodes = menu_events::table
        .filter(menu_events::contact_id.eq(contact_id))
        .filter(menu_events::event.eq(MenuEventName::NodeEntered.as_str()))
        .filter(menu_events::at.le(before))
        .order(menu_events::id.desc())
        .limit(PATH)
        .select(menu_events::node)
        .load::<Option<String>>(connection)?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    nodes.reverse();
    Ok(nodes)
}

/// The handoff as the port shows it.
pub(crate) fn handoff(connection: &mut AnyConnection, row: HandoffRow) -> Result<Handoff, TxError> {
    let contact = contacts::table
        .find(row.contact_id)
        .select(ContactRow::as_select())
        .first(connection)?;
    let state = HandoffState::parse(&row.state).ok_or_else(|| {
        StoreError::invalid(format!("handoff {}: unknown state `{}`", row.id, row.state))
    })?;
    Ok(Handoff {
        id: row.id,
        contact: summary(contact),
        state,
        agent: row.agent,
        menu_path: menu_path(connection, row.contact_id, row.opened_at)?,
        reason: row.reason,
        opened_at: utc(row.opened_at),
        claimed_at: row.claimed_at.map(utc),
        first_reply_at: row.first_reply_at.map(utc),
        last_activity_at: utc(row.last_activity_at),
        closed_at: row.closed_at.map(utc),
        message_left: row.message_left,
    })
}

/// The open handoffs: waiting (and messages left) first, longest waiting first, then claimed.
pub(crate) fn open_handoffs(connection: &mut AnyConnection) -> Result<Vec<Handoff>, TxError> {
    let rows = handoffs::table
        .filter(handoffs::state.ne(HandoffState::Closed.as_str()))
        .order(handoffs::opened_at)
        .select(HandoffRow::as_select())
        .load(connection)?;
    let (mut queue, claimed): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|row| row.state != HandoffState::Claimed.as_str());
    queue.extend(claimed);
    queue
        .into_iter()
        .map(|row| handoff(connection, row))
        .collect()
}

/// A handoff's events, oldest first.
pub(crate) fn events(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Vec<HandoffEvent>, TxError> {
    Ok(handoff_events::table
        .filter(handoff_events::handoff_id.eq(id))
        .order(handoff_events::id)
        .select((
            handoff_events::event,
            handoff_events::actor,
            handoff_events::text,
            handoff_events::at,
        ))
        .load::<(String, Option<String>, Option<String>, NaiveDateTime)>(connection)?
        .into_iter()
        .map(|(event, actor, text, at)| HandoffEvent {
            event,
            actor,
            text,
            at: utc(at),
        })
        .collect())
}
