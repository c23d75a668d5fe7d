//! Compiling the file's `[settings]`, `[words]` and `[texts]` tables, with English defaults.

use std::collections::HashMap;

use chrono::{FixedOffset, TimeDelta};
use toml::Spanned;

use crate::compile::Checker;
use crate::definition::{RawSettings, RawTexts, RawWords};
use crate::input::fold;
use crate::limits;
use crate::menu::{AnswerWord, GlobalWord, Settings, Texts, Words};

const DEFAULT_IDLE_MINUTES: i64 = 30;
const DEFAULT_MAX_ATTEMPTS: i64 = 3;

fn text_or(
    check: &mut Checker<'_>,
    value: &Option<Spanned<String>>,
    default: &str,
    max: usize,
    what: &str,
) -> String {
    match value {
        Some(value) => check.non_empty_text(value, max, what),
        None => default.to_owned(),
    }
}

pub(crate) fn compile_texts(
    check: &mut Checker<'_>,
    texts: &RawTexts,
    settings: &RawSettings,
) -> Texts {
    use limits::{MAX_BUTTON_TITLE as LABEL, MAX_INTERACTIVE_BODY as BODY, MAX_TEXT as TEXT};
    Texts {
        welcome_back: text_or(
            check,
            &texts.welcome_back,
            "Welcome back! We start again from the main menu.",
            TEXT,
            "texts.welcome_back",
        ),
        menu_changed: text_or(
            check,
            &texts.menu_changed,
            "Our menu has changed since your last message, so we start again from the main menu.",
            TEXT,
            "texts.menu_changed",
        ),
        not_understood: text_or(
            check,
            &texts.not_understood,
            "Sorry, I didn't understand that. Please choose one of the options below.",
            TEXT,
            "texts.not_understood",
        ),
        media_not_supported: text_or(
            check,
            &texts.media_not_supported,
            "I can read text and menu choices only.",
            TEXT,
            "texts.media_not_supported",
        ),
        cancelled: text_or(
            check,
            &texts.cancelled,
            "Cancelled.",
            TEXT,
            "texts.cancelled",
        ),
        too_many_attempts: text_or(
            check,
            &texts.too_many_attempts,
            "That didn't work out. Let's go back to the menu.",
            TEXT,
            "texts.too_many_attempts",
        ),
        help: text_or(
            check,
            &texts.help,
            "Send a number or tap an option to choose. Send *menu* for the main menu, *back* to go \
             back, and *cancel* to stop filling in a form.",
            BODY,
            "texts.help",
        ),
        skip_label: text_or(check, &texts.skip_label, "Skip", LABEL, "texts.skip_label"),
        yes_label: text_or(check, &texts.yes_label, "Yes", LABEL, "texts.yes_label"),
        no_label: text_or(check, &texts.no_label, "No", LABEL, "texts.no_label"),
        list_button: text_or(
            check,
            &settings.list_button,
            "Choose",
            limits::MAX_LIST_BUTTON,
            "settings.list_button",
        ),
        handoff_queued: text_or(
            check,
            &texts.handoff_queued,
            "Thanks! You are in the queue for a person from our team. Send *menu* at any time to \
             go back to the bot.",
            TEXT,
            "texts.handoff_queued",
        ),
        handoff_open: text_or(
            check,
            &texts.handoff_open,
            "Someone will answer you shortly.",
            TEXT,
            "texts.handoff_open",
        ),
        handoff_closed_now: text_or(
            check,
            &texts.handoff_closed_now,
            "Our team is away right now; we will answer from {when}.",
            TEXT,
            "texts.handoff_closed_now",
        ),
        handoff_unanswered: text_or(
            check,
            &texts.handoff_unanswered,
            "Sorry, nobody from our team is free right now. Write your message and we will get \
             back to you, or send *menu* to go back to the bot.",
            TEXT,
            "texts.handoff_unanswered",
        ),
        handoff_message_left: text_or(
            check,
            &texts.handoff_message_left,
            "Thank you, we have your message and will get back to you.",
            TEXT,
            "texts.handoff_message_left",
        ),
        handoff_ended: text_or(
            check,
            &texts.handoff_ended,
            "Our team has closed this conversation; the bot is back to help you.",
            TEXT,
            "texts.handoff_ended",
        ),
    }
}

/// A configured list of words, if the file has one.
type WordList = Option<Spanned<Vec<String>>>;

/// What a group of words means.
#[derive(Clone, Copy)]
enum Meaning {
    Global(GlobalWord),
    Answer(AnswerWord),
}

