//! Events, state serialisation, and failures of the business data port.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use wabot_engine::{
    AbandonReason, BusinessData, ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, DefectTicket,
    Engine, Event, InMemoryBusinessData, Input, Menu, NewDefect, Order, Reply, ScheduleEntry,
};

fn engine() -> Engine {
    Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap())
}

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

/// Runs texts in order, returning the last step's events and state.
fn run(engine: &Engine, texts: &[&str]) -> (Vec<Vec<Event>>, ConversationState) {
    let mut data = InMemoryBusinessData::demo(noon().date_naive());
    let mut state = ConversationState::new(DEMO_CUSTOMER);
    let mut all = Vec::new();
    for text in texts {
        let step = engine
            .step(noon(), &state, &Input::text(*text), &mut data)
            .unwrap();
        all.push(step.events);
        state = step.state;
    }
    (all, state)
}

fn entered(node: &str) -> Event {
    Event::NodeEntered { node: node.into() }
}

#[test]
fn navigation_reports_session_start_entries_and_choices() {
    let (events, _) = run(&engine(), &["hi", "1", "1", "nonsense"]);
    assert_eq!(events[0], [Event::SessionStarted, entered("main")]);
    let chose = Event::OptionChosen {
        node: "main".into(),
        key: 1,
    };
    assert_eq!(events[1], [chose, entered("orders")]);
    let recent = Event::OptionChosen {
        node: "orders".into(),
        key: 1,
    };
    assert_eq!(events[2], [recent, entered("recent_orders")]);
    assert_eq!(
        events[3],
        [Event::NotUnderstood {
            node: "orders".into()
        }]
    );
}

#[test]
fn forms_report_completion_and_each_way_of_abandoning() {
    let engine = engine();
    let (events, state) = run(&engine, &["hi", "1", "2", "ORD-001"]);
    assert!(events[3].contains(&Event::FormCompleted {
        node: "track_order".into()
    }));
    assert_eq!(state.node.as_deref(), Some("orders"));
    assert_eq!(state.form, None);

    let abandoned = |reason| Event::FormAbandoned {
        node: "track_order".into(),
        reason,
    };
    let (events, _) = run(&engine, &["hi", "1", "2", "cancel"]);
    assert!(events[3].contains(&abandoned(AbandonReason::Cancelled)));
    let (events, _) = run(&engine, &["hi", "1", "2", "menu"]);
    assert!(events[3].contains(&abandoned(AbandonReason::LeftForMenu)));
    let (events, _) = run(&engine, &["hi", "1", "2", "x", "y", "z"]);
    assert!(events[5].contains(&abandoned(AbandonReason::TooManyAttempts)));
}

#[test]
fn an_idle_form_expires_with_a_welcome_back() {
    let engine = engine();
    let mut data = InMemoryBusinessData::demo(noon().date_naive());
    let (_, state) = run(&engine, &["hi", "1", "2"]);
    let later = noon() + TimeDelta::minutes(31);
    let step = engine
        .step(later, &state, &Input::text("ORD-001"), &mut data)
        .unwrap();
    assert_eq!(step.events[0], Event::SessionExpired);
    let expired = Event::FormAbandoned {
        node: "track_order".into(),
        reason: AbandonReason::Expired,
    };
    assert!(step.events.contains(&expired));
    assert!(step.replies[0].to_plain_text().starts_with("Welcome back"));
    assert!(
        matches!(&step.replies[1], Reply::Menu(menu) if menu.header.as_deref() == Some("Main Menu"))
    );
    // The very next input is understood normally: no loop of welcomes.
    let next = engine
        .step(later, &step.state, &Input::text("1"), &mut data)
        .unwrap();
    assert_eq!(next.state.node.as_deref(), Some("orders"));
}

#[test]
fn the_state_round_trips_through_json() {
    let (_, state) = run(&engine(), &["hi", "2", "1", "ORD-002"]);
    assert!(state.form.is_some());
    let json = serde_json::to_string(&state).unwrap();
    let back: ConversationState = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
}

/// A data source that always fails, like a database that went away.
struct Broken;

#[derive(Debug)]
struct Gone;

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database gone")
    }
}
impl std::error::Error for Gone {}

impl BusinessData for Broken {
    type Error = Gone;
    fn recent_orders(&mut self, _: &str, _: usize) -> Result<Vec<Order>, Gone> {
        Err(Gone)
    }
    fn order(&mut self, _: &str, _: &str) -> Result<Option<Order>, Gone> {
        Err(Gone)
    }
    fn delivery_dates(&mut self, _: &str) -> Result<Vec<Order>, Gone> {
        Err(Gone)
    }
    fn create_defect(
        &mut self,
        _: &str,
        _: NewDefect,
        _: DateTime<Utc>,
    ) -> Result<DefectTicket, Gone> {
        Err(Gone)
    }
    fn defect_history(&mut self, _: &str, _: usize) -> Result<Vec<DefectTicket>, Gone> {
        Err(Gone)
    }
    fn defect(&mut self, _: &str, _: &str) -> Result<Option<DefectTicket>, Gone> {
        Err(Gone)
    }
    fn schedule(
        &mut self,
        _: &str,
        _: NaiveDate,
        _: NaiveDate,
    ) -> Result<Vec<ScheduleEntry>, Gone> {
        Err(Gone)
    }
    fn upcoming_schedule(
        &mut self,
        _: &str,
        _: NaiveDate,
        _: usize,
    ) -> Result<Vec<ScheduleEntry>, Gone> {
        Err(Gone)
    }
    fn store_feedback(&mut self, _: &str, _: &str, _: DateTime<Utc>) -> Result<(), Gone> {
        Err(Gone)
    }
}

#[test]
fn a_failing_port_fails_the_step_instead_of_answering() {
    let engine = engine();
    let (_, state) = run(&engine, &["hi", "1"]);
    // Navigation needs no data and still works.
    let step = engine
        .step(noon(), &state, &Input::text("back"), &mut Broken)
        .unwrap();
    assert_eq!(step.state.node.as_deref(), Some("main"));
    // An action needs data: the step fails and the caller keeps the old state to retry.
    let error = engine
        .step(noon(), &state, &Input::text("1"), &mut Broken)
        .unwrap_err();
    assert_eq!(error.to_string(), "database gone");
}

#[test]
fn a_conversation_at_a_node_the_menu_no_longer_has_starts_again_saying_the_menu_changed() {
    let engine = engine();
    let mut data = InMemoryBusinessData::demo(noon().date_naive());
    let (_, mut state) = run(&engine, &["hi", "1"]);
    assert_eq!(state.node.as_deref(), Some("orders"));
    // A reload removed `orders`: the saved state names a node this menu does not have.
    state.node = Some("orders_removed_by_a_reload".into());
    let step = engine
        .step(noon(), &state, &Input::text("1"), &mut data)
        .unwrap();
    let Reply::Text { body } = &step.replies[0] else {
        panic!("a sentence first: {:?}", step.replies);
    };
    assert!(body.contains("menu has changed"), "{body}");
    assert_eq!(step.replies.len(), 2, "then the start menu");
    assert_eq!(step.state.node.as_deref(), Some("main"));
    assert!(engine.menu().is_valid_state(&step.state));
    // A first message is no menu change.
    let fresh = engine
        .step(
            noon(),
            &ConversationState::new(DEMO_CUSTOMER),
            &Input::text("hi"),
            &mut data,
        )
        .unwrap();
    assert!(!matches!(&fresh.replies[0], Reply::Text { body } if body.contains("changed")));
}
