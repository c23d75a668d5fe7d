//! Which person an id belongs to. A contact is a person: known by its business-scoped user id
//! (BSUID) when Meta sends one, and by the phone number it writes from, which may change over time.
//! The rules (a table of them is in `docs/identity.md`):
//!
//! - A message with a user id belongs to the contact with that user id. If it came from another
//!   number than the contact's, the contact moves to it (recorded as `number_changed`), and a
//!   contact that held that number gives it up (`number_released`).
//! - A message with a user id and a number held by a contact with *another* user id comes from a
//!   new owner of that number: a new contact, who sees nothing of the previous one, and the
//!   previous one gives the number up.
//! - A number held by a contact with no user id, written from with a user id for the first time:
//!   that contact gains the user id (`user_id_changed`) and keeps its history.
//! - Without a user id (older payloads), the phone number decides.
//! - Statuses only find (or create) their contact; they move no number.
//! - WhatsApp's `user_changed_number` / `user_changed_user_id` move the contact to its new ids, and
//!   replies still queued for the old number go to the new one (`identity_notices`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{ContactIds, StoreError};

use crate::cached::{self, fixed};
use crate::connection::AnyConnection;
use crate::contact_lookup::{Found, Known, by_user_id, by_wa_id, look_up};
use crate::schema::{contact_changes, contacts, messages, outbox};
use crate::sql::{TxError, naive, per_backend};
use crate::states::{ContactChange, OutboxState};

