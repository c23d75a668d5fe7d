//! Handing a conversation to a person, on the engine's side: asking for one (a `handoff` node or
//! `words.agent`) puts the customer in the queue with a notice that says when someone will answer
//! (from `[business_hours]`); while they wait the bot is silent, except for `words.leave_queue`,
//! which brings the menu back. When nobody answers in time the customer may leave a message; when a
//! person closes the conversation the bot takes over again. The queue itself is the store's.

use chrono::{DateTime, Utc};

use crate::engine::{Engine, Stepping};
use crate::input::{Input, fold};
use crate::menu::NodeKind;
use crate::port::BusinessData;
use crate::reply::{Event, HandoffChange, Reply, Step};
use crate::state::{ConversationState, HandoffStage};
use crate::texts::{T, fill};

impl<D: BusinessData + ?Sized> Stepping<'_, D> {
    /// Puts the customer in the queue for a person: through the handoff node `node`, or a word
    /// (`None`); `menu_at` is the menu they will be at when they come back.
    pub(crate) fn open_handoff(&mut self, node: Option<usize>, menu_at: usize) {
        let texts = &self.menu.texts;
        let lang = self.lang;
        let own_notice = node.and_then(|at| match &self.menu.nodes[at].kind {
            NodeKind::Handoff(text) => text.as_ref().map(|text| text.get(lang).to_owned()),
            _ => None,
        });
        let hours = &self.menu.settings.hours;
        let when = if hours.is_open(self.now) {
            self.t(T::HandoffOpen).to_owned()
        } else {
            let at = hours.next_opening(self.now).map_or_else(
                || "?".to_owned(),
                |at| {
                    let day = texts.weekday(chrono::Datelike::weekday(&at), lang);
                    format!("{day} {}", at.format("%H:%M"))
                },
            );
            fill(self.t(T::HandoffClosedNow), &[("when", &at)])
        };
        let notice = own_notice.unwrap_or_else(|| self.t(T::HandoffQueued).to_owned());
        self.replies
            .push(Reply::text(format!("{notice}\n\n{when}")));
        if let Some(at) = node {
            self.events.push(Event::NodeEntered {
                node: self.menu.nodes[at].id.clone(),
            });
        }
        self.node = menu_at;
        self.form = None;
        self.handoff = Some(HandoffStage::Waiting);
        self.change = Some(HandoffChange::Opened {
            node: node.map(|at| self.menu.nodes[at].id.clone()),
        });
    }

    /// A message while the conversation waits for (or is with) a person: silent, unless it is a
    /// leave word, or the message left after nobody answered.
    pub(crate) fn in_handoff(&mut self, at: usize, stage: HandoffStage, input: &Input) {
        self.node = at;
        let text = match input {
            Input::Text { body } => Some(body.as_str()),
            Input::Choice { title, .. } => Some(title.as_str()),
            Input::Media { caption, .. } => caption.as_deref(),
            Input::Unsupported { .. } => None,
        };
        if text.is_some_and(|text| self.menu.words.leave_queue.contains(&fold(text))) {
            self.handoff = None;
            self.change = Some(HandoffChange::Left);
            self.show_menu(self.menu.settings.start, true);
            return;
        }
        if stage == HandoffStage::Offered {
            let left = text.map_or_else(|| "(a message without text)".to_owned(), str::to_owned);
            self.handoff = Some(HandoffStage::MessageLeft);
            self.change = Some(HandoffChange::MessageLeft { text: left });
            self.say(T::HandoffMessageLeft);
        }
    }
}

impl Engine {
    /// Nobody took the waiting conversation in time: the customer is told and may leave a message.
    /// `None` when the conversation is not waiting in the queue.
    pub fn handoff_unanswered(&self, state: &ConversationState) -> Option<Step> {
        if state.handoff != Some(HandoffStage::Waiting) {
            return None;
        }
        let (lang, _) = self.menu().language_of(state);
        let text = self.menu().texts.get(T::HandoffUnanswered, lang);
        Some(Step {
            state: ConversationState {
                handoff: Some(HandoffStage::Offered),
                version: state.version.wrapping_add(1),
                ..state.clone()
            },
            replies: vec![Reply::text(text)],
            events: Vec::new(),
            handoff: None,
        })
    }

