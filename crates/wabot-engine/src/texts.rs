//! The engine's own sentences (`[texts]`): every one with its key, its WhatsApp limit, the
//! placeholders it may use and its built-in English default. Business-data replies (order status,
//! dates, ticket states) are phrased through them too, so a language is complete in the menu file.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::language::Tr;
use crate::limits::{MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY, MAX_TEXT};

/// Declares the texts: `Variant "key" LIMIT [placeholders] "English default";`.
macro_rules! texts {
    ($($variant:ident $key:literal $max:ident [$($placeholder:literal),*] $default:literal;)+) => {
        /// One of the engine's sentences.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum T { $($variant,)+ }

        /// Every text: its key in `[texts]`, its limit, its placeholders and its English default.
        pub(crate) const TEXTS: &[TextSpec] = &[
            $(TextSpec { key: $key, max: $max, placeholders: &[$($placeholder),*], default: $default },)+
        ];
    };
}

/// How one text of `[texts]` is written.
pub(crate) struct TextSpec {
    pub key: &'static str,
    pub max: usize,
    pub placeholders: &'static [&'static str],
    pub default: &'static str,
}

texts! {
    WelcomeBack "welcome_back" MAX_TEXT [] "Welcome back! We start again from the main menu.";
    MenuChanged "menu_changed" MAX_TEXT []
        "Our menu has changed since your last message, so we start again from the main menu.";
    NotUnderstood "not_understood" MAX_TEXT []
        "Sorry, I didn't understand that. Please choose one of the options below.";
    MediaNotSupported "media_not_supported" MAX_TEXT [] "I can read text and menu choices only.";
    Cancelled "cancelled" MAX_TEXT [] "Cancelled.";
    TooManyAttempts "too_many_attempts" MAX_TEXT [] "That didn't work out. Let's go back to the menu.";
    Help "help" MAX_INTERACTIVE_BODY []
        "Send a number or tap an option to choose. Send *menu* for the main menu, *back* to go back, and *cancel* to stop filling in a form.";
    InvalidAnswer "invalid_answer" MAX_TEXT [] "That doesn't look right.";
    SkipLabel "skip_label" MAX_BUTTON_TITLE [] "Skip";
    YesLabel "yes_label" MAX_BUTTON_TITLE [] "Yes";
    NoLabel "no_label" MAX_BUTTON_TITLE [] "No";
    PhotoAttached "photo_attached" MAX_TEXT [] "attached";
    HandoffQueued "handoff_queued" MAX_TEXT []
        "Thanks! You are in the queue for a person from our team. Send *menu* at any time to go back to the bot.";
    HandoffOpen "handoff_open" MAX_TEXT [] "Someone will answer you shortly.";
    HandoffClosedNow "handoff_closed_now" MAX_TEXT ["when"]
        "Our team is away right now; we will answer from {when}.";
    HandoffUnanswered "handoff_unanswered" MAX_TEXT []
        "Sorry, nobody from our team is free right now. Write your message and we will get back to you, or send *menu* to go back to the bot.";
    HandoffMessageLeft "handoff_message_left" MAX_TEXT []
        "Thank you, we have your message and will get back to you.";
    HandoffEnded "handoff_ended" MAX_TEXT []
        "Our team has closed this conversation; the bot is back to help you.";
    Weekdays "weekdays" MAX_TEXT [] "Monday Tuesday Wednesday Thursday Friday Saturday Sunday";
    WeekdaysShort "weekdays_short" MAX_TEXT [] "Mon Tue Wed Thu Fri Sat Sun";
    MonthsShort "months_short" MAX_TEXT [] "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
    DateFormat "date_format" MAX_TEXT ["weekday", "day", "month"] "{weekday} {day} {month}";
    RecentOrders "recent_orders" MAX_TEXT [] "Your recent orders:";
    NoOrders "no_orders" MAX_TEXT [] "You have no orders with us yet.";
    DeliveryDates "delivery_dates" MAX_TEXT [] "Expected deliveries:";
    NoDeliveries "no_deliveries" MAX_TEXT [] "No deliveries are pending.";
    DefectHistory "defect_history" MAX_TEXT [] "Your defect reports:";
    NoDefects "no_defects" MAX_TEXT [] "You have not reported any defects.";
    ScheduleToday "schedule_today" MAX_TEXT ["date"] "Today, {date}:";
    NothingToday "nothing_today" MAX_TEXT [] "Nothing is scheduled for you today.";
    ScheduleWeek "schedule_week" MAX_TEXT [] "The next 7 days:";
    NothingThisWeek "nothing_this_week" MAX_TEXT [] "Nothing is scheduled for you in the next 7 days.";
    ScheduleStatus "schedule_status" MAX_TEXT [] "Your next appointments:";
    NoAppointments "no_appointments" MAX_TEXT [] "You have no upcoming appointments.";
    LookupUnavailable "lookup_unavailable" MAX_TEXT []
        "Sorry, we can't look that up right now. Please try again in a few minutes.";
    OrderLineExpected "order_line_expected" MAX_TEXT ["date"] "expected {date}";
    OrderDetails "order_details" MAX_TEXT ["number", "status", "items", "date"]
        "Order *{number}*\nStatus: {status}\nItems: {items}\nPlaced: {date}";
    OrderExpected "order_expected" MAX_TEXT ["date"] "Expected: {date}";
    OrderDeliveryDate "order_delivery_date" MAX_TEXT ["date"] "Delivery date: {date}";
    OrderUpdate "order_update" MAX_TEXT ["note"] "Latest update: {note}";
    OrderNotFound "order_not_found" MAX_TEXT ["number"]
        "I couldn't find order *{number}* on your account. Please check the number.";
    TicketLineReported "ticket_line_reported" MAX_TEXT ["date"] "reported {date}";
    TicketDetails "ticket_details" MAX_TEXT ["reference", "status", "date", "description"]
        "Ticket *{reference}*\nStatus: {status}\nReported: {date}\nProblem: {description}";
    TicketOrder "ticket_order" MAX_TEXT ["order"] "Order: {order}";
    TicketHistory "ticket_history" MAX_TEXT [] "History:";
    TicketNotFound "ticket_not_found" MAX_TEXT ["reference"]
        "I couldn't find ticket *{reference}* on your account. Please check the reference.";
    DefectRegistered "defect_registered" MAX_TEXT ["reference"]
        "Thank you. Your report is registered as *{reference}*. We'll keep you posted here.";
    FeedbackThanks "feedback_thanks" MAX_TEXT [] "Thank you for your feedback! We read every message.";
    OrderProcessing "order_processing" MAX_TEXT [] "Processing";
    OrderShipped "order_shipped" MAX_TEXT [] "Shipped";
    OrderInTransit "order_in_transit" MAX_TEXT [] "In transit";
    OrderOutForDelivery "order_out_for_delivery" MAX_TEXT [] "Out for delivery";
    OrderDelivered "order_delivered" MAX_TEXT [] "Delivered";
    OrderCancelled "order_cancelled" MAX_TEXT [] "Cancelled";
    TicketOpen "ticket_open" MAX_TEXT [] "Open";
    TicketInReview "ticket_in_review" MAX_TEXT [] "In review";
    TicketAwaitingParts "ticket_awaiting_parts" MAX_TEXT [] "Awaiting parts";
    TicketResolved "ticket_resolved" MAX_TEXT [] "Resolved";
    TicketClosed "ticket_closed" MAX_TEXT [] "Closed";
    ScheduleDelivery "schedule_delivery" MAX_TEXT [] "Delivery";
    SchedulePickup "schedule_pickup" MAX_TEXT [] "Pickup";
    ScheduleRepair "schedule_repair" MAX_TEXT [] "Repair visit";
    ScheduleAppointment "schedule_appointment" MAX_TEXT [] "Appointment";
    SchedulePlanned "schedule_planned" MAX_TEXT [] "Planned";
    ScheduleConfirmed "schedule_confirmed" MAX_TEXT [] "Confirmed";
    ScheduleCompleted "schedule_completed" MAX_TEXT [] "Completed";
    ScheduleCancelled "schedule_cancelled" MAX_TEXT [] "Cancelled";
    TicketUpdateNotice "ticket_update_notice" MAX_TEXT ["reference", "status"]
        "Update on your ticket *{reference}*: it is now {status}.";
    TicketUpdateNote "ticket_update_note" MAX_TEXT ["note"] "Note from our team: {note}";
    MarketingStopQuestion "marketing_stop_question" MAX_INTERACTIVE_BODY []
        "Do you want to stop receiving offers and news from us? You will still get answers and updates about your orders.";
    MarketingStopYes "marketing_stop_yes" MAX_BUTTON_TITLE [] "Yes, stop offers";
    MarketingStopNo "marketing_stop_no" MAX_BUTTON_TITLE [] "No, keep them";
    MarketingStartQuestion "marketing_start_question" MAX_INTERACTIVE_BODY []
        "Do you want to receive our offers and news again?";
    MarketingStartYes "marketing_start_yes" MAX_BUTTON_TITLE [] "Yes, send offers";
    MarketingStartNo "marketing_start_no" MAX_BUTTON_TITLE [] "No";
    MarketingStopped "marketing_stopped" MAX_TEXT []
        "Done: you will get no more offers from us. You will still get answers and updates about your orders. Send START OFFERS to get offers again.";
    MarketingStarted "marketing_started" MAX_TEXT [] "Done: you will get our offers again.";
    MarketingKept "marketing_kept" MAX_TEXT [] "Nothing changed. Send *menu* for the main menu.";
}

