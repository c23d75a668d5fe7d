//! Delivery statuses move forward only: sent < delivered < read, and failed is terminal.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use wabot_app::{DeliveryStatus, Direction, StatusApplied, StatusUpdate};

use crate::connection::AnyConnection;
use crate::schema::messages;
use crate::sql::{TxError, naive};

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
    let changed = match update.status {
        // No status webhook reports these.
        DeliveryStatus::Pending | DeliveryStatus::Sandboxed => 0,
        DeliveryStatus::Sent => diesel::update(target)
            .set((status, messages::sent_at.eq(at)))
            .execute(connection)?,
        DeliveryStatus::Delivered => diesel::update(target)
            .set((status, messages::delivered_at.eq(at)))
            .execute(connection)?,
        DeliveryStatus::Read => diesel::update(target)
            .set((status, messages::read_at.eq(at)))
            .execute(connection)?,
        DeliveryStatus::Failed => diesel::update(target)
            .set((
                status,
                messages::failed_at.eq(at),
                messages::error_code.eq(update.error_code),
                messages::error_title.eq(&update.error_title),
            ))
            .execute(connection)?,
    };
    if changed > 0 {
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
