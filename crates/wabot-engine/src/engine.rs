//! [`Engine::step`]: one customer input in, the new state and the replies out. Menu navigation and
//! global words live here; forms in `form.rs`, action results in `results.rs`.

use chrono::{DateTime, Utc};

use crate::input::{Input, fold, option_number};
use crate::lookup::{Lookup, RecordSource, Stepped};
use crate::menu::{GlobalWord, Menu, NodeKind, Target};
use crate::port::BusinessData;
use crate::reply::{AbandonReason, Event, HandoffChange, Reply, Step};
use crate::state::{ConversationState, FormProgress, HandoffStage};
use crate::texts::T;

/// The conversation engine: a compiled [`Menu`] and the rules to walk it. Pure: it reads no clock,
/// does no I/O, and touches business data only through the [`BusinessData`] it is handed.
#[derive(Debug)]
pub struct Engine {
    menu: Menu,
}

/// One step in progress: where the customer is, and what has been said so far.
pub(crate) struct Stepping<'a, D: ?Sized> {
    pub menu: &'a Menu,
    pub now: DateTime<Utc>,
    pub customer: &'a str,
    pub data: &'a mut D,
    pub node: usize,
    pub form: Option<FormProgress>,
    pub replies: Vec<Reply>,
    pub events: Vec<Event>,
    /// Where the conversation is with a person after the step.
    pub handoff: Option<HandoffStage>,
    /// What the step changed about it.
    pub change: Option<HandoffChange>,
    /// The language the step speaks (an index into the menu's languages).
    pub lang: usize,
    /// Whether the customer chose it.
    pub chosen: bool,
    /// Where orders and schedule are read from.
    pub source: RecordSource<'a>,
    /// The lookup the step needs before it can be taken, if any (`RecordSource::Lookup` only).
    pub needs: Option<Lookup>,
}

impl Engine {
    /// An engine for a compiled menu.
    pub fn new(menu: Menu) -> Self {
        Self { menu }
    }

    /// The menu it walks.
    pub fn menu(&self) -> &Menu {
        &self.menu
    }

    /// Takes one step: given the time, the saved state and what the customer sent, returns the state
    /// to save, the replies (never none) and analytics events. Fails only when `data` fails; the
    /// step is then not taken and may be retried with the same arguments.
    pub fn step<D: BusinessData + ?Sized>(
        &self,
        now: DateTime<Utc>,
        state: &ConversationState,
        input: &Input,
        data: &mut D,
    ) -> Result<Step, D::Error> {
        // Reading from `data`, a step never needs a lookup.
        let (step, _) = self.take(now, state, input, data, RecordSource::Data)?;
        Ok(step)
    }

    /// Takes one step as [`Engine::step`] does, reading orders and schedule from `source`: with
    /// [`RecordSource::Lookup`], a step that needs records it was not given ends as
    /// [`Stepped::Needs`] (nothing taken; `data` only read), to be stepped again with the answer.
    pub fn step_with<D: BusinessData + ?Sized>(
        &self,
        now: DateTime<Utc>,
        state: &ConversationState,
        input: &Input,
        data: &mut D,
        source: RecordSource<'_>,
    ) -> Result<Stepped, D::Error> {
        Ok(match self.take(now, state, input, data, source)? {
            (_, Some(lookup)) => Stepped::Needs(lookup),
            (step, None) => Stepped::Done(step),
        })
    }