/// How many words a date text must have (`weekdays`: 7, `months_short`: 12).
pub(crate) fn word_count(key: &str) -> Option<usize> {
    match key {
        "weekdays" | "weekdays_short" => Some(7),
        "months_short" => Some(12),
        _ => None,
    }
}

/// The compiled `[texts]` (and `settings.list_button`), each in every language of the menu.
#[derive(Debug)]
pub(crate) struct Texts {
    /// In the order of [`TEXTS`].
    pub all: Vec<Tr>,
    /// The label of the button that opens a list.
    pub list_button: Tr,
}

impl T {
    /// The label of a ticket status.
    pub(crate) fn ticket_status(status: crate::TicketStatus) -> Self {
        use crate::TicketStatus as S;
        match status {
            S::Open => Self::TicketOpen,
            S::InReview => Self::TicketInReview,
            S::AwaitingParts => Self::TicketAwaitingParts,
            S::Resolved => Self::TicketResolved,
            S::Closed => Self::TicketClosed,
        }
    }
}

impl Texts {
    /// Text `text` in language `lang`.
    pub fn get(&self, text: T, lang: usize) -> &str {
        self.all.get(text as usize).map_or("", |tr| tr.get(lang))
    }

    /// Word `index` of a list text such as `weekdays` (checked to have enough by the compiler).
    fn word(&self, text: T, lang: usize, index: usize) -> &str {
        self.get(text, lang)
            .split_whitespace()
            .nth(index)
            .unwrap_or_default()
    }

