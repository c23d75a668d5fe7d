//! Messages sent by hand (from the admin API): WhatsApp's 24-hour customer service window, and what
//! queueing such a message can answer.

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::OutboundDraft;

/// How long after a customer's last message free-form messages may be sent; after that only an
/// approved template may open the conversation again (Meta refuses others with 131047).
pub const CUSTOMER_WINDOW: TimeDelta = TimeDelta::hours(24);

/// When the window opened by a customer's last message closes.
pub fn window_closes_at(last_inbound_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    last_inbound_at.map(|at| at + CUSTOMER_WINDOW)
}

/// Whether free-form messages may be sent to a customer who last wrote at `last_inbound_at`.
pub fn window_open(last_inbound_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    window_closes_at(last_inbound_at).is_some_and(|closes| closes > now)
}

/// A message an operator asked to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManualMessage {
    /// The recipient's WhatsApp id (digits, no `+`).
    pub to: String,
    /// The request body.
    pub draft: OutboundDraft,
    /// Whether the customer's window must be open (free-form messages); templates need not.
    pub window_required: bool,
}

/// What queueing a manual message did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queued {
    /// In the outbox; it goes out with the same pacing and retries as replies.
    Accepted {
        /// The message's id (as the admin API shows it).
        message_id: i64,
        /// The recipient's contact id (created for a template to a new number).
        contact_id: i64,
    },
    /// Refused: free-form text outside the customer's window (a template is needed).
    OutsideWindow {
        /// When the customer last wrote, if ever.
        last_inbound_at: Option<DateTime<Utc>>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_lasts_exactly_24_hours_after_the_last_inbound_message() {
        let wrote = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        assert!(window_open(Some(wrote), wrote + TimeDelta::hours(23)));
        assert!(!window_open(Some(wrote), wrote + TimeDelta::hours(24)));
        assert!(!window_open(None, wrote));
        assert_eq!(
            window_closes_at(Some(wrote)),
            Some(wrote + TimeDelta::days(1))
        );
    }
}
