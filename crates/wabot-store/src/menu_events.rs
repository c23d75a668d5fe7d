//! `menu_events`: the engine's analytics events, recorded with the step that produced them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_engine::Event;

use crate::connection::AnyConnection;
use crate::schema::menu_events;
use crate::sql::TxError;
use crate::states::MenuEventName;

/// The stored name of an event and the node it concerns.
fn row(event: &Event) -> (MenuEventName, Option<&str>) {
    match event {
        Event::SessionStarted => (MenuEventName::SessionStarted, None),
        Event::SessionExpired => (MenuEventName::SessionExpired, None),
        Event::NodeEntered { node } => (MenuEventName::NodeEntered, Some(node)),
        Event::OptionChosen { node, .. } => (MenuEventName::OptionChosen, Some(node)),
        Event::FormCompleted { node } => (MenuEventName::FormCompleted, Some(node)),
        Event::FormAbandoned { node, .. } => (MenuEventName::FormAbandoned, Some(node)),
        Event::NotUnderstood { node } => (MenuEventName::NotUnderstood, Some(node)),
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
                menu_events::event.eq(name.as_str()),
                menu_events::node.eq(node),
                menu_events::at.eq(at),
            ))
            .execute(connection)?;
    }
    Ok(())
}
