//! PostgreSQL's one-round-trip forms of an ingested item's first reads and of a new contact's
//! creation, where each statement is a round trip to the server: whether the item is stored
//! already, read together with the contacts that hold its ids (`ingest`, then `identity`'s
//! rules); and a new contact inserted together with the look for business rows waiting to be
//! adopted (`contact_adoption`). SQLite keeps the separate in-process statements. Each text is
//! fixed and prepared once per connection (`cached::Fixed`).

use chrono::NaiveDateTime;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};
use wabot_app::ContactIds;

use crate::cached::fixed;
use crate::identity::{Found, Known};

/// Whether the item's key is stored, and the contact with the user id (`u_`) and the one with the
/// number (`p_`): `$1` the key, `$2` the user id, `$3` the number (a `NULL` id finds nobody).
const UNLESS_STORED: &str = "SELECT \
     EXISTS (SELECT 1 FROM inbound_items WHERE dedupe_key = $1) AS stored, \
     u.id AS u_id, u.wa_id AS u_wa_id, u.user_id AS u_user_id, u.last_inbound_at AS u_last, \
     p.id AS p_id, p.wa_id AS p_wa_id, p.user_id AS p_user_id, p.last_inbound_at AS p_last \
     FROM (SELECT 1) AS one \
     LEFT JOIN LATERAL (SELECT id, wa_id, user_id, last_inbound_at FROM contacts \
     WHERE user_id = $2 LIMIT 1) AS u ON true \
     LEFT JOIN LATERAL (SELECT id, wa_id, user_id, last_inbound_at FROM contacts \
     WHERE wa_id = $3 LIMIT 1) AS p ON true";

/// A new contact unless one holds its ids, and whether any business row names one of `$6` (its
/// keys) and belongs to nobody yet (`contact_adoption`).
const CREATE: &str = "INSERT INTO contacts \
     (wa_id, user_id, profile_name, first_seen_at, last_seen_at, last_inbound_at) \
     VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT DO NOTHING \
     RETURNING id, (\
     EXISTS (SELECT 1 FROM orders WHERE contact_id IS NULL AND customer = ANY($6)) \
     OR EXISTS (SELECT 1 FROM defect_tickets WHERE contact_id IS NULL AND customer = ANY($6)) \
     OR EXISTS (SELECT 1 FROM schedule_entries WHERE contact_id IS NULL AND customer = ANY($6)) \
     OR EXISTS (SELECT 1 FROM feedback WHERE contact_id IS NULL AND customer = ANY($6))\
     ) AS unowned";

#[derive(QueryableByName)]
struct Lookup {
    #[diesel(sql_type = Bool)]
    stored: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    u_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    u_wa_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    u_user_id: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    u_last: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<BigInt>)]
    p_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    p_wa_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    p_user_id: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    p_last: Option<NaiveDateTime>,
}

/// The contacts holding `ids` (as `identity::resolve_found` takes them), or `None` when an item
/// with `dedupe_key` is stored already (a re-delivery: nothing more is read or written).
pub(crate) fn unless_stored(
    connection: &mut PgConnection,
    dedupe_key: &str,
    ids: &ContactIds,
) -> QueryResult<Option<Found>> {
    let row: Lookup = fixed!(
        diesel::sql_query(UNLESS_STORED)
            .bind::<Text, _>(dedupe_key)
            .bind::<Nullable<Text>, _>(ids.user_id.as_deref())
            .bind::<Nullable<Text>, _>(ids.wa_id.as_deref())
    )
    .get_result(connection)?;
    if row.stored {
        return Ok(None);
    }
    let by_user = row.u_id.map(|id| Known {
        id,
        wa_id: row.u_wa_id,
        user_id: row.u_user_id,
        last_inbound_at: row.u_last,
    });
    let by_phone = row.p_id.map(|id| Known {
        id,
        wa_id: row.p_wa_id,
        user_id: row.p_user_id,
        last_inbound_at: row.p_last,
    });
    Ok(Some((by_user, by_phone)))
}

#[derive(QueryableByName)]
struct Created {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Bool)]
    unowned: bool,
}

/// A new contact: its id and whether business rows wait for it to adopt them; `None` when
/// another transaction created one with the same ids meanwhile.
pub(crate) fn create(
    connection: &mut PgConnection,
    ids: &ContactIds,
    profile_name: Option<&str>,
    at: NaiveDateTime,
    last_inbound_at: Option<NaiveDateTime>,
) -> QueryResult<Option<(i64, bool)>> {
    let keys: Vec<&str> = [ids.wa_id.as_deref(), ids.user_id.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let created: Option<Created> = fixed!(
        diesel::sql_query(CREATE)
            .bind::<Nullable<Text>, _>(ids.wa_id.as_deref())
            .bind::<Nullable<Text>, _>(ids.user_id.as_deref())
            .bind::<Nullable<Text>, _>(profile_name)
            .bind::<Timestamp, _>(at)
            .bind::<Nullable<Timestamp>, _>(last_inbound_at)
            .bind::<Array<Text>, _>(&keys)
    )
    .get_result(connection)
    .optional()?;
    Ok(created.map(|row| (row.id, row.unowned)))
}
