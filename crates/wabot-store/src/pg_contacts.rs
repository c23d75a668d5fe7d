//! PostgreSQL's one-round-trip forms of an ingested item's first reads and of a new contact's
//! creation, where each statement is a round trip to the server: whether the item is stored
//! already, read together with the contacts that hold its ids (`ingest`, then `identity`'s
//! rules), for a webhook's first item together with the event's own row; and a new contact
//! inserted together with the look for business rows waiting to be adopted (`contact_adoption`).
//! SQLite keeps the separate in-process statements. Each text is fixed and prepared once per
//! connection (`cached::Fixed`).

use chrono::NaiveDateTime;
use diesel::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};
use wabot_app::ContactIds;

use crate::cached::fixed;
use crate::contact_lookup::{Found, Known};

/// What [`unless_stored`] reads, after its `SELECT` and an event id: whether the item's key is
/// stored, and the contact with the user id (`u_`) and the one with the number (`p_`).
macro_rules! lookup_columns {
    () => {
        "EXISTS (SELECT 1 FROM inbound_items WHERE dedupe_key = $1) AS stored, \
         u.id AS u_id, u.wa_id AS u_wa_id, u.user_id AS u_user_id, u.last_inbound_at AS u_last, \
         p.id AS p_id, p.wa_id AS p_wa_id, p.user_id AS p_user_id, p.last_inbound_at AS p_last"
    };
}

/// The contacts holding `$2` (a user id) and `$3` (a number), joined to one row; a `NULL` id
/// finds nobody.
macro_rules! lookup_joins {
    () => {
        " LEFT JOIN LATERAL (SELECT id, wa_id, user_id, last_inbound_at FROM contacts \
         WHERE user_id = $2 LIMIT 1) AS u ON true \
         LEFT JOIN LATERAL (SELECT id, wa_id, user_id, last_inbound_at FROM contacts \
         WHERE wa_id = $3 LIMIT 1) AS p ON true"
    };
}

/// An item's lookup: `$1` its key, `$2`/`$3` its contact's ids.
const UNLESS_STORED: &str = concat!(
    "SELECT NULL::bigint AS event_id, ",
    lookup_columns!(),
    " FROM (SELECT 1) AS one",
    lookup_joins!()
);

/// A webhook event stored (`$4`–`$7`: its time, body, item count and outcome) with its first
/// item's lookup.
const EVENT_UNLESS_STORED: &str = concat!(
    "WITH event AS (INSERT INTO webhook_events (received_at, body, item_count, outcome) \
     VALUES ($4, $5, $6, $7) RETURNING id) SELECT event.id AS event_id, ",
    lookup_columns!(),
    " FROM event",
    lookup_joins!()
);

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
    #[diesel(sql_type = Nullable<BigInt>)]
    event_id: Option<i64>,
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

/// The contacts holding `ids` (as `identity::resolve_unseen` takes them), or `None` when an item
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
    Ok(found(row))
}

/// A webhook event's row as [`event_unless_stored`] inserts it.
pub(crate) struct NewEventRow<'a> {
    /// When it reached the webhook.
    pub(crate) received_at: NaiveDateTime,
    /// Its raw body.
    pub(crate) body: &'a str,
    /// How many items it brought.
    pub(crate) item_count: i32,
    /// Its outcome as first stored.
    pub(crate) outcome: &'a str,
}

/// Stores the event, and looks its first item up as [`unless_stored`] does: the event's id, and
/// what the lookup found.
pub(crate) fn event_unless_stored(
    connection: &mut PgConnection,
    event: &NewEventRow<'_>,
    dedupe_key: &str,
    ids: &ContactIds,
) -> QueryResult<(i64, Option<Found>)> {
    let row: Lookup = fixed!(
        diesel::sql_query(EVENT_UNLESS_STORED)
            .bind::<Text, _>(dedupe_key)
            .bind::<Nullable<Text>, _>(ids.user_id.as_deref())
            .bind::<Nullable<Text>, _>(ids.wa_id.as_deref())
            .bind::<Timestamp, _>(event.received_at)
            .bind::<Text, _>(event.body)
            .bind::<diesel::sql_types::Integer, _>(event.item_count)
            .bind::<Text, _>(event.outcome)
    )
    .get_result(connection)?;
    // The insert returns its id; none would be the server's error, not a missing event.
    let Some(event_id) = row.event_id else {
        return Err(diesel::result::Error::NotFound);
    };
    Ok((event_id, found(row)))
}

/// What a lookup found: `None` when the item is stored already.
fn found(row: Lookup) -> Option<Found> {
    if row.stored {
        return None;
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
    Some((by_user, by_phone))
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
    let keys = crate::contact_adoption::keys(ids);
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
