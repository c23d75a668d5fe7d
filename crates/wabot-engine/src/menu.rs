//! The compiled menu: a validated tree the engine walks, with its replies built once.

use std::collections::HashMap;

use chrono::{FixedOffset, TimeDelta};
use regex::Regex;

use crate::actions::{FormAction, NodeAction};
use crate::definition::MenuFile;
use crate::error::MenuErrors;
use crate::language::{Languages, Tr};
use crate::reply::MenuReply;
use crate::state::ConversationState;
use crate::texts::Texts;

/// A validated menu, ready for [`crate::Engine::new`]. Only [`Menu::compile`] makes one, so every
/// node reference in it resolves and every reply fits WhatsApp's limits.
#[derive(Debug)]
pub struct Menu {
    pub(crate) settings: Settings,
    pub(crate) words: Words,
    pub(crate) texts: Texts,
    pub(crate) languages: Languages,
    pub(crate) nodes: Vec<Node>,
    pub(crate) index: HashMap<String, usize>,
}

#[derive(Debug)]
pub(crate) struct Settings {
    pub start: usize,
    pub help_node: Option<usize>,
    pub idle_timeout: TimeDelta,
    pub max_attempts: u32,
    pub utc_offset: FixedOffset,
    pub order_prefix: String,
    pub ticket_prefix: String,
    pub hours: crate::hours::BusinessHours,
}

/// A word that means the same everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GlobalWord {
    MainMenu,
    Back,
    Cancel,
    Help,
    /// Asks for a person (`words.agent`).
    Agent,
}

/// A word that answers a form question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnswerWord {
    Skip,
    Yes,
    No,
}

#[derive(Debug, Default)]
pub(crate) struct Words {
    /// Folded words and what they mean.
    pub global: Vec<(String, GlobalWord)>,
    pub answers: Vec<(String, AnswerWord)>,
    /// Folded words that leave the queue for a person (`words.leave_queue`).
    pub leave_queue: Vec<String>,
    /// Folded words that switch the conversation to a language (`[languages.words]`).
    pub languages: Vec<(String, usize)>,
}

impl Words {
    pub fn global(&self, folded: &str) -> Option<GlobalWord> {
        self.global
            .iter()
            .find(|(word, _)| word == folded)
            .map(|&(_, meaning)| meaning)
    }

    /// The language a folded word switches to, if it is a language word.
    pub fn language(&self, folded: &str) -> Option<usize> {
        self.languages
            .iter()
            .find(|(word, _)| word == folded)
            .map(|&(_, lang)| lang)
    }

    pub fn answer(&self, folded: &str) -> Option<AnswerWord> {
        self.answers
            .iter()
            .find(|(word, _)| word == folded)
            .map(|&(_, meaning)| meaning)
    }
}

#[derive(Debug)]
pub(crate) struct Node {
    pub id: String,
    /// The menu a customer returns to from here ("back", and after an action, text or form).
    pub parent: Option<usize>,
    pub kind: NodeKind,
}

#[derive(Debug)]
pub(crate) enum NodeKind {
    Menu(MenuNode),
    Action(NodeAction),
    Form(FormNode),
    Text(Tr),
    /// Hands the conversation to a person; the text is the queue notice (else `texts.handoff_queued`).
    Handoff(Option<Tr>),
}

#[derive(Debug)]
pub(crate) struct MenuNode {
    pub choices: Vec<Choice>,
    /// The reply that shows this menu, built once per language.
    pub reply: Vec<MenuReply>,
}

#[derive(Debug)]
pub(crate) struct Choice {
    pub key: u32,
    /// The folded title in each language.
    pub folded_titles: Vec<String>,
    pub target: Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Node(usize),
    Back,
}

#[derive(Debug)]
pub(crate) struct FormNode {
    pub action: FormAction,
    pub fields: Vec<Field>,
}

#[derive(Debug)]
pub(crate) struct Field {
    pub name: String,
    pub kind: FieldKind,
    pub prompt: Tr,
    pub hint: Option<Tr>,
    /// How the answer is named in a confirmation's summary (else from `name`).
    pub label: Option<Tr>,
    pub optional: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<Regex>,
    pub choices: Vec<Tr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Text,
    OrderNumber,
    TicketRef,
    Choice,
    Image,
    Confirm,
}

