//! Running the built-in actions against [`BusinessData`] and writing their answers as text, phrased
//! through the menu's `[texts]` in the conversation's language (labels, headings, dates).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::actions::{FormAction, NodeAction};
use crate::engine::Stepping;
use crate::lookup::Lookup;
use crate::port::{
    BusinessData, DefectTicket, NewDefect, Order, OrderStatus, ScheduleEntry, ScheduleKind,
    ScheduleStatus, TicketStatus,
};
use crate::texts::{T, Texts, fill};

/// How many orders, tickets or entries a list shows.
const LIST_LIMIT: usize = 5;

/// The texts in one language: what every answer is phrased with.
#[derive(Clone, Copy)]
struct Say<'a> {
    texts: &'a Texts,
    lang: usize,
}

impl<'a> Say<'a> {
    fn t(self, text: T) -> &'a str {
        self.texts.get(text, self.lang)
    }

    fn fill(self, text: T, values: &[(&str, &str)]) -> String {
        fill(self.t(text), values)
    }

    fn day(self, date: NaiveDate) -> String {
        self.texts.date(date, self.lang)
    }

    fn order(self, status: OrderStatus) -> &'a str {
        self.t(match status {
            OrderStatus::Processing => T::OrderProcessing,
            OrderStatus::Shipped => T::OrderShipped,
            OrderStatus::InTransit => T::OrderInTransit,
            OrderStatus::OutForDelivery => T::OrderOutForDelivery,
            OrderStatus::Delivered => T::OrderDelivered,
            OrderStatus::Cancelled => T::OrderCancelled,
        })
    }

    fn ticket(self, status: TicketStatus) -> &'a str {
        self.t(T::ticket_status(status))
    }

    fn kind(self, kind: ScheduleKind) -> &'a str {
        self.t(match kind {
            ScheduleKind::Delivery => T::ScheduleDelivery,
            ScheduleKind::Pickup => T::SchedulePickup,
            ScheduleKind::Repair => T::ScheduleRepair,
            ScheduleKind::Appointment => T::ScheduleAppointment,
        })
    }

    fn schedule(self, status: ScheduleStatus) -> &'a str {
        self.t(match status {
            ScheduleStatus::Planned => T::SchedulePlanned,
            ScheduleStatus::Confirmed => T::ScheduleConfirmed,
            ScheduleStatus::Completed => T::ScheduleCompleted,
            ScheduleStatus::Cancelled => T::ScheduleCancelled,
        })
    }

    fn order_line(self, order: &Order) -> String {
        let mut line = format!("• *{}* — {}", order.number, self.order(order.status));
        // An order loaded without its items (`wabot import` needs only number and status).
        if !order.items.is_empty() {
            line.push_str(" — ");
            line.push_str(&order.items);
        }
        if order.status.is_open()
            && let Some(expected) = order.expected_delivery
        {
            let expected = self.fill(T::OrderLineExpected, &[("date", &self.day(expected))]);
            line.push_str(&format!(" ({expected})"));
        }
        line
    }

    fn delivery_line(self, order: &Order) -> String {
        let status = self.order(order.status);
        match order.expected_delivery {
            Some(date) => format!("• *{}* — {} ({status})", order.number, self.day(date)),
            None => format!("• *{}* — {status}", order.number),
        }
    }

    fn order_details(self, order: &Order) -> String {
        let mut text = self.fill(
            T::OrderDetails,
            &[
                ("number", &order.number),
                ("status", self.order(order.status)),
                (
                    "items",
                    if order.items.is_empty() {
                        "—"
                    } else {
                        &order.items
                    },
                ),
                ("date", &self.day(order.placed_on)),
            ],
        );
        if let Some(expected) = order.expected_delivery {
            let line = if order.status.is_open() {
                T::OrderExpected
            } else {
                T::OrderDeliveryDate
            };
            text.push('\n');
            text.push_str(&self.fill(line, &[("date", &self.day(expected))]));
        }
        if let Some(note) = &order.tracking_note {
            text.push('\n');
            text.push_str(&self.fill(T::OrderUpdate, &[("note", note)]));
        }
        // The link alone on its line (WhatsApp previews it; no words to translate).
        if let Some(link) = &order.tracking_url {
            text.push_str("\n🔗 ");
            text.push_str(link);
        }
        text
    }

    fn ticket_line(self, ticket: &DefectTicket) -> String {
        let day = self.day(ticket.opened_at.date_naive());
        format!(
            "• *{}* — {} — {} ({})",
            ticket.reference,
            self.ticket(ticket.status),
            ticket.description,
            self.fill(T::TicketLineReported, &[("date", &day)])
        )
    }

    fn ticket_details(self, ticket: &DefectTicket) -> String {
        let mut text = self.fill(
            T::TicketDetails,
            &[
                ("reference", &ticket.reference),
                ("status", self.ticket(ticket.status)),
                ("date", &self.day(ticket.opened_at.date_naive())),
                ("description", &ticket.description),
            ],
        );
        if let Some(order) = &ticket.order {
            text.push('\n');
            text.push_str(&self.fill(T::TicketOrder, &[("order", order)]));
        }
        if ticket.history.len() > 1 {
            text.push('\n');
            text.push_str(self.t(T::TicketHistory));
            for change in &ticket.history {
                let day = self.day(change.at.date_naive());
                text.push_str(&format!("\n• {day} — {}", self.ticket(change.status)));
                if let Some(note) = &change.note {
                    text.push_str(&format!(": {note}"));
                }
            }
        }
        text
    }

    fn entry_line(self, entry: &ScheduleEntry) -> String {
        let mut line = format!(
            "• {} {}–{} — {} ({})",
            self.day(entry.date),
            entry.starts.format("%H:%M"),
            entry.ends.format("%H:%M"),
            self.kind(entry.kind),
            self.schedule(entry.status)
        );
        if let Some(note) = &entry.note {
            line.push_str(&format!(" — {note}"));
        }
        line
    }

    /// [`Say::listing`] of records that could be had; `None` (the source is unavailable): the
    /// menu's "try again later".
    fn found<I>(
        self,
        heading: &str,
        items: Option<Vec<I>>,
        line: fn(Self, &I) -> String,
        empty: T,
    ) -> String {
        match items {
            Some(items) => self.listing(heading, &items, line, empty),
            None => self.t(T::LookupUnavailable).to_owned(),
        }
    }

    /// A heading and one line per item, or `empty` when there are none.
    fn listing<I>(
        self,
        heading: &str,
        items: &[I],
        line: fn(Self, &I) -> String,
        empty: T,
    ) -> String {
        if items.is_empty() {
            return self.t(empty).to_owned();
        }
        let mut text = heading.to_owned();
        for item in items {
            text.push('\n');
            text.push_str(&line(self, item));
        }
        text
    }
}

