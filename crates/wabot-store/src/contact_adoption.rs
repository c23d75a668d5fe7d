//! A new contact adopts the business rows (orders, defect tickets, schedule entries, feedback)
//! written for one of its ids before it first wrote, that belong to nobody yet: one look first,
//! since there is almost never anything to adopt, then one `UPDATE` a table. (On PostgreSQL the
//! look goes with the contact's `INSERT`, `pg_contacts`, and only [`adopt`] runs here.)

use diesel::prelude::*;
use wabot_app::ContactIds;

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::schema::{defect_tickets, feedback, orders, schedule_entries};
use crate::sql::{TxError, per_backend};

/// A table's rows for these ids that belong to nobody: what is looked for, then adopted.
macro_rules! unowned {
    ($table:ident, $keys:expr) => {
        $table::table
            .filter($table::contact_id.is_null())
            .filter($table::customer.eq_any($keys))
    };
}

/// Gives a new contact the business rows written for one of its ids before it first wrote (orders
/// loaded ahead, say) that belong to nobody yet.
pub(crate) fn adopt_business_data(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
) -> Result<(), TxError> {
    // Almost always there is nothing to adopt: one look at the four tables first, kept prepared
    // for one key and for two (a list's text grows with its length).
    macro_rules! anything_unowned {
        ($keys:expr) => {
            per_backend!(connection, |c| fixed!(diesel::select(
                diesel::dsl::exists(unowned!(orders, $keys))
                    .or(diesel::dsl::exists(unowned!(defect_tickets, $keys)))
                    .or(diesel::dsl::exists(unowned!(schedule_entries, $keys)))
                    .or(diesel::dsl::exists(unowned!(feedback, $keys))),
            ))
            .get_result::<bool>(c)?)
        };
    }
    let waiting = match (ids.wa_id.as_deref(), ids.user_id.as_deref()) {
        (None, None) => false,
        (Some(key), None) | (None, Some(key)) => anything_unowned!([key]),
        (Some(first), Some(second)) => anything_unowned!([first, second]),
    };
    if waiting {
        adopt(connection, contact_id, ids)?;
    }
    Ok(())
}

/// The keys a business row names a new contact by: its number and its user id, those it has.
pub(crate) fn keys(ids: &ContactIds) -> Vec<&str> {
    [ids.wa_id.as_deref(), ids.user_id.as_deref()]
        .into_iter()
        .flatten()
        .collect()
}

/// Gives the new contact the business rows for its ids that belong to nobody (found waiting).
pub(crate) fn adopt(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
) -> Result<(), TxError> {
    let keys = keys(ids);
    macro_rules! adopt {
        ($($table:ident),+) => {$(
            cached::update(unowned!($table, &keys), $table::contact_id.eq(contact_id))
                .execute(connection)?;
        )+};
    }
    adopt!(orders, defect_tickets, schedule_entries, feedback);
    Ok(())
}
