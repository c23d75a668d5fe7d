//! Running the built-in actions against [`BusinessData`] and writing their answers as text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

use crate::actions::{FormAction, NodeAction};
use crate::engine::Stepping;
use crate::port::{BusinessData, DefectTicket, NewDefect, Order, ScheduleEntry};

/// How many orders, tickets or entries a list shows.
const LIST_LIMIT: usize = 5;

fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}

fn order_line(order: &Order) -> String {
    let mut line = format!(
        "• *{}* — {} — {}",
        order.number,
        order.status.label(),
        order.items
    );
    if order.status.is_open()
        && let Some(expected) = order.expected_delivery
    {
        let _ = write!(line, " (expected {})", day(expected));
    }
    line
}

fn order_details(order: &Order) -> String {
    let mut text = format!(
        "Order *{}*\nStatus: {}\nItems: {}\nPlaced: {}",
        order.number,
        order.status.label(),
        order.items,
        day(order.placed_on)
    );
    if let Some(expected) = order.expected_delivery {
        let verb = if order.status.is_open() {
            "Expected"
        } else {
            "Delivery date"
        };
        let _ = write!(text, "\n{verb}: {}", day(expected));
    }
    if let Some(note) = &order.tracking_note {
        let _ = write!(text, "\nLatest update: {note}");
    }
    text
}

fn ticket_line(ticket: &DefectTicket) -> String {
    format!(
        "• *{}* — {} — {} (reported {})",
        ticket.reference,
        ticket.status.label(),
        ticket.description,
        day(ticket.opened_at.date_naive())
    )
}

fn ticket_details(ticket: &DefectTicket) -> String {
    let mut text = format!(
        "Ticket *{}*\nStatus: {}\nReported: {}\nProblem: {}",
        ticket.reference,
        ticket.status.label(),
        day(ticket.opened_at.date_naive()),
        ticket.description
    );
    if let Some(order) = &ticket.order {
        let _ = write!(text, "\nOrder: {order}");
    }
    if ticket.history.len() > 1 {
        text.push_str("\nHistory:");
        for change in &ticket.history {
            let _ = write!(
                text,
                "\n• {} — {}",
                day(change.at.date_naive()),
                change.status.label()
            );
            if let Some(note) = &change.note {
                let _ = write!(text, ": {note}");
            }
        }
    }
    text
}

fn entry_line(entry: &ScheduleEntry) -> String {
    let mut line = format!(
        "• {} {}–{} — {} ({})",
        day(entry.date),
        entry.starts.format("%H:%M"),
        entry.ends.format("%H:%M"),
        entry.kind.label(),
        entry.status.label()
    );
    if let Some(note) = &entry.note {
        let _ = write!(line, " — {note}");
    }
    line
}

/// A heading and one line per item, or `empty` when there are none.
fn listing<T>(heading: &str, items: &[T], line: fn(&T) -> String, empty: &str) -> String {
    if items.is_empty() {
        return empty.to_owned();
    }
    let mut text = heading.to_owned();
    for item in items {
        text.push('\n');
        text.push_str(&line(item));
    }
    text
}

pub(crate) fn run_node_action<D: BusinessData + ?Sized>(
    turn: &mut Stepping<'_, D>,
    action: NodeAction,
) -> Result<String, D::Error> {
    let customer = turn.customer;
    let today = turn.today();
    let after = |days: u64| {
        today
            .checked_add_days(Days::new(days))
            .unwrap_or(NaiveDate::MAX)
    };
    Ok(match action {
        NodeAction::RecentOrders => listing(
            "Your recent orders:",
            &turn.data.recent_orders(customer, LIST_LIMIT)?,
            order_line,
            "You have no orders with us yet.",
        ),
        NodeAction::DeliveryDates => listing(
            "Expected deliveries:",
            &turn.data.delivery_dates(customer)?,
            |order| match order.expected_delivery {
                Some(date) => format!(
                    "• *{}* — {} ({})",
                    order.number,
                    day(date),
                    order.status.label()
                ),
                None => format!("• *{}* — {}", order.number, order.status.label()),
            },
            "No deliveries are pending.",
        ),
        NodeAction::DefectHistory => listing(
            "Your defect reports:",
            &turn.data.defect_history(customer, LIST_LIMIT)?,
            ticket_line,
            "You have not reported any defects.",
        ),
        NodeAction::ScheduleToday => listing(
            &format!("Today, {}:", day(today)),
            &turn.data.schedule(customer, today, after(1))?,
            entry_line,
            "Nothing is scheduled for you today.",
        ),
        NodeAction::ScheduleWeek => listing(
            "The next 7 days:",
            &turn.data.schedule(customer, today, after(7))?,
            entry_line,
            "Nothing is scheduled for you in the next 7 days.",
        ),
        NodeAction::ScheduleStatus => listing(
            "Your next appointments:",
            &turn.data.upcoming_schedule(customer, today, LIST_LIMIT)?,
            entry_line,
            "You have no upcoming appointments.",
        ),
    })
}

pub(crate) fn run_form_action<D: BusinessData + ?Sized>(
    turn: &mut Stepping<'_, D>,
    action: FormAction,
    values: &BTreeMap<String, String>,
) -> Result<String, D::Error> {
    let customer = turn.customer;
    let value = |name: &str| values.get(name).cloned();
    let required = |name: &str| value(name).unwrap_or_default();
    Ok(match action {
        FormAction::TrackOrder => {
            let number = required("order");
            match turn.data.order(customer, &number)? {
                Some(order) => order_details(&order),
                None => format!(
                    "I couldn't find order *{number}* on your account. Please check the number."
                ),
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
            format!(
                "Thank you. Your report is registered as *{}*. We'll keep you posted here.",
                ticket.reference
            )
        }
        FormAction::TrackTicket => {
            let reference = required("ticket");
            match turn.data.defect(customer, &reference)? {
                Some(ticket) => ticket_details(&ticket),
                None => format!(
                    "I couldn't find ticket *{reference}* on your account. Please check the reference."
                ),
            }
        }
        FormAction::StoreFeedback => {
            turn.data
                .store_feedback(customer, &required("feedback"), turn.now)?;
            "Thank you for your feedback! We read every message.".to_owned()
        }
    })
}
