//! `menu_events`: the engine's analytics events, recorded with the step that produced them (an
//! option's key too, so each option of a menu can be counted); a `node_entered` event also moves
//! the contact's `node_visits` row for that node to its time (the funnel's "reached" reads those
//! rows, not the events).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_engine::Event;

use crate::cached::fixed;
use crate::connection::AnyConnection;
use crate::schema::{menu_events, node_visits};
use crate::sql::{TxError, per_backend};
use crate::states::MenuEventName;

/// The stored name of an event, the node it concerns, and the option's key (`option_chosen` only).
pub(crate) fn row(event: &Event) -> (MenuEventName, Option<&str>, Option<i32>) {
    match event {
        Event::SessionStarted => (MenuEventName::SessionStarted, None, None),
        Event::SessionExpired => (MenuEventName::SessionExpired, None, None),
        Event::NodeEntered { node } => (MenuEventName::NodeEntered, Some(node), None),
        // Keys are 1 to 99 (checked when the menu is compiled), so they always fit.
        Event::OptionChosen { node, key } => (
            MenuEventName::OptionChosen,
            Some(node),
            i32::try_from(*key).ok(),
        ),
        Event::FormCompleted { node } => (MenuEventName::FormCompleted, Some(node), None),
        Event::FormAbandoned { node, .. } => (MenuEventName::FormAbandoned, Some(node), None),
        Event::NotUnderstood { node } => (MenuEventName::NotUnderstood, Some(node), None),
    }
}

/// Records a step's events for the contact, then the visit of each node entered. On PostgreSQL
/// the events are one multi-row `INSERT` (one round trip for all of them); on SQLite one kept
/// prepared `INSERT` each (in process, a statement whose text varies with the count would be
/// written and looked up again on every call: measured no faster).
pub(crate) fn record(
    connection: &mut AnyConnection,
    contact_id: i64,
    events: &[Event],
    at: NaiveDateTime,
) -> Result<(), TxError> {
    let rows: Vec<_> = events
        .iter()
        .map(row)
        .map(|(name, node, option_key)| {
            (
                name,
                node,
                (
                    menu_events::contact_id.eq(contact_id),
                    menu_events::event.eq(name.as_str()),
                    menu_events::node.eq(node),
                    menu_events::at.eq(at),
                    menu_events::option_key.eq(option_key),
                ),
            )
        })
        .collect();
    match connection {
        AnyConnection::Pg(c) if !rows.is_empty() => {
            let values: Vec<_> = rows.iter().map(|(_, _, values)| *values).collect();
            diesel::insert_into(menu_events::table)
                .values(&values)
                .execute(c)?;
        }
        AnyConnection::Pg(_) => {}
        AnyConnection::Sqlite(c) => {
            for (_, _, values) in &rows {
                fixed!(diesel::insert_into(menu_events::table).values(*values)).execute(c)?;
            }
        }
    }
    for (name, node, _) in rows {
        if let (MenuEventName::NodeEntered, Some(node)) = (name, node) {
            visited(connection, contact_id, node, at)?;
        }
    }
    Ok(())
}

/// The contact entered `node` at `at`: its `node_visits` row says so (one row per contact and
/// node, never moved back).
fn visited(
    connection: &mut AnyConnection,
    contact_id: i64,
    node: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    use diesel::query_dsl::methods::FilterDsl;
    use diesel::upsert::excluded;
    let row = (
        node_visits::contact_id.eq(contact_id),
        node_visits::node.eq(node),
        node_visits::last_entered_at.eq(at),
    );
    // Run for its rows, not its count: only then is it kept prepared (`cached.rs`).
    per_backend!(connection, |c| fixed!(
        diesel::insert_into(node_visits::table)
            .values(row)
            .on_conflict((node_visits::contact_id, node_visits::node))
            .do_update()
            .set(node_visits::last_entered_at.eq(excluded(node_visits::last_entered_at)))
            .filter(node_visits::last_entered_at.lt(excluded(node_visits::last_entered_at)))
            .returning(node_visits::contact_id)
    )
    .get_results::<i64>(c)?);
    Ok(())
}
