//! The names a stored message carries: which way it went, where it is (an outbound message's
//! delivery status, ordered so it only moves forward), and the WhatsApp type of one we send. Each
//! maps to the text its column holds.

use serde::{Deserialize, Serialize};

/// Where an outbound message is. Ordered: a status only ever moves to a higher rank, and `Failed`
/// is terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// In our outbox, not yet accepted by Meta.
    Pending,
    /// Accepted by WhatsApp.
    Sent,
    /// Recorded by the sandbox (no access token), never sent: done, like `Sent`, but no status
    /// webhook will ever follow.
    Sandboxed,
    /// On the customer's phone.
    Delivered,
    /// Read (or a voice message played).
    Read,
    /// Will not be delivered.
    Failed,
}

impl DeliveryStatus {
    /// The rank a status must exceed to replace another; `Failed` outranks everything.
    pub fn rank(self) -> i32 {
        match self {
            Self::Pending => 0,
            Self::Sent | Self::Sandboxed => 1,
            Self::Delivered => 2,
            Self::Read => 3,
            Self::Failed => 4,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Sandboxed => "sandboxed",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// Every status, in rank order.
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Sent,
        Self::Sandboxed,
        Self::Delivered,
        Self::Read,
        Self::Failed,
    ];

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// Which way a message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the customer.
    In,
    /// To the customer.
    Out,
}

impl Direction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::In, Self::Out]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

/// Where a stored message is: an inbound message is `Received`; an outbound one has its
/// [`DeliveryStatus`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// A customer's message, stored.
    Received,
    /// One of ours, on its way.
    Delivery(DeliveryStatus),
}

impl MessageStatus {
    /// The stored name (a delivery status's own name, or `received`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Delivery(status) => status.as_str(),
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "received" => Some(Self::Received),
            other => DeliveryStatus::parse(other).map(Self::Delivery),
        }
    }
}

impl Serialize for MessageStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The WhatsApp type of a message we send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutboundKind {
    /// Free-form text.
    Text,
    /// Buttons or a list.
    Interactive,
    /// An approved template.
    Template,
    /// Any other type the Cloud API accepts (media, location, …).
    Other,
}

impl OutboundKind {
    /// The stored name (WhatsApp's type name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Interactive => "interactive",
            Self::Template => "template",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_rank_forward_and_read_back() {
        let all = [
            DeliveryStatus::Pending,
            DeliveryStatus::Sent,
            DeliveryStatus::Delivered,
            DeliveryStatus::Read,
            DeliveryStatus::Failed,
        ];
        for pair in all.windows(2) {
            assert!(pair[0].rank() < pair[1].rank());
        }
        for status in all {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(DeliveryStatus::parse("played"), None);
        assert_eq!(
            DeliveryStatus::parse("sandboxed"),
            Some(DeliveryStatus::Sandboxed)
        );
        assert_eq!(
            DeliveryStatus::Sandboxed.rank(),
            DeliveryStatus::Sent.rank()
        );
    }

    #[test]
    fn message_states_read_back() {
        for direction in [Direction::In, Direction::Out] {
            assert_eq!(Direction::parse(direction.as_str()), Some(direction));
        }
        let mut states = vec![MessageStatus::Received];
        states.extend(DeliveryStatus::ALL.map(MessageStatus::Delivery));
        for status in states {
            assert_eq!(MessageStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MessageStatus::parse("seen"), None);
    }
}

/// `outbox.priority`: which waiting message a sender takes first — the lowest number, then the
/// oldest. Replies to a customer who is talking never wait behind a notification, and neither
/// waits behind a campaign message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutboxPriority {
    /// A reply to a customer's message.
    Reply,
    /// A notification: a ticket update, an agent's or an operator's message.
    Notification,
    /// A campaign message.
    Campaign,
}

impl OutboxPriority {
    /// The stored number (lower goes first).
    pub fn rank(self) -> i32 {
        match self {
            Self::Reply => 0,
            Self::Notification => 1,
            Self::Campaign => 2,
        }
    }
}
