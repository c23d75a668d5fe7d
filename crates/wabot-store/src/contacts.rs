//! `contacts`: finding or creating a contact by either of Meta's ids (at ingest), its key, and
//! [`Contacts`] for [`DieselStore`]: contacts and their message history, paged by id.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    ContactIds, ContactSummary, Contacts, Direction, MessageRecord, MessageStatus, Page, StoreError,
};

use crate::connection::AnyConnection;
use crate::schema::{contacts, messages};
use crate::sql::{TxError, naive, per_backend, utc};
use crate::store::DieselStore;

/// Finds the contact with either id (filling in the other one if it was missing), or creates it, and
/// records that it was seen. Returns its id.
pub(crate) fn resolve_contact(
    connection: &mut AnyConnection,
    ids: &ContactIds,
    profile_name: Option<&str>,
    at: DateTime<Utc>,
    inbound: bool,
) -> Result<i64, TxError> {
    if ids.wa_id.is_none() && ids.user_id.is_none() {
        return Err(StoreError::invalid("an item without any contact id").into());
    }
    let by_wa_id = match &ids.wa_id {
        Some(wa_id) => contacts::table
            .filter(contacts::wa_id.eq(wa_id))
            .select(contacts::id)
            .first::<i64>(connection)
            .optional()?,
        None => None,
    };
    let found = match (by_wa_id, &ids.user_id) {
        (Some(id), _) => Some(id),
        (None, Some(user_id)) => contacts::table
            .filter(contacts::user_id.eq(user_id))
            .select(contacts::id)
            .first::<i64>(connection)
            .optional()?,
        (None, None) => None,
    };
    let at = naive(at);
    let Some(id) = found else {
        let new = (
            contacts::wa_id.eq(&ids.wa_id),
            contacts::user_id.eq(&ids.user_id),
            contacts::profile_name.eq(profile_name),
            contacts::first_seen_at.eq(at),
            contacts::last_seen_at.eq(at),
            contacts::last_inbound_at.eq(inbound.then_some(at)),
        );
        // Another transaction may create the same contact at the same moment: then this insert does
        // nothing, and the contact it created is found again below.
        let created = per_backend!(connection, |c| diesel::insert_into(contacts::table)
            .values(new)
            .on_conflict_do_nothing()
            .returning(contacts::id)
            .get_result::<i64>(c)
            .optional()?);
        return match created {
            Some(id) => Ok(id),
            None => resolve_contact(connection, ids, profile_name, utc(at), inbound),
        };
    };
    let row = contacts::table.find(id);
    diesel::update(row)
        .set(contacts::last_seen_at.eq(at))
        .execute(connection)?;
    if let Some(name) = profile_name {
        diesel::update(row)
            .set(contacts::profile_name.eq(name))
            .execute(connection)?;
    }
    if inbound {
        diesel::update(
            row.filter(
                contacts::last_inbound_at
                    .is_null()
                    .or(contacts::last_inbound_at.lt(at)),
            ),
        )
        .set(contacts::last_inbound_at.eq(at))
        .execute(connection)?;
    }
    if let Some(wa_id) = &ids.wa_id {
        diesel::update(row.filter(contacts::wa_id.is_null()))
            .set(contacts::wa_id.eq(wa_id))
            .execute(connection)?;
    }
    if let Some(user_id) = &ids.user_id {
        diesel::update(row.filter(contacts::user_id.is_null()))
            .set(contacts::user_id.eq(user_id))
            .execute(connection)?;
    }
    Ok(id)
}

/// The contact's key: its WhatsApp id, or its user id when it has none.
pub(crate) fn key(connection: &mut AnyConnection, contact_id: i64) -> Result<String, TxError> {
    let (wa_id, user_id) = contacts::table
        .find(contact_id)
        .select((contacts::wa_id, contacts::user_id))
        .first::<(Option<String>, Option<String>)>(connection)?;
    Ok(wa_id.or(user_id).unwrap_or_default())
}

/// A contact as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts)]
struct ContactRow {
    id: i64,
    wa_id: Option<String>,
    user_id: Option<String>,
    profile_name: Option<String>,
    first_seen_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    last_inbound_at: Option<NaiveDateTime>,
}

fn summary(row: ContactRow) -> ContactSummary {
    ContactSummary {
        id: row.id,
        ids: ContactIds {
            wa_id: row.wa_id,
            user_id: row.user_id,
        },
        profile_name: row.profile_name,
        first_seen_at: utc(row.first_seen_at),
        last_seen_at: utc(row.last_seen_at),
        last_inbound_at: row.last_inbound_at.map(utc),
    }
}

/// A message as stored (without its status rank).
#[derive(Queryable, Selectable)]
#[diesel(table_name = messages)]
struct MessageRow {
    id: i64,
    direction: String,
    wa_message_id: Option<String>,
    kind: String,
    body: String,
    status: String,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    read_at: Option<NaiveDateTime>,
    failed_at: Option<NaiveDateTime>,
    error_code: Option<i64>,
    error_title: Option<String>,
}

fn message(row: MessageRow) -> Result<MessageRecord, TxError> {
    let id = row.id;
    let unknown = |what: &str, value: &str| {
        StoreError::invalid(format!("message {id}: unknown {what} `{value}`"))
    };
    Ok(MessageRecord {
        id: row.id,
        direction: Direction::parse(&row.direction)
            .ok_or_else(|| unknown("direction", &row.direction))?,
        wa_message_id: row.wa_message_id,
        kind: row.kind,
        body: row.body,
        status: MessageStatus::parse(&row.status).ok_or_else(|| unknown("status", &row.status))?,
        created_at: utc(row.created_at),
        sent_at: row.sent_at.map(utc),
        delivered_at: row.delivered_at.map(utc),
        read_at: row.read_at.map(utc),
        failed_at: row.failed_at.map(utc),
        error_code: row.error_code,
        error_title: row.error_title,
    })
}

impl Contacts for DieselStore {
    async fn list_contacts(&self, page: Page) -> Result<Vec<ContactSummary>, StoreError> {
        self.read(move |connection| {
            let rows = contacts::table
                .filter(contacts::id.gt(page.after.unwrap_or(0)))
                .order(contacts::id)
                .limit(page.limit.clamp(1, 1000))
                .select(ContactRow::as_select())
                .load(connection)?;
            Ok(rows.into_iter().map(summary).collect())
        })
        .await
    }

    async fn contact(&self, contact_id: i64) -> Result<Option<ContactSummary>, StoreError> {
        self.read(move |connection| {
            let row = contacts::table
                .find(contact_id)
                .select(ContactRow::as_select())
                .first(connection)
                .optional()?;
            Ok(row.map(summary))
        })
        .await
    }

    async fn history(&self, contact_id: i64, page: Page) -> Result<Vec<MessageRecord>, StoreError> {
        self.read(move |connection| {
            let rows = messages::table
                .filter(messages::contact_id.eq(contact_id))
                .filter(messages::id.gt(page.after.unwrap_or(0)))
                .order(messages::id)
                .limit(page.limit.clamp(1, 1000))
                .select(MessageRow::as_select())
                .load(connection)?;
            rows.into_iter().map(message).collect()
        })
        .await
    }
}
