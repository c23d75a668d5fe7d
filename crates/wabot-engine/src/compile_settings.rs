//! Compiling the file's `[settings]`, `[words]` and `[texts]` tables, with English defaults.

use std::collections::HashMap;

use chrono::{FixedOffset, TimeDelta};
use toml::Spanned;

use crate::compile::Checker;
use crate::definition::{RawSettings, RawWords};
use crate::input::fold;
use crate::language::{RawLocal, RawText};
use crate::limits;
use crate::menu::{AnswerWord, GlobalWord, Settings, Words};
use crate::texts::{TEXTS, Texts, placeholders, word_count};

const DEFAULT_IDLE_MINUTES: i64 = 30;
const DEFAULT_MAX_ATTEMPTS: i64 = 3;

/// The line of language `lang`'s text in `value` (the plain string's line for the default language).
fn line_of(check: &Checker<'_>, value: Option<&Spanned<RawText>>, lang: usize) -> usize {
    let Some(value) = value else { return 0 };
    match value.get_ref() {
        RawLocal::One(_) => check.file.line(value),
        RawLocal::PerLanguage(list) => {
            let code = check.languages.codes.get(lang).map(String::as_str);
            list.iter()
                .find(|(at, _)| Some(at.as_str()) == code)
                .map_or_else(|| check.file.line(value), |(_, text)| check.file.line(text))
        }
    }
}

/// `[texts]` in every language (the built-in English for `en` where left out), and the list button.
pub(crate) fn compile_texts(check: &mut Checker<'_>) -> Texts {
    let raw = &check.file.raw;
    for (key, value) in &raw.texts {
        if !TEXTS.iter().any(|spec| spec.key == key) {
            let expected: Vec<String> =
                TEXTS.iter().map(|spec| format!("`{}`", spec.key)).collect();
            let line = check.file.line(value);
            check.problem(
                line,
                format!(
                    "unknown field `{key}`, expected one of {}",
                    expected.join(", ")
                ),
            );
        }
    }
    let mut all = Vec::with_capacity(TEXTS.len());
    for spec in TEXTS {
        let value = raw.texts.get(spec.key);
        let what = format!("texts.{}", spec.key);
        let line = value.map_or(0, |value| check.file.line(value));
        let tr = check.localized(value, line, spec.max, &what, Some(spec.default));
        for (lang, text) in tr.0.iter().enumerate() {
            let text_line = line_of(check, value, lang);
            for name in placeholders(text) {
                if !spec.placeholders.contains(&name) {
                    let allowed = if spec.placeholders.is_empty() {
                        "it takes none".to_owned()
                    } else {
                        let names: Vec<String> = spec
                            .placeholders
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect();
                        format!("it takes {}", names.join(", "))
                    };
                    check.problem_in(
                        text_line,
                        Some(lang),
                        format!("{what} has an unknown placeholder {{{name}}}; {allowed}"),
                    );
                }
            }
            if let Some(count) = word_count(spec.key)
                && text.split_whitespace().count() != count
            {
                check.problem_in(
                    text_line,
                    Some(lang),
                    format!("{what} needs {count} words separated by spaces"),
                );
            }
        }
        all.push(tr);
    }
    let button = raw.settings.list_button.as_ref();
    let line = button.map_or(0, |value| check.file.line(value));
    let list_button = check.localized(
        button,
        line,
        limits::MAX_LIST_BUTTON,
        "settings.list_button",
        Some("Choose"),
    );
    Texts { all, list_button }
}

/// A configured list of words, if the file has one.
type WordList = Option<Spanned<RawLocal<Vec<String>>>>;

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
    let mut seen: HashMap<String, String> = HashMap::new();
    for (configured, group, defaults, meaning) in groups {
        let (line, list) = word_list(check, configured, group, defaults);
        if list.is_empty() {
            check.problem(line, format!("words.{group} needs at least one word"));
        }
        for word in list {
            let folded = fold(&word);
            if folded.is_empty() {
                check.problem(line, format!("words.{group} has an empty word"));
                continue;
            }
            let name = format!("words.{group}");
            match seen.get(&folded) {
                Some(other) if *other != name => check.problem(
                    line,
                    format!("the word `{folded}` is in both {other} and {name}"),
                ),
                Some(_) => continue, // the same word in two languages of one group
                None => {}
            }
            seen.insert(folded.clone(), name);
            match meaning {
                Meaning::Global(meaning) => out.global.push((folded, meaning)),
                Meaning::Answer(meaning) => out.answers.push((folded, meaning)),
            }
        }
    }
    for (folded, lang, line) in crate::compile_lang::language_words(check) {
        let code = check.languages.codes.get(lang).cloned().unwrap_or_default();
        let name = format!("languages.words.{code}");
        if let Some(other) = seen.get(&folded)
            && *other != name
        {
            check.problem(
                line,
                format!("the word `{folded}` is in both {other} and {name}"),
            );
        }
        seen.insert(folded.clone(), name);
        out.languages.push((folded, lang));
    }
    // Only heard while waiting for a person, so they may be main-menu words too.
    let (line, leave) = word_list(check, &words.leave_queue, "leave_queue", &["menu"]);
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

/// A group's words in every language (one list for all, or one per language), with its line.
fn word_list(
    check: &mut Checker<'_>,
    configured: &WordList,
    group: &str,
    defaults: &[&str],
) -> (usize, Vec<String>) {
    let Some(configured) = configured else {
        return (0, defaults.iter().map(|word| (*word).to_owned()).collect());
    };
    let line = check.file.line(configured);
    match configured.get_ref() {
        RawLocal::One(list) => (line, list.clone()),
        RawLocal::PerLanguage(lists) => {
            let mut all = Vec::new();
            for (code, list) in lists {
                if check.languages.index(code).is_none() {
                    let known = check.languages.codes.join(", ");
                    check.problem(
                        check.file.line(list),
                        format!(
                            "words.{group} is given in `{code}`, which is not one of the menu's \
                             languages ({known})"
                        ),
                    );
                }
                all.extend(list.get_ref().iter().cloned());
            }
            for (lang, code) in check.languages.codes.clone().iter().enumerate() {
                if !lists.iter().any(|(given, _)| given == code) {
                    check.problem_in(line, Some(lang), format!("words.{group} has no words"));
                }
            }
            (line, all)
        }
    }
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
