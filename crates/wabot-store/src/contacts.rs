//! `contacts`: a contact's key, and [`Contacts`] for [`DieselStore`]: contacts and their message
//! history, paged by id. (Which contact an id belongs to is decided in `identity`.)

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_app::{
    ContactIds, ContactRef, ContactSummary, Contacts, Direction, MessageRecord, MessageStatus,
    Page, StoreError,
};

use crate::connection::AnyConnection;
use crate::contact_lookup::by_number;
use crate::schema::{contacts, messages};
use crate::sql::{TxError, utc};
use crate::store::DieselStore;

/// The contact's key: its WhatsApp id, or its user id when it has none.
pub(crate) fn key(connection: &mut AnyConnection, contact_id: i64) -> Result<String, TxError> {
    let (wa_id, user_id) = contacts::table
        .find(contact_id)
        .select((contacts::wa_id, contacts::user_id))
        .first::<(Option<String>, Option<String>)>(connection)?;
    Ok(key_of(wa_id, user_id))
}

/// A contact's key from its two ids: its number, else its user id.
pub(crate) fn key_of(wa_id: Option<String>, user_id: Option<String>) -> String {
    wa_id.or(user_id).unwrap_or_default()
}

/// A contact as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub(crate) struct ContactRow {
    pub id: i64,
    wa_id: Option<String>,
    user_id: Option<String>,
    profile_name: Option<String>,
    first_seen_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    last_inbound_at: Option<NaiveDateTime>,
}

/// A stored contact as the ports show it.
pub(crate) fn summary(row: ContactRow) -> ContactSummary {
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

    async fn find_contact(&self, by: ContactRef) -> Result<Option<ContactSummary>, StoreError> {
        self.read(move |connection| {
            let select = contacts::table.select(ContactRow::as_select());
            let row = match &by {
                ContactRef::Id(id) => select.find(*id).first(connection).optional()?,
                ContactRef::Phone(number) => {
                    let id = match by_number(connection, number)? {
                        Some(found) => Some(found.id),
                        None => number.parse::<i64>().ok(),
                    };
                    match id {
                        Some(id) => select.find(id).first(connection).optional()?,
                        None => None,
                    }
                }
                ContactRef::UserId(user_id) => select
                    .filter(contacts::user_id.eq(user_id))
                    .first(connection)
                    .optional()?,
            };
            Ok(row.map(summary))
        })
        .await
    }

    async fn latest_messages(
        &self,
        contact_id: i64,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        self.read(move |connection| {
            let mut rows = messages::table
                .filter(messages::contact_id.eq(contact_id))
                .order(messages::id.desc())
                .limit(limit.clamp(1, 1000))
                .select(MessageRow::as_select())
                .load(connection)?;
            rows.reverse();
            rows.into_iter().map(message).collect()
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
