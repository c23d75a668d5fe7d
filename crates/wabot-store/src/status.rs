//! Delivery statuses move forward only: sent < delivered < read, and failed is terminal. A status
//! applied to a message made on a past day deletes that day's `daily_figures` row (its delivery
//! counts, failures or reply times change). A failure with 131050 (the customer stopped marketing
//! messages) opts the customer out of marketing.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use wabot_app::{DeliveryStatus, Direction, StatusApplied, StatusUpdate};

use crate::connection::AnyConnection;
use crate::daily_figures;
use crate::schema::messages;
use crate::sql::{TxError, naive, per_backend};

/// Applies a status to our message with that Meta id, if it moves it forward.
pub(crate) fn apply(
    connection: &mut AnyConnection,
    update: &StatusUpdate,
    at: DateTime<Utc>,
) -> Result<StatusApplied, TxError> {
    let rank = update.status.rank();
    let at = naive(at);
    let target = messages::table
        .filter(messages::wa_message_id.eq(&update.message_id))
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .filter(messages::status_rank.lt(rank))
        .filter(messages::status_rank.lt(DeliveryStatus::Failed.rank()));
    let status = (
        messages::status.eq(update.status.as_str()),
        messages::status_rank.eq(rank),
    );
    // The day each changed message was made: its figures change.
    let made: Vec<NaiveDateTime> = match update.status {
        // No status webhook reports these.
        DeliveryStatus::Pending | DeliveryStatus::Sandboxed => Vec::new(),
        DeliveryStatus::Sent => per_backend!(connection, |c| diesel::update(target)
            .set((status, messages::sent_at.eq(at)))
            .returning(messages::created_at)
            .get_results(c)?),
        DeliveryStatus::Delivered => per_backend!(connection, |c| diesel::update(target)
            .set((status, messages::delivered_at.eq(at)))
            .returning(messages::created_at)
            .get_results(c)?),
        DeliveryStatus::Read => per_backend!(connection, |c| diesel::update(target)
            .set((status, messages::read_at.eq(at)))
            .returning(messages::created_at)
            .get_results(c)?),
        DeliveryStatus::Failed => per_backend!(connection, |c| diesel::update(target)
            .set((
                status,
                messages::failed_at.eq(at),
                messages::error_code.eq(update.error_code),
                messages::error_title.eq(&update.error_title),
            ))
            .returning(messages::created_at)
            .get_results(c)?),
    };
    for created_at in &made {
        daily_figures::changed(connection, *created_at)?;
    }
    if !made.is_empty() {
        if update.error_code == Some(crate::marketing::STOPPED_MARKETING) {
            crate::marketing::opted_out_by_meta(connection, &update.message_id, at)?;
        }
        return Ok(StatusApplied::Applied);
    }
    let known = messages::table
        .filter(messages::wa_message_id.eq(&update.message_id))
        .filter(messages::direction.eq(Direction::Out.as_str()))
        .count()
        .get_result::<i64>(connection)?;
    Ok(if known > 0 {
        StatusApplied::Stale
    } else {
        StatusApplied::UnknownMessage
    })
}
