//! The named built-in actions a menu file may use: what each needs, and what it answers.

/// An action that runs as soon as its node is chosen (no input).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeAction {
    /// The customer's latest orders.
    RecentOrders,
    /// Expected delivery dates of open orders.
    DeliveryDates,
    /// The customer's defect tickets.
    DefectHistory,
    /// Today's schedule entries.
    ScheduleToday,
    /// The next seven days' schedule entries.
    ScheduleWeek,
    /// The next entries still to happen, with their status.
    ScheduleStatus,
}

/// An action that ends a form, taking its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormAction {
    /// Looks up one order (`order`).
    TrackOrder,
    /// Opens a defect ticket (`description`; optional `order`, `photo`).
    CreateDefect,
    /// Looks up one ticket (`ticket`).
    TrackTicket,
    /// Keeps free-text feedback (`feedback`).
    StoreFeedback,
}

impl NodeAction {
    /// Every node action's name as written in the menu file.
    pub const NAMES: &'static [&'static str] = &[
        "recent_orders",
        "delivery_dates",
        "defect_history",
        "schedule_today",
        "schedule_week",
        "schedule_status",
    ];

    /// The action of that name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "recent_orders" => Self::RecentOrders,
            "delivery_dates" => Self::DeliveryDates,
            "defect_history" => Self::DefectHistory,
            "schedule_today" => Self::ScheduleToday,
            "schedule_week" => Self::ScheduleWeek,
            "schedule_status" => Self::ScheduleStatus,
            _ => return None,
        })
    }

    /// The action's name as written in the menu file.
    pub fn name(self) -> &'static str {
        match self {
            Self::RecentOrders => "recent_orders",
            Self::DeliveryDates => "delivery_dates",
            Self::DefectHistory => "defect_history",
            Self::ScheduleToday => "schedule_today",
            Self::ScheduleWeek => "schedule_week",
            Self::ScheduleStatus => "schedule_status",
        }
    }
}

impl FormAction {
    /// Every form action's name as written in the menu file.
    pub const NAMES: &'static [&'static str] = &[
        "track_order",
        "create_defect",
        "track_ticket",
        "store_feedback",
    ];

    /// The action of that name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "track_order" => Self::TrackOrder,
            "create_defect" => Self::CreateDefect,
            "track_ticket" => Self::TrackTicket,
            "store_feedback" => Self::StoreFeedback,
            _ => return None,
        })
    }

    /// The action's name as written in the menu file.
    pub fn name(self) -> &'static str {
        match self {
            Self::TrackOrder => "track_order",
            Self::CreateDefect => "create_defect",
            Self::TrackTicket => "track_ticket",
            Self::StoreFeedback => "store_feedback",
        }
    }

    /// The fields the form must have for this action, with the kinds they must be.
    pub fn required_fields(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Self::TrackOrder => &[("order", &["order_number"])],
            Self::CreateDefect => &[("description", &["text"])],
            Self::TrackTicket => &[("ticket", &["ticket_ref"])],
            Self::StoreFeedback => &[("feedback", &["text"])],
        }
    }

    /// Fields the action reads when present, with the kinds they must be.
    pub fn optional_fields(self) -> &'static [(&'static str, &'static [&'static str])] {
        match self {
            Self::CreateDefect => &[("order", &["order_number"]), ("photo", &["image"])],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_action() {
        for name in NodeAction::NAMES {
            assert_eq!(NodeAction::parse(name).map(NodeAction::name), Some(*name));
        }
        for name in FormAction::NAMES {
            assert_eq!(FormAction::parse(name).map(FormAction::name), Some(*name));
        }
    }
}
