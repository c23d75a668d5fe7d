//! A new contact adopts the business rows (orders, defect tickets, schedule entries, feedback)
//! written for one of its ids before it first wrote, that belong to nobody yet: one look first,
//! since there is almost never anything to adopt, then one `UPDATE` a table.

use diesel::prelude::*;
use wabot_app::ContactIds;

use crate::cached::{self, Cached};
use crate::connection::AnyConnection;
use crate::schema::{defect_tickets, feedback, orders, schedule_entries};
use crate::sql::TxError;

/// Gives a new contact the business rows written for one of its ids before it first wrote (orders
/// loaded ahead, say) that belong to nobody yet.
pub(crate) fn adopt_business_data(
    connection: &mut AnyConnection,
    contact_id: i64,
    ids: &ContactIds,
) -> Result<(), TxError> {
    let keys: Vec<&str> = [ids.wa_id.as_deref(), ids.user_id.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    // A table's rows for these ids that belong to nobody: what is looked for, then adopted.
    // (Kept prepared: the statements' text varies only with the number of keys, one or two.)
    macro_rules! unowned {
        ($table:ident) => {
            $table::table
                .filter($table::contact_id.is_null())
                .filter($table::customer.eq_any(&keys))
        };
    }
    // Almost always there is nothing to adopt: one look at the four tables first.
    let waiting = Cached(diesel::select(
        diesel::dsl::exists(unowned!(orders))
            .or(diesel::dsl::exists(unowned!(defect_tickets)))
            .or(diesel::dsl::exists(unowned!(schedule_entries)))
            .or(diesel::dsl::exists(unowned!(feedback))),
    ))
    .get_result::<bool>(connection)?;
    if !waiting {
        return Ok(());
    }
    macro_rules! adopt {
        ($($table:ident),+) => {$(
            cached::update(unowned!($table), $table::contact_id.eq(contact_id))
                .execute(connection)?;
        )+};
    }
    adopt!(orders, defect_tickets, schedule_entries, feedback);
    Ok(())
}