pub(crate) fn compile_words(check: &mut Checker<'_>, words: &RawWords) -> Words {
    use AnswerWord::{No, Skip, Yes};
    use GlobalWord::{Agent, Back, Cancel, Help, MainMenu};
    let groups: [(&WordList, &str, &[&str], Meaning); 8] = [
        (
            &words.main_menu,
            "main_menu",
            &["hi", "hello", "hey", "start", "menu"],
            Meaning::Global(MainMenu),
        ),
        (&words.back, "back", &["back", "0"], Meaning::Global(Back)),
        (
            &words.cancel,
            "cancel",
            &["cancel", "stop"],
            Meaning::Global(Cancel),
        ),
        (&words.help, "help", &["help"], Meaning::Global(Help)),
        (
            &words.agent,
            "agent",
            &["agent", "human", "person", "operator"],
            Meaning::Global(Agent),
        ),
        (&words.skip, "skip", &["skip"], Meaning::Answer(Skip)),
        (&words.yes, "yes", &["yes", "y"], Meaning::Answer(Yes)),
        (&words.no, "no", &["no", "n"], Meaning::Answer(No)),
    ];
    let mut out = Words::default();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (configured, group, defaults, meaning) in groups {
        let (line, list): (usize, Vec<String>) = match configured {
            Some(list) => (check.file.line(list), list.get_ref().clone()),
            None => (0, defaults.iter().map(|word| (*word).to_owned()).collect()),
        };
        if list.is_empty() {
            check.problem(line, format!("words.{group} needs at least one word"));
        }
        for word in list {
            let folded = fold(&word);
            if folded.is_empty() {
                check.problem(line, format!("words.{group} has an empty word"));
                continue;
            }
            if let Some(other) = seen.insert(folded.clone(), group) {
                check.problem(
                    line,
                    format!("the word `{folded}` is in both words.{other} and words.{group}"),
                );
            }
            match meaning {
                Meaning::Global(meaning) => out.global.push((folded, meaning)),
                Meaning::Answer(meaning) => out.answers.push((folded, meaning)),
            }
        }
    }
    // Only heard while waiting for a person, so they may be main-menu words too.
    let (line, leave) = match &words.leave_queue {
        Some(list) => (check.file.line(list), list.get_ref().clone()),
        None => (0, vec!["menu".to_owned()]),
    };
    out.leave_queue = leave
        .iter()
        .map(|word| fold(word))
        .filter(|w| !w.is_empty())
        .collect();
    if out.leave_queue.is_empty() {
        check.problem(line, "words.leave_queue needs at least one word".to_owned());
    }
    out
}

fn number_in(
    check: &mut Checker<'_>,
    value: &Option<Spanned<i64>>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
    what: &str,
) -> i64 {
    let Some(value) = value else {
        return default;
    };
    let number = *value.get_ref();
    if range.contains(&number) {
        number
    } else {
        let line = check.file.line(value);
        let (low, high) = (range.start(), range.end());
        check.problem(
            line,
            format!("{what} is {number}; it must be from {low} to {high}"),
        );
        default
    }
}

fn prefix(
    check: &mut Checker<'_>,
    value: &Option<Spanned<String>>,
    default: &str,
    what: &str,
) -> String {
    let Some(value) = value else {
        return default.to_owned();
    };
    let text = value.get_ref();
    let fine = (1..=8).contains(&text.len()) && text.chars().all(|c| c.is_ascii_uppercase());
    if !fine {
        let line = check.file.line(value);
        check.problem(
            line,
            format!("{what} `{text}` must be 1 to 8 capital letters A-Z"),
        );
    }
    text.clone()
}

/// Settings, or `None` when the start node is unusable (the problem is reported).
pub(crate) fn compile_settings(
    check: &mut Checker<'_>,
    raw: &RawSettings,
    index: &HashMap<String, usize>,
) -> Option<Settings> {
    let idle = number_in(
        check,
        &raw.idle_timeout_minutes,
        DEFAULT_IDLE_MINUTES,
        1..=10_080,
        "settings.idle_timeout_minutes",
    );
    let attempts = number_in(
        check,
        &raw.max_attempts,
        DEFAULT_MAX_ATTEMPTS,
        1..=10,
        "settings.max_attempts",
    );
    let offset_minutes = number_in(
        check,
        &raw.utc_offset_minutes,
        0,
        -14 * 60..=14 * 60,
        "settings.utc_offset_minutes",
    );
    let order_prefix = prefix(check, &raw.order_prefix, "ORD", "settings.order_prefix");
    let ticket_prefix = prefix(check, &raw.ticket_prefix, "DEF", "settings.ticket_prefix");
    let start = menu_node(check, &raw.start, "main", index, "settings.start");
    let help_node = match &raw.help_node {
        Some(_) => Some(menu_node(
            check,
            &raw.help_node,
            "",
            index,
            "settings.help_node",
        )?),
        None => None,
    };
    Some(Settings {
        start: start?,
        help_node,
        idle_timeout: TimeDelta::minutes(idle),
        // The range checks above keep both within bounds, so neither conversion yields `None`.
        max_attempts: u32::try_from(attempts).ok()?,
        utc_offset: i32::try_from(offset_minutes * 60)
            .ok()
            .and_then(FixedOffset::east_opt)?,
        order_prefix,
        ticket_prefix,
        // Replaced by `[business_hours]` when the file has it (`compile_hours`).
        hours: crate::hours::BusinessHours::always(FixedOffset::east_opt(0)?),
    })
}

/// The node a setting names, which must exist and be a menu.
fn menu_node(
    check: &mut Checker<'_>,
    value: &Option<Spanned<String>>,
    default: &str,
    index: &HashMap<String, usize>,
    what: &str,
) -> Option<usize> {
    let (line, name) = match value {
        Some(value) => (check.file.line(value), value.get_ref().as_str()),
        None => (0, default),
    };
    let Some(&at) = index.get(name) else {
        check.problem(line, format!("{what} names `{name}`, which is not a node"));
        return None;
    };
    let raw = check.file.raw.nodes[at].get_ref();
    let is_menu = raw
        .kind
        .as_ref()
        .is_some_and(|kind| kind.get_ref() == "menu");
    if !is_menu {
        check.problem(line, format!("{what} names `{name}`, which is not a menu"));
        return None;
    }
    Some(at)
}