    /// The step, and the lookup it still needs (then the step is to be thrown away).
    fn take<D: BusinessData + ?Sized>(
        &self,
        now: DateTime<Utc>,
        state: &ConversationState,
        input: &Input,
        data: &mut D,
        source: RecordSource<'_>,
    ) -> Result<(Step, Option<Lookup>), D::Error> {
        let menu = &self.menu;
        let (lang, chosen) = menu.language_of(state);
        let mut turn = Stepping {
            menu,
            now,
            customer: &state.customer,
            data,
            node: menu.settings.start,
            form: None,
            replies: Vec::with_capacity(2),
            events: Vec::with_capacity(2),
            handoff: state.handoff,
            change: None,
            lang,
            chosen,
            source,
            needs: None,
        };
        let position = state.node.as_deref().and_then(|id| menu.node(id));
        let expired = state
            .last_activity
            .is_some_and(|last| now.signed_duration_since(last) > menu.settings.idle_timeout);
        let valid = menu.is_valid_state(state);
        match (position, &state.form) {
            // Waiting for a person: the idle timeout does not apply.
            // (A person may have taken the conversation before its first step: no node yet.)
            // (Parked at a node a menu reload removed: still with the person, at the start menu.)
            (_, None) if state.handoff.is_some() => {
                let at = position.filter(|_| valid).unwrap_or(menu.settings.start);
                turn.in_handoff(at, state.handoff.unwrap_or(HandoffStage::Waiting), input);
            }
            (Some(at), _) if expired && valid => {
                turn.events.push(Event::SessionExpired);
                if state.form.is_some() {
                    turn.abandon(at, AbandonReason::Expired);
                }
                turn.say(T::WelcomeBack);
                turn.fresh_start(input)?;
            }
            (Some(at), None) if valid => turn.at_menu(at, input)?,
            (Some(at), Some(progress)) if valid => turn.in_form(at, progress.clone(), input)?,
            _ => {
                if state.node.is_none() {
                    turn.events.push(Event::SessionStarted);
                } else {
                    // Saved at a node this menu no longer has (or no longer as that kind): the
                    // menu was changed under the conversation, e.g. by a reload.
                    turn.say(T::MenuChanged);
                }
                turn.fresh_start(input)?;
            }
        }
        let step = Step {
            state: ConversationState {
                customer: state.customer.clone(),
                node: Some(menu.nodes[turn.node].id.clone()),
                form: turn.form,
                handoff: turn.handoff,
                language: menu.language_code(turn.lang),
                language_chosen: turn.chosen,
                last_activity: Some(now),
                version: state.version.wrapping_add(1),
            },
            replies: turn.replies,
            events: turn.events,
            handoff: turn.change,
        };
        Ok((step, turn.needs))
    }
}

