//! The menu file as written: serde structs that keep where each value stands, before validation.
//!
//! Everything is optional here so that [`crate::Menu::compile`] can report every problem at once,
//! each with its line, instead of serde stopping at the first missing field.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{MenuErrors, Problem};
use crate::language::{RawLocal, RawText};

/// A parsed, not yet validated menu file. Make one with [`MenuFile::parse`], then
/// [`crate::Menu::compile`] it.
#[derive(Debug)]
pub struct MenuFile {
    pub(crate) raw: RawMenu,
    line_starts: Vec<usize>,
    /// Unknown keys, each a problem at its line, reported with the compiler's problems.
    pub(crate) unknown_keys: Vec<Problem>,
}

impl MenuFile {
    /// Parses TOML text; syntax errors are reported with their line, and stop it. Unknown keys do
    /// not: each is reported (with its line) when the file is compiled, with every other problem.
    pub fn parse(source: &str) -> Result<Self, MenuErrors> {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);
        match crate::unknown_keys::read(source, line_of) {
            Ok((raw, unknown_keys)) => Ok(Self {
                raw,
                line_starts,
                unknown_keys,
            }),
            Err(error) => {
                let file = Self {
                    raw: RawMenu::default(),
                    line_starts,
                    unknown_keys: Vec::new(),
                };
                let line = error.span().map_or(0, |span| file.line_of(span.start));
                let message = error.message().trim().to_owned();
                Err(MenuErrors::new(vec![Problem { line, message }]))
            }
        }
    }

    /// The 1-based line of a byte offset into the source.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// The line a node's problems are reported at: its `id`, else its `[[node]]` header.
    pub(crate) fn node_line(&self, at: usize) -> usize {
        let node = &self.raw.nodes[at];
        match &node.get_ref().id {
            Some(id) => self.line(id),
            None => self.line(node),
        }
    }

    /// The 1-based line where a spanned value starts.
    pub(crate) fn line<T>(&self, value: &Spanned<T>) -> usize {
        self.line_of(value.span().start)
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawMenu {
    #[serde(default)]
    pub settings: RawSettings,
    #[serde(default)]
    pub words: RawWords,
    /// `[texts]`: each key one of `crate::texts::TEXTS` (checked by the compiler, with its line).
    #[serde(default)]
    pub texts: BTreeMap<String, Spanned<RawText>>,
    #[serde(default)]
    pub languages: RawLanguages,
    #[serde(default)]
    pub business_hours: Option<Spanned<RawHours>>,
    #[serde(default, rename = "node")]
    pub nodes: Vec<Spanned<RawNode>>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawSettings {
    pub start: Option<Spanned<String>>,
    pub help_node: Option<Spanned<String>>,
    pub idle_timeout_minutes: Option<Spanned<i64>>,
    pub max_attempts: Option<Spanned<i64>>,
    pub utc_offset_minutes: Option<Spanned<i64>>,
    pub order_prefix: Option<Spanned<String>>,
    pub ticket_prefix: Option<Spanned<String>>,
    pub list_button: Option<Spanned<RawText>>,
    /// The menu's language codes, the default first.
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[languages]`: how a conversation's language is chosen.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawLanguages {
    /// Words that switch a conversation to a language, by language code.
    #[serde(default)]
    pub words: BTreeMap<String, Spanned<Vec<String>>>,
    /// Calling codes (or longer number prefixes) and the language they default to.
    #[serde(default)]
    pub by_calling_code: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawWords {
    pub main_menu: Option<Spanned<RawLocal<Vec<String>>>>,
    pub back: Option<Spanned<RawLocal<Vec<String>>>>,
    pub cancel: Option<Spanned<RawLocal<Vec<String>>>>,
    pub help: Option<Spanned<RawLocal<Vec<String>>>>,
    pub skip: Option<Spanned<RawLocal<Vec<String>>>>,
    pub yes: Option<Spanned<RawLocal<Vec<String>>>>,
    pub no: Option<Spanned<RawLocal<Vec<String>>>>,
    pub agent: Option<Spanned<RawLocal<Vec<String>>>>,
    pub leave_queue: Option<Spanned<RawLocal<Vec<String>>>>,
}

/// `[business_hours]`: `mon = "09:00-18:00"` … `sun`, and `holidays = ["2026-12-25"]`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawHours {
    pub mon: Option<Spanned<String>>,
    pub tue: Option<Spanned<String>>,
    pub wed: Option<Spanned<String>>,
    pub thu: Option<Spanned<String>>,
    pub fri: Option<Spanned<String>>,
    pub sat: Option<Spanned<String>>,
    pub sun: Option<Spanned<String>>,
    #[serde(default)]
    pub holidays: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawNode {
    pub id: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub header: Option<Spanned<RawText>>,
    pub body: Option<Spanned<RawText>>,
    pub footer: Option<Spanned<RawText>>,
    #[serde(default)]
    pub options: Vec<Spanned<RawOption>>,
    pub action: Option<Spanned<String>>,
    pub text: Option<Spanned<RawText>>,
    #[serde(default)]
    pub fields: Vec<Spanned<RawField>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawOption {
    pub key: Option<Spanned<i64>>,
    pub title: Option<Spanned<RawText>>,
    pub description: Option<Spanned<RawText>>,
    pub goto: Option<Spanned<String>>,
    #[serde(default)]
    pub back: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawField {
    pub name: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub prompt: Option<Spanned<RawText>>,
    pub hint: Option<Spanned<RawText>>,
    #[serde(default)]
    pub optional: bool,
    pub min_length: Option<Spanned<i64>>,
    pub max_length: Option<Spanned<i64>>,
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub choices: Vec<Spanned<RawText>>,
    /// How the answer is named in a confirmation's summary.
    pub label: Option<Spanned<RawText>>,
}
