//! `menu_events`: the engine's analytics events, recorded with the step that produced them (an
//! option's key too, so each option of a menu can be counted).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_engine::Event;

use crate::connection::AnyConnection;
use crate::schema::menu_events;
use crate::sql::TxError;

/// The stored name of an event, the node it concerns, and the option's key (`option_chosen` only).
fn row(event: &Event) -> (&'static str, Option<&str>, Option<i32>) {
    match event {
        Event::SessionStarted => ("session_started", None, None),
        Event::SessionExpired => ("session_expired", None, None),
        Event::NodeEntered { node } => ("node_entered", Some(node), None),
        // Keys are 1 to 99 (checked when the menu is compiled), so they always fit.
        Event::OptionChosen { node, key } => {
            ("option_chosen", Some(node), i32::try_from(*key).ok())
        }
        Event::FormCompleted { node } => ("form_completed", Some(node), None),
        Event::FormAbandoned { node, .. } => ("form_abandoned", Some(node), None),
        Event::NotUnderstood { node } => ("not_understood", Some(node), None),
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
        let (name, node, option_key) = row(event);
        diesel::insert_into(menu_events::table)
            .values((
                menu_events::contact_id.eq(contact_id),
                menu_events::event.eq(name),
                menu_events::node.eq(node),
                menu_events::at.eq(at),
                menu_events::option_key.eq(option_key),
            ))
            .execute(connection)?;
    }
    Ok(())
}
