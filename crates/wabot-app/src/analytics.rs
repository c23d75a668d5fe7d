//! The console's overview of a period: traffic per day, reply times, delivery, failures and the
//! menu funnel. Served by [`crate::Statistics::overview`], the same port as `/api/stats`, so each
//! figure has one definition.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::{Count, ResponseTimes};

/// A span of time, `[since, until)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The first instant counted.
    pub since: DateTime<Utc>,
    /// The first instant not counted.
    pub until: DateTime<Utc>,
}

/// Messages of one UTC day, each way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DayTraffic {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Messages from customers.
    pub inbound: i64,
    /// Messages to customers (replies, manual messages, templates).
    pub outbound: i64,
}

/// What became of the messages we made in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryCounts {
    /// Every outbound message made in the period.
    pub outbound: i64,
    /// Accepted by Meta (sent, delivered or read): the base of the rates below.
    pub accepted: i64,
    /// Reached the phone (delivered or read).
    pub delivered: i64,
    /// Read by the customer (only counted when the customer shares read receipts).
    pub read: i64,
    /// Given up on (Meta refused it, or a status said it failed).
    pub failed: i64,
    /// Not yet sent (queued or waiting for a retry).
    pub waiting: i64,
}

impl DeliveryCounts {
    /// `delivered / accepted` in percent, `None` when nothing was accepted.
    pub fn delivered_percent(&self) -> Option<f64> {
        percent(self.delivered, self.accepted)
    }

    /// `read / accepted` in percent, `None` when nothing was accepted.
    pub fn read_percent(&self) -> Option<f64> {
        percent(self.read, self.accepted)
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    // Counts of messages are far below 2^52, so the conversion to f64 is exact.
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// One node of the menu funnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunnelNode {
    /// The node's id in the menu file.
    pub node: String,
    /// Customers (distinct contacts) who entered it in the period.
    pub reached: i64,
    /// Conversations whose last step in the period was here and that then went quiet (the
    /// drop-off).
    pub left: i64,
}

/// Everything the overview page shows, for one period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overview {
    /// The period counted.
    pub period: Period,
    /// Every day of the period, oldest first, days without traffic included.
    pub days: Vec<DayTraffic>,
    /// Customers who wrote at least once in the period.
    pub active_conversations: i64,
    /// From a customer's message reaching us to our first reply to it accepted by Meta, for
    /// the messages of the period that were answered.
    pub reply_times: ResponseTimes,
    /// What became of our messages.
    pub delivery: DeliveryCounts,
    /// Our failed messages by Meta's error code (`none` when there was no code), most first.
    pub failures_by_code: Vec<Count>,
    /// The menu funnel, by node id (nodes nobody reached are absent).
    pub funnel: Vec<FunnelNode>,
}
