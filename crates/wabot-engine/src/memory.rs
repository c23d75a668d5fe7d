//! [`InMemoryBusinessData`]: the port kept in plain collections, for tests, examples and embedding.

use std::convert::Infallible;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

use crate::port::{
    BusinessData, DefectTicket, NewDefect, Order, OrderStatus, ScheduleEntry, ScheduleKind,
    ScheduleStatus, TicketStatus, TicketStatusChange,
};

/// The demo customer's WhatsApp id, used by [`InMemoryBusinessData::demo`] and the store's demo data.
pub const DEMO_CUSTOMER: &str = "15551234567";

/// A piece of feedback as kept by [`InMemoryBusinessData`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    /// Who sent it.
    pub customer: String,
    /// What they wrote.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Business data held in memory, each record tagged with its customer.
#[derive(Clone, Debug, Default)]
pub struct InMemoryBusinessData {
    /// `(customer, order)` pairs.
    pub orders: Vec<(String, Order)>,
    /// `(customer, ticket)` pairs.
    pub tickets: Vec<(String, DefectTicket)>,
    /// `(customer, entry)` pairs.
    pub schedule: Vec<(String, ScheduleEntry)>,
    /// Every piece of feedback received.
    pub feedback: Vec<Feedback>,
}

fn time(hour: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)
}

fn days_after(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n)).unwrap_or(day)
}

fn days_before(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(n)).unwrap_or(day)
}

impl InMemoryBusinessData {
    /// An empty data set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The demo data set for [`DEMO_CUSTOMER`], with dates relative to `today`: orders ORD-001 (in
    /// transit), ORD-002 (delivered) and ORD-003 (processing), one open defect ticket DEF-001, and
    /// schedule entries today and two days later.
    pub fn demo(today: NaiveDate) -> Self {
        let customer = DEMO_CUSTOMER.to_owned();
        let opened = days_before(today, 2).and_time(time(10)).and_utc();
        let order = |number: &str, status, items: &str, placed, expected, note: Option<&str>| {
            (
                customer.clone(),
                Order {
                    number: number.to_owned(),
                    status,
                    items: items.to_owned(),
                    placed_on: placed,
                    expected_delivery: expected,
                    tracking_note: note.map(str::to_owned),
                    tracking_url: None,
                },
            )
        };
        Self {
            orders: vec![
                order(
                    "ORD-001",
                    OrderStatus::InTransit,
                    "2 × Office chair",
                    days_before(today, 3),
                    Some(days_after(today, 2)),
                    Some("Left the regional depot"),
                ),
                order(
                    "ORD-002",
                    OrderStatus::Delivered,
                    "1 × Standing desk",
                    days_before(today, 14),
                    Some(days_before(today, 7)),
                    None,
                ),
                order(
                    "ORD-003",
                    OrderStatus::Processing,
                    "4 × Monitor arm",
                    days_before(today, 1),
                    Some(days_after(today, 5)),
                    None,
                ),
            ],
            tickets: vec![(
                customer.clone(),
                DefectTicket {
                    reference: "DEF-001".to_owned(),
                    order: Some("ORD-002".to_owned()),
                    description: "Desk wobbles at full height".to_owned(),
                    photo_media_id: None,
                    status: TicketStatus::Open,
                    opened_at: opened,
                    history: vec![TicketStatusChange {
                        status: TicketStatus::Open,
                        at: opened,
                        note: None,
                    }],
                },
            )],
            schedule: vec![
                (
                    customer.clone(),
                    ScheduleEntry {
                        date: today,
                        starts: time(14),
                        ends: time(16),
                        kind: ScheduleKind::Repair,
                        status: ScheduleStatus::Confirmed,
                        note: Some("DEF-001".to_owned()),
                    },
                ),
                (
                    customer,
                    ScheduleEntry {
                        date: days_after(today, 2),
                        starts: time(9),
                        ends: time(12),
                        kind: ScheduleKind::Delivery,
                        status: ScheduleStatus::Planned,
                        note: Some("ORD-001".to_owned()),
                    },
                ),
            ],
            feedback: Vec::new(),
        }
    }

    fn orders_of<'a>(&'a self, customer: &'a str) -> impl Iterator<Item = &'a Order> + 'a {
        self.orders
            .iter()
            .filter(move |(owner, _)| owner == customer)
            .map(|(_, order)| order)
    }

    fn tickets_of<'a>(&'a self, customer: &'a str) -> impl Iterator<Item = &'a DefectTicket> + 'a {
        self.tickets
            .iter()
            .filter(move |(owner, _)| owner == customer)
            .map(|(_, ticket)| ticket)
    }

    fn schedule_of<'a>(
        &'a self,
        customer: &'a str,
    ) -> impl Iterator<Item = &'a ScheduleEntry> + 'a {
        self.schedule
            .iter()
            .filter(move |(owner, _)| owner == customer)
            .map(|(_, entry)| entry)
    }
}

fn sorted_by_time(mut entries: Vec<ScheduleEntry>) -> Vec<ScheduleEntry> {
    entries.sort_by_key(|entry| (entry.date, entry.starts));
    entries
}

impl BusinessData for InMemoryBusinessData {
    type Error = Infallible;