    /// The full name of a weekday (`texts.weekdays`).
    pub fn weekday(&self, day: Weekday, lang: usize) -> &str {
        self.word(T::Weekdays, lang, day.num_days_from_monday() as usize)
    }

    /// A date as `texts.date_format` writes it (`Thu 26 Nov`, `jue 26 nov`).
    pub fn date(&self, date: NaiveDate, lang: usize) -> String {
        let weekday = self.word(
            T::WeekdaysShort,
            lang,
            date.weekday().num_days_from_monday() as usize,
        );
        let month = self.word(T::MonthsShort, lang, date.month0() as usize);
        let day = date.day().to_string();
        fill(
            self.get(T::DateFormat, lang),
            &[("weekday", weekday), ("day", &day), ("month", month)],
        )
    }
}

/// The `{name}` placeholders of a text, in order (an unclosed `{` ends the search).
pub(crate) fn placeholders(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            found.push(name);
        }
        rest = &after[close + 1..];
    }
    found
}

/// `template` with each `{name}` of `values` replaced, in one pass (a value that contains a
/// placeholder is not expanded again); unknown placeholders stay as written.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_uses_only_its_placeholders() {
        for spec in TEXTS {
            for name in placeholders(spec.default) {
                assert!(spec.placeholders.contains(&name), "{}: {name}", spec.key);
            }
            assert!(spec.default.chars().count() <= spec.max, "{}", spec.key);
            if let Some(count) = word_count(spec.key) {
                assert_eq!(spec.default.split_whitespace().count(), count);
            }
        }
    }

    #[test]
    fn filling_replaces_known_placeholders_once() {
        assert_eq!(
            fill(
                "Order *{number}* is {status} {x}",
                &[("number", "{status}"), ("status", "late")]
            ),
            "Order *{status}* is late {x}"
        );
        assert_eq!(fill("{ {date}", &[("date", "Mon")]), "{ Mon");
        assert_eq!(placeholders("a {b} {C} {} {d_e"), vec!["b"]);
    }
}
