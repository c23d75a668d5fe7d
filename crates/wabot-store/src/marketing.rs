//! Marketing opt-outs on contacts (`marketing_opt_out_at`, `marketing_opt_out_reason`): set by a
//! confirmed stop word (the turn applies the tap), Meta's `user_preferences` webhook, or a send
//! failing with 131050; cleared by a confirmed start word or `user_preferences` `resume`. Also the
//! account updates of a webhook (template changes, preferences), applied in ingest's write.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{AccountUpdate, ContactIds};

use crate::connection::AnyConnection;
use crate::schema::{contacts, messages};
use crate::sql::{TxError, naive, utc};

pub(crate) fn set_opt_out(
    connection: &mut AnyConnection,
    wa_id: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let ids = ContactIds {
        wa_id: Some(wa_id.to_owned()),
        user_id: None,
    };
    let contact_id = crate::identity::resolve_contact(connection, &ids, None, now, false)?;
    marketing_preference(connection, contact_id, reason, now)
}

/// Opts a contact out of marketing (with the reason) or back in (`None`). An opt-out keeps the
/// time of the first one.
pub(crate) fn marketing_preference(
    connection: &mut AnyConnection,
    contact_id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), TxError> {
    let row = contacts::table.find(contact_id);
    match reason {
        Some(reason) => diesel::update(row.filter(contacts::marketing_opt_out_at.is_null()))
            .set((
                contacts::marketing_opt_out_at.eq(naive(now)),
                contacts::marketing_opt_out_reason.eq(reason),
            ))
            .execute(connection)?,
        None => diesel::update(row)
            .set((
                contacts::marketing_opt_out_at.eq(None::<NaiveDateTime>),
                contacts::marketing_opt_out_reason.eq(None::<String>),
            ))
            .execute(connection)?,
    };
    Ok(())
}

/// The opt-out reason recorded for a customer who confirmed a stop word.
pub(crate) const STOP_WORD_REASON: &str = "stop_word";
/// The opt-out reason recorded for Meta's `user_preferences` webhook.
const USER_PREFERENCES_REASON: &str = "user_preferences";

/// Applies what a webhook said about the account (idempotent: a re-delivery changes nothing).
pub(crate) fn apply_account_update(
    connection: &mut AnyConnection,
    update: &AccountUpdate,
    at: DateTime<Utc>,
) -> Result<(), TxError> {
    match update {
        AccountUpdate::Template(update) => crate::templates::apply_update(connection, update, at),
        AccountUpdate::MarketingPreference { wa_id, opted_out } => {
            let reason = opted_out.then_some(USER_PREFERENCES_REASON);
            set_opt_out(connection, wa_id, reason, at)
        }
    }
}

/// Meta's code for "the customer stopped marketing messages".
pub(crate) const STOPPED_MARKETING: i64 = 131_050;
/// The opt-out reason recorded for it.
pub(crate) const STOPPED_MARKETING_REASON: &str = "meta_131050";

/// A message failed with 131050: its customer is opted out of marketing.
pub(crate) fn opted_out_by_meta(
    connection: &mut AnyConnection,
    wa_message_id: &str,
    at: NaiveDateTime,
) -> Result<(), TxError> {
    let contact: Option<i64> = messages::table
        .filter(messages::wa_message_id.eq(wa_message_id))
        .select(messages::contact_id)
        .first(connection)
        .optional()?;
    match contact {
        Some(contact_id) => marketing_preference(
            connection,
            contact_id,
            Some(STOPPED_MARKETING_REASON),
            utc(at),
        ),
        None => Ok(()),
    }
}
