//! [`ConversationsView`] for [`DieselStore`]: the console's conversation list and a contact's
//! identity history.
//!
//! The list is `contacts` left-joined with `sessions` (the node the conversation is at), newest
//! `last_seen_at` first, paged by the keyset `(last_seen_at, id)`: a page holds the rows strictly
//! before the cursor, so paging never skips or repeats a row and costs the same at any depth (the
//! `contacts_by_activity` index). Filters, all optional and combined:
//! - `search`: a substring, in any case, of the profile name, the WhatsApp number or the user id
//!   (`lower(column) LIKE '%text%'`, with `%`, `_` and `\` in the text matched as themselves).
//!   Case folding is Unicode on PostgreSQL but ASCII-only on SQLite (its `lower`), so there a
//!   search for `ána` does not find `Ána`.
//! - `node`: conversations now at that menu node (`sessions.node`).
//! - `wrote_since`: customers whose last message came at or after that instant
//!   (`contacts.last_inbound_at`).
//!
//! Each row's latest message is read for the page's contacts only, in two queries: the greatest
//! message id per contact (the `messages_by_contact` index), then those messages.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;
use wabot_app::{
    ActivityCursor, ContactChangeRecord, ConversationFilter, ConversationRow, ConversationsView,
    Direction, LastMessage, StoreError,
};

use crate::connection::AnyConnection;
use crate::contacts::{ContactRow, summary};
use crate::schema::{contact_changes, contacts, messages, sessions};
use crate::sql::{TxError, naive, per_backend, utc};
use crate::store::DieselStore;

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL's `lower` (Unicode on PostgreSQL, ASCII on SQLite).
    fn lower(
        text: diesel::sql_types::Nullable<diesel::sql_types::Text>,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// The most rows one page may hold.
const MAX_PAGE: i64 = 500;

/// A `LIKE` pattern matching `text` anywhere, its wildcards escaped with `\`.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// One page of contacts with the node of their conversation.
fn page(
    connection: &mut AnyConnection,
    filter: &ConversationFilter,
    after: Option<ActivityCursor>,
    limit: i64,
) -> Result<Vec<(ContactRow, Option<String>)>, TxError> {
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(contains_pattern);
    Ok(per_backend!(connection, |c| {
        let mut query = contacts::table
            .left_join(sessions::table)
            .select((ContactRow::as_select(), sessions::node.nullable()))
            .order((contacts::last_seen_at.desc(), contacts::id.desc()))
            .limit(limit.clamp(1, MAX_PAGE))
            .into_boxed();
        if let Some(cursor) = after {
            let at = naive(cursor.last_seen_at);
            // The first condition bounds the index range; the second breaks ties by id.
            query = query.filter(contacts::last_seen_at.le(at)).filter(
                contacts::last_seen_at
                    .lt(at)
                    .or(contacts::id.lt(cursor.contact_id)),
            );
        }
        if let Some(pattern) = &search {
            query = query.filter(
                lower(contacts::profile_name)
                    .like(pattern)
                    .escape('\\')
                    .or(lower(contacts::wa_id).like(pattern).escape('\\'))
                    .or(lower(contacts::user_id).like(pattern).escape('\\')),
            );
        }
        if let Some(node) = &filter.node {
            query = query.filter(sessions::node.eq(node));
        }
        if let Some(since) = filter.wrote_since {
            query = query.filter(contacts::last_inbound_at.ge(naive(since)));
        }
        query.load::<(ContactRow, Option<String>)>(c)?
    }))
}

/// The latest message of each of `contact_ids` that has one.
fn latest_messages(
    connection: &mut AnyConnection,
    contact_ids: &[i64],
) -> Result<HashMap<i64, LastMessage>, TxError> {
    let latest: Vec<i64> = messages::table
        .filter(messages::contact_id.eq_any(contact_ids))
        .group_by(messages::contact_id)
        .select(max(messages::id))
        .load::<Option<i64>>(connection)?
        .into_iter()
        .flatten()
        .collect();
    let rows = messages::table
        .filter(messages::id.eq_any(&latest))
        .select((
            messages::contact_id,
            messages::direction,
            messages::kind,
            messages::created_at,
        ))
        .load::<(i64, String, String, NaiveDateTime)>(connection)?;
    rows.into_iter()
        .map(|(contact_id, direction, kind, created_at)| {
            let direction = Direction::parse(&direction).ok_or_else(|| {
                StoreError::invalid(format!(
                    "a message of {contact_id}: direction `{direction}`"
                ))
            })?;
            let message = LastMessage {
                direction,
                kind,
                created_at: utc(created_at),
            };
            Ok((contact_id, message))
        })
        .collect()
}

impl ConversationsView for DieselStore {
    async fn conversations(
        &self,
        filter: ConversationFilter,
        after: Option<ActivityCursor>,
        limit: i64,
    ) -> Result<Vec<ConversationRow>, StoreError> {
        self.read(move |connection| {
            let rows = page(connection, &filter, after, limit)?;
            let ids: Vec<i64> = rows.iter().map(|(contact, _)| contact.id).collect();
            let mut latest = latest_messages(connection, &ids)?;
            Ok(rows
                .into_iter()
                .map(|(contact, node)| ConversationRow {
                    last_message: latest.remove(&contact.id),
                    contact: summary(contact),
                    node,
                })
                .collect())
        })
        .await
    }

    async fn contact_changes(
        &self,
        contact_id: i64,
    ) -> Result<Vec<ContactChangeRecord>, StoreError> {
        self.read(move |connection| {
            let rows = contact_changes::table
                .filter(contact_changes::contact_id.eq(contact_id))
                .order((contact_changes::at, contact_changes::id))
                .select((
                    contact_changes::change,
                    contact_changes::old_value,
                    contact_changes::new_value,
                    contact_changes::at,
                ))
                .load::<(String, Option<String>, Option<String>, NaiveDateTime)>(connection)?;
            Ok(rows
                .into_iter()
                .map(|(change, old_value, new_value, at)| ContactChangeRecord {
                    change,
                    old_value,
                    new_value,
                    at: utc(at),
                })
                .collect())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_in_the_search_match_themselves() {
        assert_eq!(contains_pattern("Ana"), "%ana%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
