//! Orders and schedule read as an *effect*: when they live in another system (the business's own
//! API), the engine does not call out. [`Engine::step_with`](crate::Engine::step_with) answers
//! [`Stepped::Needs`] with the [`Lookup`] it needs, changing nothing; the caller fetches it where a
//! slow answer harms no one (outside any transaction) and steps again with the [`Answer`] — the
//! records, or [`Unavailable`], which the customer reads as the menu's `lookup_unavailable` text.
//!
//! [`Lookup::run`] answers a lookup from a [`BusinessData`], so the built-in tables and a remote
//! source answer the same questions: two adapters of one port.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::Stepping;
use crate::port::{BusinessData, Order, ScheduleEntry};
use crate::reply::Step;

/// A read of the customer's orders or schedule (the customer is the conversation's).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "lookup", rename_all = "snake_case")]
pub enum Lookup {
    /// The latest orders, newest first, at most `limit`.
    RecentOrders {
        /// How many at most.
        limit: usize,
    },
    /// One order by its normalised number.
    Order {
        /// The order number (`ORD-001`).
        number: String,
    },
    /// Open orders with an expected delivery date, soonest first.
    DeliveryDates,
    /// Schedule entries with `from <= date < until`, in time order.
    Schedule {
        /// The first day.
        from: NaiveDate,
        /// The day after the last.
        until: NaiveDate,
    },
    /// The next entries still to happen (on or after `today`), at most `limit`.
    UpcomingSchedule {
        /// The customer's today.
        today: NaiveDate,
        /// How many at most.
        limit: usize,
    },
}

/// The records that answer a [`Lookup`]: its kind decides the variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Records {
    /// For `RecentOrders` and `DeliveryDates`.
    Orders(Vec<Order>),
    /// For `Order`: `None` when the customer has no such order.
    Order(Option<Order>),
    /// For `Schedule` and `UpcomingSchedule`.
    Schedule(Vec<ScheduleEntry>),
}

/// The source could not answer (timed out, failed, or answered something unreadable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable;

/// A lookup with what came back: the records, or [`Unavailable`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What was asked.
    pub lookup: Lookup,
    /// What came back.
    pub records: Result<Records, Unavailable>,
}

/// Where a step reads orders and schedule from.
#[derive(Clone, Copy, Debug)]
pub enum RecordSource<'a> {
    /// From the [`BusinessData`] the step is given, like everything else.
    Data,
    /// From elsewhere, as an effect: the answer fetched for this step, if any. A lookup it does
    /// not answer makes the step [`Stepped::Needs`] it.
    Lookup(Option<&'a Answer>),
}

/// What [`Engine::step_with`](crate::Engine::step_with) ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stepped {
    /// The step is taken.
    Done(Step),
    /// The step needs this lookup first; nothing is taken (save nothing, mark nothing). Step
    /// again, with the same state and input, given the [`Answer`].
    Needs(Lookup),
}

impl Lookup {
    /// Answers the lookup from `data`, for `customer`.
    pub fn run<D: BusinessData + ?Sized>(
        &self,
        customer: &str,
        data: &mut D,
    ) -> Result<Records, D::Error> {
        Ok(match self {
            Lookup::RecentOrders { limit } => {
                Records::Orders(data.recent_orders(customer, *limit)?)
            }
            Lookup::Order { number } => Records::Order(data.order(customer, number)?),
            Lookup::DeliveryDates => Records::Orders(data.delivery_dates(customer)?),
            Lookup::Schedule { from, until } => {
                Records::Schedule(data.schedule(customer, *from, *until)?)
            }
            Lookup::UpcomingSchedule { today, limit } => {
                Records::Schedule(data.upcoming_schedule(customer, *today, *limit)?)
            }
        })
    }

    /// The lookup's kind, for logs and metrics (no customer data in it).
    pub fn kind(&self) -> &'static str {
        match self {
            Lookup::RecentOrders { .. } => "recent_orders",
            Lookup::Order { .. } => "order",
            Lookup::DeliveryDates => "delivery_dates",
            Lookup::Schedule { .. } => "schedule",
            Lookup::UpcomingSchedule { .. } => "upcoming_schedule",
        }
    }
}

impl<D: BusinessData + ?Sized> Stepping<'_, D> {
    /// The records answering `lookup`; `None` when they cannot be had in this step (the source is
    /// unavailable, or the lookup is now asked for and the step will be thrown away).
    fn records(&mut self, lookup: Lookup) -> Result<Option<Records>, D::Error> {
        match self.source {
            RecordSource::Data => lookup.run(self.customer, self.data).map(Some),
            RecordSource::Lookup(Some(answer)) if answer.lookup == lookup => {
                Ok(answer.records.clone().ok())
            }
            RecordSource::Lookup(_) => {
                self.needs.get_or_insert(lookup);
                Ok(None)
            }
        }
    }

    /// A list of orders; `None`: unavailable.
    pub(crate) fn orders(&mut self, lookup: Lookup) -> Result<Option<Vec<Order>>, D::Error> {
        Ok(match self.records(lookup)? {
            Some(Records::Orders(orders)) => Some(orders),
            _ => None,
        })
    }

    /// One order (`Some(None)`: not the customer's); `None`: unavailable.
    pub(crate) fn order(&mut self, number: &str) -> Result<Option<Option<Order>>, D::Error> {
        let lookup = Lookup::Order {
            number: number.to_owned(),
        };
        Ok(match self.records(lookup)? {
            Some(Records::Order(order)) => Some(order),
            _ => None,
        })
    }

    /// Schedule entries; `None`: unavailable.
    pub(crate) fn entries(
        &mut self,
        lookup: Lookup,
    ) -> Result<Option<Vec<ScheduleEntry>>, D::Error> {
        Ok(match self.records(lookup)? {
            Some(Records::Schedule(entries)) => Some(entries),
            _ => None,
        })
    }
}
