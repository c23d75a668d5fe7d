//! Identity changes announced from outside a customer's own message: WhatsApp's
//! `user_changed_number` / `user_changed_user_id` notice, and the WhatsApp id Meta names when it
//! accepts a message. Both move a contact with the rules of `identity`.

use chrono::{DateTime, Utc};
use wabot_app::{ContactIds, phone_variants};

use crate::connection::AnyConnection;
use crate::contact_lookup::{by_id, by_wa_id};
use crate::identity::{move_number, resolve_contact, set_user_id};
use crate::sql::{TxError, naive};

/// WhatsApp says the customer behind `old` moved to `new` (`system` `user_changed_number`,
/// `user_changed_user_id`): the contact follows, keeping its session, history and data.
pub(crate) fn change_identity(
    connection: &mut AnyConnection,
    old: &ContactIds,
    new: &ContactIds,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let contact_id = resolve_contact(connection, old, None, at, false)?;
    let at = naive(at);
    let contact = by_id(connection, contact_id)?;
    if let Some(new_wa_id) = &new.wa_id {
        move_number(connection, &contact, new_wa_id, at, true)?;
    }
    if let Some(new_user_id) = &new.user_id {
        set_user_id(connection, &contact, new_user_id, at)?;
    }
    Ok(())
}

/// Meta accepted a message sent to the contact as `body`'s `to` and named the recipient `wa_id`:
/// when that is another form of the number the contact is known by (a number typed the local way),
/// the contact is known by WhatsApp's form from then on, and what is queued goes there. Nothing
/// changes when another contact already has that form (two contacts of one person are not merged
/// here) or the message went to another number.
pub(crate) fn known_as(
    connection: &mut AnyConnection,
    contact_id: i64,
    body: &str,
    wa_id: &str,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    let sent_to = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json["to"].as_str().map(str::to_owned));
    let contact = by_id(connection, contact_id)?;
    let current = contact.wa_id.clone();
    // Only another form of the same number counts (Brazil's ninth digit, Mexico's and Argentina's
    // mobile digit): an answer naming anything else moves nobody.
    let typed_form = sent_to.is_some()
        && sent_to == current
        && current.as_deref().is_some_and(|number| {
            number != wa_id && phone_variants(number).iter().any(|form| form == wa_id)
        });
    if !typed_form || by_wa_id(connection, wa_id)?.is_some() {
        return Ok(());
    }
    move_number(connection, &contact, wa_id, naive(at), true)
}