    fn recent_orders(&mut self, customer: &str, limit: usize) -> Result<Vec<Order>, Infallible> {
        let mut orders: Vec<Order> = self.orders_of(customer).cloned().collect();
        orders.sort_by(|a, b| (b.placed_on, &b.number).cmp(&(a.placed_on, &a.number)));
        orders.truncate(limit);
        Ok(orders)
    }

    fn order(&mut self, customer: &str, number: &str) -> Result<Option<Order>, Infallible> {
        Ok(self
            .orders_of(customer)
            .find(|order| order.number == number)
            .cloned())
    }

    fn delivery_dates(&mut self, customer: &str) -> Result<Vec<Order>, Infallible> {
        let mut orders: Vec<Order> = self
            .orders_of(customer)
            .filter(|order| order.status.is_open() && order.expected_delivery.is_some())
            .cloned()
            .collect();
        orders.sort_by(|a, b| {
            (a.expected_delivery, &a.number).cmp(&(b.expected_delivery, &b.number))
        });
        Ok(orders)
    }

    fn create_defect(
        &mut self,
        customer: &str,
        defect: NewDefect,
        now: DateTime<Utc>,
    ) -> Result<DefectTicket, Infallible> {
        let ticket = DefectTicket {
            reference: format!("{}-{:03}", defect.reference_prefix, self.tickets.len() + 1),
            order: defect.order,
            description: defect.description,
            photo_media_id: defect.photo_media_id,
            status: TicketStatus::Open,
            opened_at: now,
            history: vec![TicketStatusChange {
                status: TicketStatus::Open,
                at: now,
                note: None,
            }],
        };
        self.tickets.push((customer.to_owned(), ticket.clone()));
        Ok(ticket)
    }

    fn defect_history(
        &mut self,
        customer: &str,
        limit: usize,
    ) -> Result<Vec<DefectTicket>, Infallible> {
        let mut tickets: Vec<DefectTicket> = self.tickets_of(customer).cloned().collect();
        tickets.sort_by(|a, b| (b.opened_at, &b.reference).cmp(&(a.opened_at, &a.reference)));
        tickets.truncate(limit);
        Ok(tickets)
    }

    fn defect(
        &mut self,
        customer: &str,
        reference: &str,
    ) -> Result<Option<DefectTicket>, Infallible> {
        Ok(self
            .tickets_of(customer)
            .find(|ticket| ticket.reference == reference)
            .cloned())
    }

    fn schedule(
        &mut self,
        customer: &str,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<ScheduleEntry>, Infallible> {
        Ok(sorted_by_time(
            self.schedule_of(customer)
                .filter(|entry| entry.date >= from && entry.date < until)
                .cloned()
                .collect(),
        ))
    }

    fn upcoming_schedule(
        &mut self,
        customer: &str,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ScheduleEntry>, Infallible> {
        let mut entries = sorted_by_time(
            self.schedule_of(customer)
                .filter(|entry| {
                    entry.date >= today
                        && matches!(
                            entry.status,
                            ScheduleStatus::Planned | ScheduleStatus::Confirmed
                        )
                })
                .cloned()
                .collect(),
        );
        entries.truncate(limit);
        Ok(entries)
    }

    fn store_feedback(
        &mut self,
        customer: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Infallible> {
        self.feedback.push(Feedback {
            customer: customer.to_owned(),
            text: text.to_owned(),
            at: now,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn a_stranger_sees_none_of_the_demo_customers_records() {
        let mut data = InMemoryBusinessData::demo(today());
        let stranger = "15559990000";
        assert_eq!(data.order(stranger, "ORD-001").unwrap(), None);
        assert_eq!(data.defect(stranger, "DEF-001").unwrap(), None);
        assert!(data.recent_orders(stranger, 10).unwrap().is_empty());
        assert!(data.defect_history(stranger, 10).unwrap().is_empty());
        let week = today().checked_add_days(Days::new(7)).unwrap();
        assert!(data.schedule(stranger, today(), week).unwrap().is_empty());
    }

    #[test]
    fn demo_orders_are_newest_first_and_deliveries_soonest_first() {
        let mut data = InMemoryBusinessData::demo(today());
        let recent = data.recent_orders(DEMO_CUSTOMER, 10).unwrap();
        let numbers: Vec<&str> = recent.iter().map(|o| o.number.as_str()).collect();
        assert_eq!(numbers, ["ORD-003", "ORD-001", "ORD-002"]);
        let due = data.delivery_dates(DEMO_CUSTOMER).unwrap();
        let numbers: Vec<&str> = due.iter().map(|o| o.number.as_str()).collect();
        assert_eq!(numbers, ["ORD-001", "ORD-003"]);
    }

    #[test]
    fn new_tickets_get_the_next_reference() {
        let mut data = InMemoryBusinessData::demo(today());
        let now = today().and_time(time(12)).and_utc();
        let defect = NewDefect {
            order: None,
            description: "Scratched".into(),
            photo_media_id: None,
            reference_prefix: "DEF".into(),
        };
        let ticket = data.create_defect(DEMO_CUSTOMER, defect, now).unwrap();
        assert_eq!(ticket.reference, "DEF-002");
        assert_eq!(data.defect_history(DEMO_CUSTOMER, 1).unwrap()[0], ticket);
    }
}
