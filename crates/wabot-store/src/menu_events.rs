//! `menu_events`: the engine's analytics events, recorded with the step that produced them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_engine::Event;

use crate::connection::AnyConnection;
use crate::schema::menu_events;
use crate::sql::TxError;

/// The stored name of an event and the node it concerns.
fn row(event: &Event) -> (&'static str, Option<&str>) {
    match event {
        Event::SessionStarted => ("session_started", None),
        Event::SessionExpired => ("session_expired", None),
        Event::NodeEntered { node } => ("node_entered", Some(node)),
        Event::OptionChosen { node, .. } => ("option_chosen", Some(node)),
        Event::FormCompleted { node } => ("form_completed", Some(node)),
        Event::FormAbandoned { node, .. } => ("form_abandoned", Some(node)),
        Event::NotUnderstood { node } => ("not_understood", Some(node)),
    }
}

/// Records a step's events for the contact.
pub(crate) fn record(
    connection: &mut AnyConnection,
    contact_id: i64,
    events: &[Event],
    at: NaiveDateTime,
) -> Result<(), TxError> {
    for event in events {
        let (name, node) = row(event);
        diesel::insert_into(menu_events::table)
            .values((
                menu_events::contact_id.eq(contact_id),
                menu_events::event.eq(name),
                menu_events::node.eq(node),
                menu_events::at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(())
}
