//! [`Outreach`] for [`DieselStore`]: a message sent by hand is checked against the customer's
//! 24-hour window and queued in the same transaction, so a customer's message arriving meanwhile
//! cannot make the check stale.

use chrono::{DateTime, Utc};
use wabot_app::{ContactIds, ManualMessage, Outreach, Queued, StoreError, window_open};

use crate::connection::AnyConnection;
use crate::contact_lookup::by_number;
use crate::identity::resolve_contact;
use crate::outbox;
use crate::sql::{TxError, naive, utc};
use crate::store::DieselStore;

fn queue(
    connection: &mut AnyConnection,
    message: &ManualMessage,
    now: DateTime<Utc>,
) -> Result<Queued, TxError> {
    // A number typed by a person may be the other way its country writes it: the contact
    // WhatsApp knows is found either way, and the message goes to the number WhatsApp knows.
    let known = by_number(connection, &message.to)?;
    let mut draft = message.draft.clone();
    if let Some(Some(known_as)) = known.as_ref().map(|found| &found.wa_id)
        && *known_as != message.to
        && let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&draft.body)
    {
        body["to"] = serde_json::Value::String(known_as.clone());
        draft.body = body.to_string();
    }
    let known = known.map(|found| (found.id, found.last_inbound_at));
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
