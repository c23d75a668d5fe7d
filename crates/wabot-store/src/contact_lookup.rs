//! Finding contacts by their ids: by row id, by number (as WhatsApp writes it, or as a person
//! types it), by user id, and both ids of an item at once — the reads `identity`'s rules start
//! from.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use wabot_app::{ContactIds, phone_variants};

use crate::cached::fixed;
use crate::connection::AnyConnection;
use crate::schema::contacts;
use crate::sql::{TxError, per_backend};

/// A contact as identity needs it.
#[derive(Clone, Debug)]
pub(crate) struct Known {
    pub(crate) id: i64,
    /// Its current number.
    pub(crate) wa_id: Option<String>,
    /// Its business-scoped user id, when known.
    pub(crate) user_id: Option<String>,
    /// The latest message from it (the 24-hour window): an older one, arriving late, moves no
    /// number.
    pub(crate) last_inbound_at: Option<NaiveDateTime>,
}

/// The columns of a [`Known`].
const KNOWN: (
    contacts::id,
    contacts::wa_id,
    contacts::user_id,
    contacts::last_inbound_at,
) = (
    contacts::id,
    contacts::wa_id,
    contacts::user_id,
    contacts::last_inbound_at,
);

type KnownRow = (i64, Option<String>, Option<String>, Option<NaiveDateTime>);

fn known((id, wa_id, user_id, last_inbound_at): KnownRow) -> Known {
    Known {
        id,
        wa_id,
        user_id,
        last_inbound_at,
    }
}

pub(crate) fn by_id(connection: &mut AnyConnection, id: i64) -> Result<Known, TxError> {
    Ok(known(
        contacts::table
            .find(id)
            .select(KNOWN)
            .first::<KnownRow>(connection)?,
    ))
}

pub(crate) fn by_wa_id(
    connection: &mut AnyConnection,
    wa_id: &str,
) -> Result<Option<Known>, TxError> {
    Ok(per_backend!(connection, |c| fixed!(
        contacts::table
            .filter(contacts::wa_id.eq(wa_id))
            .select(KNOWN)
            .limit(1)
    )
    .get_result::<KnownRow>(c)
    .optional()?)
    .map(known))
}

/// The contact a number typed by a person belongs to: the number as given, else the other way its
/// country writes it (`phone_variants`), so the contact WhatsApp knows is found either way.
pub(crate) fn by_number(
    connection: &mut AnyConnection,
    number: &str,
) -> Result<Option<Known>, TxError> {
    for form in phone_variants(number) {
        if let Some(found) = by_wa_id(connection, &form)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

pub(crate) fn by_user_id(
    connection: &mut AnyConnection,
    user_id: &str,
) -> Result<Option<Known>, TxError> {
    Ok(per_backend!(connection, |c| fixed!(
        contacts::table
            .filter(contacts::user_id.eq(user_id))
            .select(KNOWN)
            .limit(1)
    )
    .get_result::<KnownRow>(c)
    .optional()?)
    .map(known))
}

/// The contacts that hold the ids: the one with the user id, and the one with the number.
pub(crate) type Found = (Option<Known>, Option<Known>);

/// The contacts that hold the ids, as `identity::resolve_unseen` takes them.
pub(crate) fn look_up(connection: &mut AnyConnection, ids: &ContactIds) -> Result<Found, TxError> {
    let by_user = match &ids.user_id {
        Some(user_id) => by_user_id(connection, user_id)?,
        None => None,
    };
    let by_phone = match &ids.wa_id {
        Some(wa_id) => by_wa_id(connection, wa_id)?,
        None => None,
    };
    Ok((by_user, by_phone))
}
