//! [`SendBudget`] for [`DieselStore`]: the schedule of send slots that all instances share, one
//! row of `send_pace` per phone number. A lease locks the row (`FOR UPDATE` on PostgreSQL; the
//! writer's immediate transaction on SQLite), reads the database's clock after the lock, applies
//! [`lease_schedule`] and writes the new next slot — one write. The database's clock, never the
//! callers', orders the slots, so instances on machines whose clocks differ share one schedule.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use wabot_app::{SendBudget, SlotLease, SlotRequest, StoreError, lease_schedule};

use crate::connection::AnyConnection;
use crate::schema::send_pace;
use crate::sql::{TxError, per_backend};
use crate::store::DieselStore;

#[derive(QueryableByName)]
struct NextSlot {
    #[diesel(sql_type = BigInt)]
    next_slot_us: i64,
}

#[derive(QueryableByName)]
struct Clock {
    #[diesel(sql_type = BigInt)]
    now_us: i64,
}

fn lease(connection: &mut AnyConnection, request: &SlotRequest) -> Result<SlotLease, TxError> {
    let phone = request.phone_number_id.as_str();
    per_backend!(connection, |c| diesel::insert_into(send_pace::table)
        .values((
            send_pace::phone_number_id.eq(phone),
            send_pace::next_slot_us.eq(0_i64),
        ))
        .on_conflict_do_nothing()
        .execute(c)?);
    // Lock the row first, then read the clock: a lease that waited for another one's lock must
    // not start from a time read before the wait.
    let row: NextSlot = match connection {
        AnyConnection::Pg(c) => diesel::sql_query(
            "SELECT next_slot_us FROM send_pace WHERE phone_number_id = $1 FOR UPDATE",
        )
        .bind::<Text, _>(phone)
        .get_result(c)?,
        AnyConnection::Sqlite(c) => {
            diesel::sql_query("SELECT next_slot_us FROM send_pace WHERE phone_number_id = ?")
                .bind::<Text, _>(phone)
                .get_result(c)?
        }
    };
    let clock: Clock = match connection {
        AnyConnection::Pg(c) => diesel::sql_query(
            "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now_us",
        )
        .get_result(c)?,
        AnyConnection::Sqlite(c) => {
            diesel::sql_query("SELECT CAST(unixepoch('subsec') * 1000000 AS INTEGER) AS now_us")
                .get_result(c)?
        }
    };
    let (next_slot, lease) = lease_schedule(row.next_slot_us, clock.now_us, request);
    if next_slot != row.next_slot_us {
        diesel::update(send_pace::table.find(phone))
            .set(send_pace::next_slot_us.eq(next_slot))
            .execute(connection)?;
    }
    Ok(lease)
}

impl SendBudget for DieselStore {
    async fn lease_slots(&self, request: SlotRequest) -> Result<SlotLease, StoreError> {
        self.write(move |c| lease(c, &request)).await
    }
}