/// Records a change of a contact's identity.
fn record(
    connection: &mut AnyConnection,
    contact_id: i64,
    change: ContactChange,
    old: Option<&str>,
    new: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    diesel::insert_into(contact_changes::table)
        .values((
            contact_changes::contact_id.eq(contact_id),
            contact_changes::change.eq(change.as_str()),
            contact_changes::old_value.eq(old),
            contact_changes::new_value.eq(new),
            contact_changes::at.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}

/// `holder` gives its number up (another person writes from it now). Its replies still queued
/// for that number go to its user id instead (it always has one here: a number that is all its
/// holder is known by is never given up), so none reaches the number's new owner.
fn release_number(
    connection: &mut AnyConnection,
    holder: &Known,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    diesel::update(contacts::table.find(holder.id))
        .set(contacts::wa_id.eq(None::<String>))
        .execute(connection)?;
    if let (Some(number), Some(user_id)) = (&holder.wa_id, &holder.user_id) {
        readdress_queued(connection, holder.id, number, user_id, at)?;
    }
    record(
        connection,
        holder.id,
        ContactChange::NumberReleased,
        holder.wa_id.as_deref(),
        None,
        at,
    )
}

/// Moves `contact` to the number `wa_id` (taking it from whoever held it). With `readdress` (a
/// number change WhatsApp announced), the messages still queued for its old number go to the new
/// one; without (the person wrote from another number), each queued reply keeps the number its
/// question came from.
pub(crate) fn move_number(
    connection: &mut AnyConnection,
    contact: &Known,
    wa_id: &str,
    at: NaiveDateTime,
    readdress: bool,
) -> Result<(), TxError> {
    if contact.wa_id.as_deref() == Some(wa_id) {
        return Ok(());
    }
    if let Some(holder) = by_wa_id(connection, wa_id)?
        && holder.id != contact.id
    {
        if holder.user_id.is_none() {
            // The number is all the holder is known by (a contact from before user ids): it
            // cannot give it up, so the number stays where it is. Replies still go to the number
            // each message came from; the two contacts are not merged.
            return Ok(());
        }
        release_number(connection, &holder, at)?;
    }
    diesel::update(contacts::table.find(contact.id))
        .set(contacts::wa_id.eq(wa_id))
        .execute(connection)?;
    record(
        connection,
        contact.id,
        ContactChange::NumberChanged,
        contact.wa_id.as_deref(),
        Some(wa_id),
        at,
    )?;
    if let Some(old) = contact.wa_id.as_deref().filter(|_| readdress) {
        readdress_queued(connection, contact.id, old, wa_id, at)?;
    }
    Ok(())
}

/// Gives `contact` the user id `user_id` (when no other contact has it).
pub(crate) fn set_user_id(
    connection: &mut AnyConnection,
    contact: &Known,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    if contact.user_id.as_deref() == Some(user_id) || by_user_id(connection, user_id)?.is_some() {
        return Ok(());
    }
    diesel::update(contacts::table.find(contact.id))
        .set(contacts::user_id.eq(user_id))
        .execute(connection)?;
    record(
        connection,
        contact.id,
        ContactChange::UserIdChanged,
        contact.user_id.as_deref(),
        Some(user_id),
        at,
    )
}

/// Rewrites the recipient of the contact's messages still waiting in the outbox (not the one in
/// flight: it has left) from `old` to `new`, so nothing more goes to the old number.
fn readdress_queued(
    connection: &mut AnyConnection,
    contact_id: i64,
    old: &str,
    new: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    // Not the one in flight (its lease lives: it has left); one whose lease ran out will be sent
    // again, so it follows too.
    let waiting = outbox::table
        .filter(outbox::contact_id.eq(contact_id))
        .filter(outbox::state.eq(OutboxState::Pending.as_str()))
        .filter(
            outbox::lease_expires_at
                .is_null()
                .or(outbox::lease_expires_at.lt(at)),
        )
        .inner_join(messages::table)
        .select((outbox::message_id, messages::body))
        .load::<(i64, String)>(connection)?;
    for (message_id, body) in waiting {
        let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        if json["to"] != old {
            continue;
        }
        json["to"] = serde_json::Value::String(new.to_owned());
        let body = json.to_string();
        diesel::update(messages::table.find(message_id))
            .set(messages::body.eq(&body))
            .execute(connection)?;
        if let AnyConnection::Pg(pg) = connection {
            crate::pg_writes::readdress(pg, message_id, &body)?;
        }
    }
    Ok(())
}

/// Creates a contact (or, when another transaction just created one with the same ids, finds it).
fn create(
    connection: &mut AnyConnection,
    ids: &ContactIds,
    profile_name: Option<&str>,
    at: NaiveDateTime,
    inbound: bool,
) -> Result<Option<i64>, TxError> {
    let last_inbound_at = inbound.then_some(at);
    if let AnyConnection::Pg(pg) = connection {
        // The insert and the look for rows to adopt in one round trip (`pg_contacts`).
        let created = crate::pg_contacts::create(pg, ids, profile_name, at, last_inbound_at)?;
        if let Some((id, true)) = created {
            crate::contact_adoption::adopt(connection, id, ids)?;
        }
        return Ok(created.map(|(id, _)| id));
    }
    let new = (
        contacts::wa_id.eq(&ids.wa_id),
        contacts::user_id.eq(&ids.user_id),
        contacts::profile_name.eq(profile_name),
        contacts::first_seen_at.eq(at),
        contacts::last_seen_at.eq(at),
        contacts::last_inbound_at.eq(last_inbound_at),
    );
    let created = per_backend!(connection, |c| fixed!(
        diesel::insert_into(contacts::table)
            .values(new)
            .on_conflict_do_nothing()
            .returning(contacts::id)
    )
    .get_result::<i64>(c)
    .optional()?);
    if let Some(id) = created {
        crate::contact_adoption::adopt_business_data(connection, id, ids)?;
    }
    Ok(created)
}

/// The contact the ids belong to by the rules above, created if it is new, and recorded as seen.
/// `inbound`: a customer's message (which may move numbers), not a status.
pub(crate) fn resolve_contact(
    connection: &mut AnyConnection,
    ids: &ContactIds,
    profile_name: Option<&str>,
    at: DateTime<Utc>,
    inbound: bool,
) -> Result<i64, TxError> {
    let found = look_up(connection, ids)?;
    let (id, unseen) = resolve_unseen(connection, ids, found, profile_name, at, inbound)?;
    if unseen {
        seen(connection, id, profile_name, naive(at), inbound)?;
    }
    Ok(id)
}

/// [`resolve_contact`] once the contacts holding the ids were looked up (`found`, read in this
/// transaction: by `contact_lookup::look_up`, or by PostgreSQL's ingest with its duplicate check),
/// without its last write: the contact, and whether its sighting (its time, name and 24-hour
/// window, as `seen` records them) is still to be recorded — not for a contact just created with
/// them. Ingest records it itself; on PostgreSQL in the statement that stores the message
/// (`pg_writes`).
pub(crate) fn resolve_unseen(
    connection: &mut AnyConnection,
    ids: &ContactIds,
    found: Found,
    profile_name: Option<&str>,
    at: DateTime<Utc>,
    inbound: bool,
) -> Result<(i64, bool), TxError> {
    if ids.key().is_none() {
        return Err(StoreError::invalid("an item without any contact id").into());
    }
    let at = naive(at);
    let found = match found {
        (Some(person), _) => {
            let latest = person.last_inbound_at.is_none_or(|last| at >= last);
            if inbound
                && latest
                && let Some(wa_id) = &ids.wa_id
            {
                move_number(connection, &person, wa_id, at, false)?;
            }
            Some(person.id)
        }
        (None, Some(holder)) => match (&holder.user_id, &ids.user_id) {
            // A contact known by its number writes with a user id for the first time.
            (None, Some(user_id)) => {
                set_user_id(connection, &holder, user_id, at)?;
                Some(holder.id)
            }
            // Another person writes from this number now.
            (Some(_), Some(_)) if inbound => {
                release_number(connection, &holder, at)?;
                None
            }
            _ => Some(holder.id),
        },
        (None, None) => None,
    };
    let id = match found {
        Some(id) => id,
        None => match create(connection, ids, profile_name, at, inbound)? {
            // Created just now with this sighting's name and times: nothing more to record.
            Some(id) => return Ok((id, false)),
            // Created by another transaction meanwhile (PostgreSQL): found now, on this one retry.
            None => match find_existing(connection, ids)? {
                Some(id) => id,
                None => {
                    return Err(StoreError::unreachable(
                        "a contact was created and could not be found again",
                    )
                    .into());
                }
            },
        },
    };
    Ok((id, true))
}

/// The contact with the user id, else the number, if any.
fn find_existing(connection: &mut AnyConnection, ids: &ContactIds) -> Result<Option<i64>, TxError> {
    if let Some(user_id) = &ids.user_id
        && let Some(found) = by_user_id(connection, user_id)?
    {
        return Ok(Some(found.id));
    }
    match &ids.wa_id {
        Some(wa_id) => Ok(by_wa_id(connection, wa_id)?.map(|found| found.id)),
        None => Ok(None),
    }
}

/// Records that the contact was seen (and, for a message, that its 24-hour window opened, unless
/// a later message opened it already): one `UPDATE`.
pub(crate) fn seen(
    connection: &mut AnyConnection,
    id: i64,
    profile_name: Option<&str>,
    at: NaiveDateTime,
    inbound: bool,
) -> Result<(), TxError> {
    use diesel::dsl::case_when;
    use diesel::sql_types::Timestamp;
    let row = contacts::table.find(id);
    let window = case_when(
        contacts::last_inbound_at
            .is_null()
            .or(contacts::last_inbound_at.lt(at)),
        at.into_sql::<Timestamp>().nullable(),
    )
    .otherwise(contacts::last_inbound_at);
    let seen = contacts::last_seen_at.eq(at);
    let opened = contacts::last_inbound_at.eq(window);
    // One statement a combination: each kept prepared with its fixed text.
    match (profile_name, inbound) {
        (Some(name), true) => per_backend!(connection, |c| fixed!(cached::update(
            row,
            (seen, contacts::profile_name.eq(name), opened),
        ))
        .execute(c)?),
        (Some(name), false) => per_backend!(connection, |c| fixed!(cached::update(
            row,
            (seen, contacts::profile_name.eq(name)),
        ))
        .execute(c)?),
        (None, true) => per_backend!(connection, |c| fixed!(cached::update(row, (seen, opened)))
            .execute(c)?),
        (None, false) => per_backend!(connection, |c| fixed!(cached::update(row, seen))
            .execute(c)?),
    };
    Ok(())
}
