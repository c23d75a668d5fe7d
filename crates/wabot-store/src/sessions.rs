//! `sessions`: a conversation's saved engine state, loaded and saved inside a turn with an
//! optimistic version check.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::StoreError;
use wabot_engine::ConversationState;

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::schema::sessions;
use crate::sql::{TxError, corrupt_json, naive, per_backend};

/// The saved state and its stored version, or a new state for the customer `key` (a first message).
pub(crate) fn load(
    connection: &mut AnyConnection,
    contact_id: i64,
    key: &str,
) -> Result<(ConversationState, Option<i64>), TxError> {
    Ok(or_new(saved(connection, contact_id)?, key))
}

/// A saved state and its version as [`load`] gives them: a new state for `key` when there is none.
pub(crate) fn or_new(
    saved: Option<(ConversationState, i64)>,
    key: &str,
) -> (ConversationState, Option<i64>) {
    match saved {
        Some((state, version)) => (state, Some(version)),
        None => (ConversationState::new(key.to_owned()), None),
    }
}

/// The saved state of the contact's conversation and its version, if it has one.
pub(crate) fn saved(
    connection: &mut AnyConnection,
    contact_id: i64,
) -> Result<Option<(ConversationState, i64)>, TxError> {
    let row = per_backend!(connection, |c| fixed!(
        sessions::table
            .find(contact_id)
            .select((sessions::state, sessions::version))
            .limit(1)
    )
    .get_result::<(String, i64)>(c)
    .optional()?);
    row.map(|(state, version)| parse(contact_id, &state, version))
        .transpose()
}

/// A stored state (its JSON and version) read back.
pub(crate) fn parse(
    contact_id: i64,
    state: &str,
    version: i64,
) -> Result<(ConversationState, i64), TxError> {
    serde_json::from_str(state)
        .map(|state| (state, version))
        .map_err(|e| corrupt_json(format!("session of contact {contact_id}"), e))
}

/// A state as stored: its JSON and its version.
pub(crate) fn stored_form(
    contact_id: i64,
    state: &ConversationState,
) -> Result<(String, i64), TxError> {
    let json = serde_json::to_string(state)
        .map_err(|e| corrupt_json(format!("session of contact {contact_id}"), e))?;
    Ok((json, i64::try_from(state.version).unwrap_or(i64::MAX)))
}

/// Saves `state`, refused ([`StoreError::StaleSession`]) when the stored version is no longer
/// `loaded_version` (someone saved it since); returns the version stored.
pub(crate) fn save(
    connection: &mut AnyConnection,
    contact_id: i64,
    state: &ConversationState,
    loaded_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, TxError> {
    let (json, version) = stored_form(contact_id, state)?;
    let saved = match loaded_version {
        Some(expected) => per_backend!(connection, |c| fixed!(cached::update(
            sessions::table
                .find(contact_id)
                .filter(sessions::version.eq(expected)),
            (
                sessions::state.eq(&json),
                sessions::version.eq(version),
                sessions::updated_at.eq(naive(now)),
                sessions::node.eq(&state.node),
            ),
        ))
        .execute(c)?),
        None => per_backend!(connection, |c| fixed!(
            diesel::insert_into(sessions::table)
                .values((
                    sessions::contact_id.eq(contact_id),
                    sessions::state.eq(&json),
                    sessions::version.eq(version),
                    sessions::updated_at.eq(naive(now)),
                    sessions::node.eq(&state.node),
                ))
                .on_conflict(sessions::contact_id)
                .do_nothing()
        )
        .execute(c)?),
    };
    if saved == 1 {
        Ok(version)
    } else {
        Err(StoreError::StaleSession {
            expected: loaded_version.unwrap_or(0),
        }
        .into())
    }
}