impl FieldKind {
    pub const NAMES: &'static [&'static str] = &[
        "text",
        "order_number",
        "ticket_ref",
        "choice",
        "image",
        "confirm",
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "text" => Self::Text,
            "order_number" => Self::OrderNumber,
            "ticket_ref" => Self::TicketRef,
            "choice" => Self::Choice,
            "image" => Self::Image,
            "confirm" => Self::Confirm,
            _ => return None,
        })
    }

    /// The kind's name as written in the menu file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::OrderNumber => "order_number",
            Self::TicketRef => "ticket_ref",
            Self::Choice => "choice",
            Self::Image => "image",
            Self::Confirm => "confirm",
        }
    }
}

impl Menu {
    /// Parses and validates a menu file in one go; see [`MenuFile::parse`] and [`Menu::compile`].
    pub fn from_toml_str(source: &str) -> Result<Self, MenuErrors> {
        Self::compile(&MenuFile::parse(source)?)
    }

    /// Validates a parsed menu file and builds the menu, or reports every problem, each with its line.
    pub fn compile(file: &MenuFile) -> Result<Self, MenuErrors> {
        crate::compile::compile(file)
    }

    /// The id of the node every conversation starts at.
    pub fn start(&self) -> &str {
        &self.nodes[self.settings.start].id
    }

    /// Every node id, in file order.
    pub fn node_ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|node| node.id.as_str())
    }

    /// The menu's language codes, the default first (`["en"]` when the file declares none).
    pub fn languages(&self) -> &[String] {
        &self.languages.codes
    }

    /// How long a conversation may stay idle before it starts afresh.
    pub fn idle_timeout(&self) -> TimeDelta {
        self.settings.idle_timeout
    }

    /// The prefix of order numbers (`settings.order_prefix`, `ORD` by default): customers type
    /// them in any form and [`crate::normalize_reference`] makes `ORD-001` of them, so orders
    /// written from outside are stored in that form too.
    pub fn order_prefix(&self) -> &str {
        &self.settings.order_prefix
    }

    /// Whether a state is one the engine can be at with this menu: before the first step, at a
    /// menu with no form progress, or inside a form at one of its fields.
    pub fn is_valid_state(&self, state: &ConversationState) -> bool {
        match (&state.node, &state.form) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(id), form) => match (self.node(id).map(|at| &self.nodes[at].kind), form) {
                (Some(NodeKind::Menu(_)), None) => true,
                (Some(NodeKind::Form(node)), Some(progress)) => progress.field < node.fields.len(),
                _ => false,
            },
        }
    }

    /// The language a conversation speaks, and whether the customer chose it: a chosen language the
    /// menu still has, else the one the customer's calling code suggests, else the default.
    pub(crate) fn language_of(&self, state: &ConversationState) -> (usize, bool) {
        let chosen = state
            .language
            .as_deref()
            .filter(|_| state.language_chosen)
            .and_then(|code| self.languages.index(code));
        match chosen {
            Some(lang) => (lang, true),
            None => (
                self.languages.for_number(&state.customer).unwrap_or(0),
                false,
            ),
        }
    }

    /// The code to save for language `lang`: none when the menu declares no languages.
    pub(crate) fn language_code(&self, lang: usize) -> Option<String> {
        self.languages
            .declared
            .then(|| self.languages.codes.get(lang).cloned())
            .flatten()
    }

    pub(crate) fn node(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub(crate) fn form(&self, at: usize) -> Option<&FormNode> {
        match &self.nodes[at].kind {
            NodeKind::Form(form) => Some(form),
            _ => None,
        }
    }

    /// The reply that shows the menu at `at` in language `lang`, if it is a menu.
    pub(crate) fn menu_reply(&self, at: usize, lang: usize) -> Option<crate::reply::MenuReply> {
        match &self.nodes[at].kind {
            NodeKind::Menu(menu) => menu.reply.get(lang).or(menu.reply.first()).cloned(),
            _ => None,
        }
    }

    /// The menu a customer returns to from `at`: its parent, else the start menu.
    pub(crate) fn return_menu(&self, at: usize) -> usize {
        self.nodes[at].parent.unwrap_or(self.settings.start)
    }
}
