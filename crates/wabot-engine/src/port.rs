//! The engine's one port: [`BusinessData`], and the business records it returns.
//!
//! Every call names the asking customer, and an implementation answers only with that customer's own
//! records: a stranger asking for someone else's order gets `None`, exactly as for a number that does
//! not exist, so the answer never reveals that the order is there.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Declares a plain enum stored and shown as snake_case text, with `as_str` and `parse`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored form (snake_case), as used in databases and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// The words a customer reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses the stored form; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum! {
    /// Where an order is on its way to the customer.
    OrderStatus {
        /// Received, being prepared.
        Processing => "processing", "Processing";
        /// Handed to the carrier.
        Shipped => "shipped", "Shipped";
        /// On its way.
        InTransit => "in_transit", "In transit";
        /// With the driver today.
        OutForDelivery => "out_for_delivery", "Out for delivery";
        /// Arrived.
        Delivered => "delivered", "Delivered";
        /// Will not be delivered.
        Cancelled => "cancelled", "Cancelled";
    }
}

impl OrderStatus {
    /// Whether the order is still on its way (a delivery date still means something).
    pub fn is_open(self) -> bool {
        !matches!(self, OrderStatus::Delivered | OrderStatus::Cancelled)
    }
}

text_enum! {
    /// The state of a defect ticket.
    TicketStatus {
        /// Reported, not yet looked at.
        Open => "open", "Open";
        /// Someone is on it.
        InReview => "in_review", "In review";
        /// Waiting for a part or a visit.
        AwaitingParts => "awaiting_parts", "Awaiting parts";
        /// Fixed or replaced.
        Resolved => "resolved", "Resolved";
        /// Closed without further action.
        Closed => "closed", "Closed";
    }
}

text_enum! {
    /// What a schedule entry is for.
    ScheduleKind {
        /// A delivery to the customer.
        Delivery => "delivery", "Delivery";
        /// A pickup from the customer.
        Pickup => "pickup", "Pickup";
        /// A technician's visit.
        Repair => "repair", "Repair visit";
        /// A call or meeting.
        Appointment => "appointment", "Appointment";
    }
}

text_enum! {
    /// Whether a schedule entry will happen.
    ScheduleStatus {
        /// Planned, not yet confirmed.
        Planned => "planned", "Planned";
        /// Confirmed with the customer.
        Confirmed => "confirmed", "Confirmed";
        /// Done.
        Completed => "completed", "Completed";
        /// Called off.
        Cancelled => "cancelled", "Cancelled";
    }
}

/// One order of the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// The order number, normalised (`ORD-001`).
    pub number: String,
    /// Where the order is.
    pub status: OrderStatus,
    /// A one-line summary of what was ordered.
    pub items: String,
    /// The day the order was placed.
    pub placed_on: NaiveDate,
    /// When it should arrive, if known.
    pub expected_delivery: Option<NaiveDate>,
    /// The latest word from the carrier, if any.
    pub tracking_note: Option<String>,
    /// Where the customer can follow the parcel (a carrier's page), if the business gave one.
    pub tracking_url: Option<String>,
}

/// One status a defect ticket went through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketStatusChange {
    /// The new status.
    pub status: TicketStatus,
    /// When it changed.
    pub at: DateTime<Utc>,
    /// What was done, if anything was written down.
    pub note: Option<String>,
}

/// A defect the customer reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefectTicket {
    /// The reference the customer quotes (`DEF-001`).
    pub reference: String,
    /// The order concerned, if the customer named one.
    pub order: Option<String>,
    /// What is wrong, in the customer's words.
    pub description: String,
    /// The WhatsApp media id of the photo sent with the report, if any.
    pub photo_media_id: Option<String>,
    /// The current status.
    pub status: TicketStatus,
    /// When it was reported.
    pub opened_at: DateTime<Utc>,
    /// Every status change, oldest first (the first is `Open`).
    pub history: Vec<TicketStatusChange>,
}

/// What the customer filled in to report a defect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDefect {
    /// The order concerned, normalised, if given.
    pub order: Option<String>,
    /// What is wrong.
    pub description: String,
    /// The media id of the photo, if one was sent.
    pub photo_media_id: Option<String>,
    /// The prefix the new reference takes (the menu's `ticket_prefix`, e.g. `DEF`).
    pub reference_prefix: String,
}

/// A planned delivery, pickup or visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleEntry {
    /// The day.
    pub date: NaiveDate,
    /// Start of the time window.
    pub starts: NaiveTime,
    /// End of the time window.
    pub ends: NaiveTime,
    /// What it is.
    pub kind: ScheduleKind,
    /// Whether it will happen.
    pub status: ScheduleStatus,
    /// A short note (an order number, a technician's name), if any.
    pub note: Option<String>,
}

/// The business data the menu's actions read and write, always for one asking customer.
///
/// `customer` is the contact's WhatsApp id (or business-scoped user id) from the conversation
/// state. Implementations must return only that customer's records. Methods take `&mut self` so a
/// database implementation can work on one open transaction without interior mutability.
pub trait BusinessData {
    /// What a failed lookup reports (a database error, say). The engine passes it up unchanged:
    /// the step is then not taken, and the caller may retry it.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The customer's latest orders, newest first, at most `limit`.
    fn recent_orders(&mut self, customer: &str, limit: usize) -> Result<Vec<Order>, Self::Error>;

    /// One order by its normalised number, only if it is the customer's own.
    fn order(&mut self, customer: &str, number: &str) -> Result<Option<Order>, Self::Error>;

    /// The customer's open orders that have an expected delivery date, soonest first.
    fn delivery_dates(&mut self, customer: &str) -> Result<Vec<Order>, Self::Error>;

    /// Opens a defect ticket and returns it with its new reference.
    fn create_defect(
        &mut self,
        customer: &str,
        defect: NewDefect,
        now: DateTime<Utc>,
    ) -> Result<DefectTicket, Self::Error>;

    /// The customer's defect tickets, newest first, at most `limit`.
    fn defect_history(
        &mut self,
        customer: &str,
        limit: usize,
    ) -> Result<Vec<DefectTicket>, Self::Error>;

    /// One ticket by its normalised reference, only if it is the customer's own.
    fn defect(
        &mut self,
        customer: &str,
        reference: &str,
    ) -> Result<Option<DefectTicket>, Self::Error>;

    /// The customer's schedule entries with `from <= date < until`, in time order.
    fn schedule(
        &mut self,
        customer: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ScheduleEntry>, Self::Error>;

    /// The customer's next entries that are still to happen (planned or confirmed, on or after
    /// `today`), in time order, at most `limit`.
    fn upcoming_schedule(
        &mut self,
        customer: &str,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ScheduleEntry>, Self::Error>;

    /// Keeps a piece of free-text feedback.
    fn store_feedback(
        &mut self,
        customer: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Self::Error>;
}