    /// A person closed the conversation: the bot is back, at the main menu.
    pub fn handoff_ended(&self, now: DateTime<Utc>, state: &ConversationState) -> Step {
        let menu = self.menu();
        let start = menu.start().to_owned();
        let (lang, chosen) = menu.language_of(state);
        let mut replies = vec![Reply::text(menu.texts.get(T::HandoffEnded, lang))];
        replies.extend(menu.menu_reply(menu.settings.start, lang).map(Reply::Menu));
        Step {
            state: ConversationState {
                node: Some(start.clone()),
                form: None,
                handoff: None,
                language: menu.language_code(lang),
                language_chosen: chosen,
                last_activity: Some(now),
                version: state.version.wrapping_add(1),
                customer: state.customer.clone(),
            },
            replies,
            events: vec![Event::NodeEntered { node: start }],
            handoff: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;
    use crate::{DEFAULT_MENU_TOML, DEMO_CUSTOMER, InMemoryBusinessData, Menu};

    fn engine(extra: &str) -> Engine {
        Engine::new(Menu::from_toml_str(&format!("{DEFAULT_MENU_TOML}\n{extra}")).unwrap())
    }

    fn say(engine: &Engine, now: DateTime<Utc>, state: &ConversationState, text: &str) -> Step {
        let mut data = InMemoryBusinessData::demo(now.date_naive());
        engine
            .step(now, state, &Input::text(text), &mut data)
            .unwrap()
    }

    #[test]
    fn outside_business_hours_the_notice_says_when_someone_answers() {
        let engine = engine("[business_hours]\nmon = \"09:00-18:00\"\ntue = \"09:00-18:00\"\n");
        // Saturday 2026-12-05, 10:00 UTC: next opening Monday 09:00.
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 10, 0, 0).unwrap();
        let step = say(
            &engine,
            now,
            &ConversationState::new(DEMO_CUSTOMER),
            "agent",
        );
        let notice = step.replies[0].to_plain_text();
        assert!(
            notice.contains("we will answer from Monday 09:00"),
            "{notice}"
        );
        assert_eq!(step.handoff, Some(HandoffChange::Opened { node: None }));
        assert_eq!(step.state.handoff, Some(HandoffStage::Waiting));
    }

    #[test]
    fn unanswered_customers_may_leave_a_message_and_a_closed_handoff_brings_the_bot_back() {
        let engine = engine("");
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
        let waiting = say(
            &engine,
            now,
            &ConversationState::new(DEMO_CUSTOMER),
            "agent",
        )
        .state;
        assert!(
            say(&engine, now, &waiting, "hello?").replies.is_empty(),
            "silent while waiting"
        );

        let offered = engine.handoff_unanswered(&waiting).unwrap();
        assert_eq!(offered.state.handoff, Some(HandoffStage::Offered));
        assert!(
            offered.replies[0]
                .to_plain_text()
                .contains("Write your message")
        );
        assert!(
            engine.handoff_unanswered(&offered.state).is_none(),
            "told once"
        );

        let left = say(&engine, now, &offered.state, "Please call me at 5pm");
        assert_eq!(
            left.handoff,
            Some(HandoffChange::MessageLeft {
                text: "Please call me at 5pm".into()
            })
        );
        assert_eq!(left.state.handoff, Some(HandoffStage::MessageLeft));
        assert!(say(&engine, now, &left.state, "thanks").replies.is_empty());

        let back = engine.handoff_ended(now, &left.state);
        assert_eq!(back.state.handoff, None);
        assert_eq!(back.state.node.as_deref(), Some("main"));
        assert_eq!(
            back.replies.len(),
            2,
            "the closing sentence and the main menu"
        );
        assert!(engine.menu().is_valid_state(&back.state));
        let next = say(&engine, now, &back.state, "1");
        assert!(
            next.replies[0].to_plain_text().contains("Order Status"),
            "the bot answers again"
        );
    }
}