impl<D: BusinessData + ?Sized> Stepping<'_, D> {
    /// Engine sentence `text` in the conversation's language.
    pub(crate) fn t(&self, text: T) -> &str {
        self.menu.texts.get(text, self.lang)
    }

    /// Replies with engine sentence `text`.
    pub(crate) fn say(&mut self, text: T) {
        let reply = Reply::text(self.t(text));
        self.replies.push(reply);
    }

    /// Switches the conversation to the language a language word names, if `folded` is one.
    pub(crate) fn switch_language(&mut self, folded: &str) -> bool {
        match self.menu.words.language(folded) {
            Some(lang) => {
                self.lang = lang;
                self.chosen = true;
                true
            }
            None => false,
        }
    }

    /// A conversation with no usable context: an interactive reply still names its option, anything
    /// else gets the start menu.
    fn fresh_start(&mut self, input: &Input) -> Result<(), D::Error> {
        if let Input::Choice { id, .. } = input
            && let Some((menu_at, choice)) = self.menu_choice(id)
        {
            return self.choose(menu_at, choice);
        }
        if let Input::Text { body } = input
            && self.switch_language(&fold(body))
        {
            self.show_menu(self.menu.settings.start, true);
            return Ok(());
        }
        if let Input::Text { body } = input
            && self.menu.words.global(&fold(body)) == Some(GlobalWord::Agent)
        {
            self.open_handoff(None, self.menu.settings.start);
            return Ok(());
        }
        self.show_menu(self.menu.settings.start, true);
        Ok(())
    }

    /// Finds the menu and option an interactive reply id (`m:<node>:<key>`) names.
    pub(crate) fn menu_choice(&self, id: &str) -> Option<(usize, usize)> {
        let rest = id.strip_prefix("m:")?;
        let (node_id, key) = rest.rsplit_once(':')?;
        let at = self.menu.node(node_id)?;
        let key: u32 = key.parse().ok()?;
        let NodeKind::Menu(menu) = &self.menu.nodes[at].kind else {
            return None;
        };
        let choice = menu.choices.iter().position(|choice| choice.key == key)?;
        Some((at, choice))
    }

    fn at_menu(&mut self, at: usize, input: &Input) -> Result<(), D::Error> {
        self.node = at;
        let text = match input {
            Input::Text { body } => body,
            Input::Choice { id, title } => match self.menu_choice(id) {
                Some((menu_at, choice)) => return self.choose(menu_at, choice),
                None => title,
            },
            Input::Media { .. } | Input::Unsupported { .. } => {
                self.say(T::MediaNotSupported);
                self.show_menu(at, false);
                return Ok(());
            }
        };
        let folded = fold(text);
        if self.switch_language(&folded) {
            self.show_menu(at, false);
            return Ok(());
        }
        if let Some(word) = self.menu.words.global(&folded) {
            return self.global_word(at, word);
        }
        let NodeKind::Menu(menu) = &self.menu.nodes[at].kind else {
            self.show_menu(self.menu.settings.start, false);
            return Ok(());
        };
        let picked = match option_number(&folded) {
            Some(key) => menu.choices.iter().position(|choice| choice.key == key),
            None => {
                let title_in = |lang: usize| {
                    menu.choices
                        .iter()
                        .position(|choice| choice.folded_titles.get(lang) == Some(&folded))
                };
                // The conversation's language first, then any other.
                title_in(self.lang)
                    .or_else(|| (0..self.menu.languages.codes.len()).find_map(title_in))
            }
        };
        match picked {
            Some(choice) => self.choose(at, choice),
            None => {
                self.not_understood(at);
                Ok(())
            }
        }
    }

    fn global_word(&mut self, at: usize, word: GlobalWord) -> Result<(), D::Error> {
        match word {
            GlobalWord::MainMenu | GlobalWord::Cancel => {
                self.show_menu(self.menu.settings.start, true)
            }
            GlobalWord::Back => self.show_menu(self.menu.return_menu(at), true),
            GlobalWord::Agent => self.open_handoff(None, at),
            GlobalWord::Help => match self.menu.settings.help_node {
                Some(help) => return self.enter(help),
                None => {
                    self.say(T::Help);
                    self.show_menu(at, false);
                }
            },
        }
        Ok(())
    }

    pub(crate) fn not_understood(&mut self, at: usize) {
        self.events.push(Event::NotUnderstood {
            node: self.menu.nodes[at].id.clone(),
        });
        self.say(T::NotUnderstood);
        self.show_menu(at, false);
    }

    /// Follows option `choice` of the menu at `menu_at`.
    pub(crate) fn choose(&mut self, menu_at: usize, choice: usize) -> Result<(), D::Error> {
        let NodeKind::Menu(menu) = &self.menu.nodes[menu_at].kind else {
            self.show_menu(self.menu.settings.start, false);
            return Ok(());
        };
        let picked = &menu.choices[choice];
        self.events.push(Event::OptionChosen {
            node: self.menu.nodes[menu_at].id.clone(),
            key: picked.key,
        });
        match picked.target {
            Target::Back => {
                self.show_menu(self.menu.return_menu(menu_at), true);
                Ok(())
            }
            Target::Node(to) => self.enter(to),
        }
    }

    /// Enters a node: shows a menu, answers a text or action and returns to its menu, or starts a form.
    pub(crate) fn enter(&mut self, to: usize) -> Result<(), D::Error> {
        let node = &self.menu.nodes[to];
        match &node.kind {
            NodeKind::Menu(_) => self.show_menu(to, true),
            NodeKind::Text(text) => {
                self.entered(to);
                self.replies.push(Reply::text(text.get(self.lang)));
                self.show_menu(self.menu.return_menu(to), false);
            }
            NodeKind::Action(action) => {
                self.entered(to);
                let answer = crate::results::run_node_action(self, *action)?;
                self.replies.push(Reply::text(answer));
                self.show_menu(self.menu.return_menu(to), false);
            }
            NodeKind::Handoff(_) => self.open_handoff(Some(to), self.menu.return_menu(to)),
            NodeKind::Form(_) => {
                self.entered(to);
                self.node = to;
                self.form = Some(FormProgress::default());
                self.prompt(to);
            }
        }
        Ok(())
    }

    fn entered(&mut self, at: usize) {
        self.events.push(Event::NodeEntered {
            node: self.menu.nodes[at].id.clone(),
        });
    }

    /// Shows the menu at `at` and makes it the current node; `navigated` records the visit.
    pub(crate) fn show_menu(&mut self, at: usize, navigated: bool) {
        let NodeKind::Menu(menu) = &self.menu.nodes[at].kind else {
            // Only menus are ever shown: `return_menu` and `start` name menus (checked by compile).
            return self.show_menu(self.menu.settings.start, navigated);
        };
        if navigated {
            self.entered(at);
        }
        self.node = at;
        self.form = None;
        let reply = menu.reply.get(self.lang).or(menu.reply.first());
        self.replies.extend(reply.cloned().map(Reply::Menu));
    }

    /// Ends the form at `at` without running its action.
    pub(crate) fn abandon(&mut self, at: usize, reason: AbandonReason) {
        self.form = None;
        self.events.push(Event::FormAbandoned {
            node: self.menu.nodes[at].id.clone(),
            reason,
        });
    }

    /// The customer's local date, by the menu's UTC offset.
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        self.now
            .with_timezone(&self.menu.settings.utc_offset)
            .date_naive()
    }
}
