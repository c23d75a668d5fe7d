//! [`Outreach`] for [`DieselStore`]: a message sent by hand is checked against the customer's
//! 24-hour window and queued in the same transaction, so a customer's message arriving meanwhile
//! cannot make the check stale.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{
    ContactIds, ManualMessage, Outreach, Queued, StoreError, phone_variants, window_open,
};

use crate::connection::AnyConnection;
use crate::identity::resolve_contact;
use crate::outbox;
use crate::schema::contacts;
use crate::sql::{TxError, naive, utc};
use crate::store::DieselStore;

fn queue(
    connection: &mut AnyConnection,
    message: &ManualMessage,
    now: DateTime<Utc>,
) -> Result<Queued, TxError> {
    // A number typed by a person may be the other way its country writes it: the contact
    // WhatsApp knows is found either way, and the message goes to the number WhatsApp knows.
    let mut known = None;
    for form in phone_variants(&message.to) {
        // The form typed first: when both forms are contacts, the one typed is meant.
        known = contacts::table
            .filter(contacts::wa_id.eq(form))
            .select((contacts::id, contacts::last_inbound_at, contacts::wa_id))
            .first::<(i64, Option<NaiveDateTime>, Option<String>)>(connection)
            .optional()?;
        if known.is_some() {
            break;
        }
    }
    let mut draft = message.draft.clone();
    if let Some((_, _, Some(known_as))) = &known
        && *known_as != message.to
        && let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&draft.body)
    {
        body["to"] = serde_json::Value::String(known_as.clone());
        draft.body = body.to_string();
    }
    let known = known.map(|(id, at, _)| (id, at));
    let last_inbound_at = known.and_then(|(_, at)| at).map(utc);
    if message.window_required && !window_open(last_inbound_at, now) {
        return Ok(Queued::OutsideWindow { last_inbound_at });
    }
    let contact_id = match known {
        Some((id, _)) => id,
        None => {
            let ids = ContactIds {
                wa_id: Some(message.to.clone()),
                user_id: None,
            };
            resolve_contact(connection, &ids, None, now, false)?
        }
    };
    let message_id = outbox::queue(connection, contact_id, &draft, naive(now), None)?;
    Ok(Queued::Accepted {
        message_id,
        contact_id,
    })
}

impl Outreach for DieselStore {
    async fn queue_message(
        &self,
        message: ManualMessage,
        now: DateTime<Utc>,
    ) -> Result<Queued, StoreError> {
        self.write(move |c| queue(c, &message, now)).await
    }
}
