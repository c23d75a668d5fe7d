//! [`Outreach`] for [`DieselStore`]: a message sent by hand is checked against the customer's
//! 24-hour window and queued in the same transaction, so a customer's message arriving meanwhile
//! cannot make the check stale.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{ContactIds, ManualMessage, Outreach, Queued, StoreError, window_open};

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
    let known = contacts::table
        .filter(contacts::wa_id.eq(&message.to))
        .select((contacts::id, contacts::last_inbound_at))
        .first::<(i64, Option<NaiveDateTime>)>(connection)
        .optional()?;
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
    let message_id = outbox::queue(connection, contact_id, &message.draft, naive(now), None)?;
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