pub(crate) fn run_node_action<D: BusinessData + ?Sized>(
    turn: &mut Stepping<'_, D>,
    action: NodeAction,
) -> Result<String, D::Error> {
    let customer = turn.customer;
    let say = Say {
        texts: &turn.menu.texts,
        lang: turn.lang,
    };
    let today = turn.today();
    let after = |days: u64| {
        today
            .checked_add_days(Days::new(days))
            .unwrap_or(NaiveDate::MAX)
    };
    Ok(match action {
        NodeAction::RecentOrders => say.found(
            say.t(T::RecentOrders),
            turn.orders(Lookup::RecentOrders { limit: LIST_LIMIT })?,
            Say::order_line,
            T::NoOrders,
        ),
        NodeAction::DeliveryDates => say.found(
            say.t(T::DeliveryDates),
            turn.orders(Lookup::DeliveryDates)?,
            Say::delivery_line,
            T::NoDeliveries,
        ),
        NodeAction::DefectHistory => say.listing(
            say.t(T::DefectHistory),
            &turn.data.defect_history(customer, LIST_LIMIT)?,
            Say::ticket_line,
            T::NoDefects,
        ),
        NodeAction::ScheduleToday => say.found(
            &say.fill(T::ScheduleToday, &[("date", &say.day(today))]),
            turn.entries(Lookup::Schedule {
                from: today,
                until: after(1),
            })?,
            Say::entry_line,
            T::NothingToday,
        ),
        NodeAction::ScheduleWeek => say.found(
            say.t(T::ScheduleWeek),
            turn.entries(Lookup::Schedule {
                from: today,
                until: after(7),
            })?,
            Say::entry_line,
            T::NothingThisWeek,
        ),
        NodeAction::ScheduleStatus => say.found(
            say.t(T::ScheduleStatus),
            turn.entries(Lookup::UpcomingSchedule {
                today,
                limit: LIST_LIMIT,
            })?,
            Say::entry_line,
            T::NoAppointments,
        ),
    })
}

pub(crate) fn run_form_action<D: BusinessData + ?Sized>(
    turn: &mut Stepping<'_, D>,
    action: FormAction,
    values: &BTreeMap<String, String>,
) -> Result<String, D::Error> {
    let customer = turn.customer;
    let say = Say {
        texts: &turn.menu.texts,
        lang: turn.lang,
    };
    let value = |name: &str| values.get(name).cloned();
    let required = |name: &str| value(name).unwrap_or_default();
    Ok(match action {
        FormAction::TrackOrder => {
            let number = required("order");
            match turn.order(&number)? {
                Some(Some(order)) => say.order_details(&order),
                Some(None) => say.fill(T::OrderNotFound, &[("number", &number)]),
                None => say.t(T::LookupUnavailable).to_owned(),
            }
        }
        FormAction::CreateDefect => {
            let defect = NewDefect {
                order: value("order"),
                description: required("description"),
                photo_media_id: value("photo"),
                reference_prefix: turn.menu.settings.ticket_prefix.clone(),
            };
            let ticket = turn.data.create_defect(customer, defect, turn.now)?;
            say.fill(T::DefectRegistered, &[("reference", &ticket.reference)])
        }
        FormAction::TrackTicket => {
            let reference = required("ticket");
            match turn.data.defect(customer, &reference)? {
                Some(ticket) => say.ticket_details(&ticket),
                None => say.fill(T::TicketNotFound, &[("reference", &reference)]),
            }
        }
        FormAction::StoreFeedback => {
            turn.data
                .store_feedback(customer, &required("feedback"), turn.now)?;
            say.t(T::FeedbackThanks).to_owned()
        }
    })
}
