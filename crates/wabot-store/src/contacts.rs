//! [`Contacts`] for [`DieselStore`]: contacts and their message history, paged by id.

use diesel::prelude::*;
use wabot_app::{ContactIds, ContactSummary, Contacts, MessageRecord, Page, StoreError};

use crate::schema::{contacts, messages};
use crate::store::{DieselStore, database};
use crate::tx::utc;

type ContactRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
);

const CONTACT_COLUMNS: (
    contacts::id,
    contacts::wa_id,
    contacts::user_id,
    contacts::profile_name,
    contacts::first_seen_at,
    contacts::last_seen_at,
    contacts::last_inbound_at,
) = (
    contacts::id,
    contacts::wa_id,
    contacts::user_id,
    contacts::profile_name,
    contacts::first_seen_at,
    contacts::last_seen_at,
    contacts::last_inbound_at,
);

fn summary(row: ContactRow) -> ContactSummary {
    let (id, wa_id, user_id, profile_name, first_seen_at, last_seen_at, last_inbound_at) = row;
    ContactSummary {
        id,
        ids: ContactIds { wa_id, user_id },
        profile_name,
        first_seen_at: utc(first_seen_at),
        last_seen_at: utc(last_seen_at),
        last_inbound_at: last_inbound_at.map(utc),
    }
}

type MessageRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    (
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    ),
    Option<i64>,
    Option<String>,
);

fn message(row: MessageRow) -> MessageRecord {
    let (
        id,
        direction,
        wa_message_id,
        kind,
        body,
        status,
        created_at,
        (sent, delivered, read, failed),
        error_code,
        error_title,
    ) = row;
    MessageRecord {
        id,
        direction,
        wa_message_id,
        kind,
        body,
        status,
        created_at: utc(created_at),
        sent_at: sent.map(utc),
        delivered_at: delivered.map(utc),
        read_at: read.map(utc),
        failed_at: failed.map(utc),
        error_code,
        error_title,
    }
}

impl Contacts for DieselStore {
    async fn list_contacts(&self, page: Page) -> Result<Vec<ContactSummary>, StoreError> {
        self.read(move |connection| {
            let rows = contacts::table
                .filter(contacts::id.gt(page.after.unwrap_or(0)))
                .order(contacts::id)
                .limit(page.limit.clamp(1, 1000))
                .select(CONTACT_COLUMNS)
                .load::<ContactRow>(connection)
                .map_err(database)?;
            Ok(rows.into_iter().map(summary).collect())
        })
        .await
    }

    async fn contact(&self, contact_id: i64) -> Result<Option<ContactSummary>, StoreError> {
        self.read(move |connection| {
            let row = contacts::table
                .find(contact_id)
                .select(CONTACT_COLUMNS)
                .first::<ContactRow>(connection)
                .optional()
                .map_err(database)?;
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
                .select((
                    messages::id,
                    messages::direction,
                    messages::wa_message_id,
                    messages::kind,
                    messages::body,
                    messages::status,
                    messages::created_at,
                    (
                        messages::sent_at,
                        messages::delivered_at,
                        messages::read_at,
                        messages::failed_at,
                    ),
                    messages::error_code,
                    messages::error_title,
                ))
                .load::<MessageRow>(connection)
                .map_err(database)?;
            Ok(rows.into_iter().map(message).collect())
        })
        .await
    }
}
