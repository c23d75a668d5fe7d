//! Checking customer-visible texts in every language of the menu: each language given, none empty,
//! none over its WhatsApp limit. In a menu of several languages each problem names its node and
//! its language, at the line of the text concerned.

use toml::Spanned;

use crate::compile::Checker;
use crate::language::{RawLocal, RawText, Tr};
use crate::limits::chars;

impl Checker<'_> {
    /// Whether the menu has more than one language (its problems then name node and language).
    pub fn multilingual(&self) -> bool {
        self.languages.codes.len() > 1
    }

    /// A problem at `line` about language `lang` (if any) of the node being compiled (if any); the
    /// node and language are named when the menu has several languages.
    pub fn problem_in(&mut self, line: usize, lang: Option<usize>, message: impl Into<String>) {
        let message = message.into();
        if !self.multilingual() {
            return self.problem(line, message);
        }
        let language = lang.and_then(|at| self.languages.codes.get(at)).cloned();
        let message = match (&self.node, language) {
            (Some(node), Some(code)) => format!("node `{node}`, language `{code}`: {message}"),
            (None, Some(code)) => format!("language `{code}`: {message}"),
            (Some(node), None) => format!("node `{node}`: {message}"),
            (None, None) => message,
        };
        self.problem(line, message);
    }

    /// Checks language `lang`'s text: not blank, at most `max` characters.
    fn check_one(&mut self, line: usize, lang: usize, text: &str, max: usize, what: &str) {
        if text.trim().is_empty() {
            self.problem_in(line, Some(lang), format!("{what} is empty"));
        }
        let length = chars(text);
        if length > max {
            self.problem_in(
                line,
                Some(lang),
                format!("{what} is {length} characters long; WhatsApp allows at most {max}"),
            );
        }
    }

    /// A text in every language of the menu. A plain string is the default language's text; a
    /// table gives one per language. `default` (the built-in English) stands for a missing `en`.
    pub fn localized(
        &mut self,
        value: Option<&Spanned<RawText>>,
        line: usize,
        max: usize,
        what: &str,
        default: Option<&str>,
    ) -> Tr {
        let count = self.languages.codes.len();
        let mut texts: Vec<Option<String>> = vec![None; count];
        let mut missing_line = line;
        let mut plain = false;
        match value.map(|value| (value, value.get_ref())) {
            None => {}
            Some((value, RawLocal::One(text))) => {
                let text_line = self.file.line(value);
                self.check_one(text_line, 0, text, max, what);
                texts[0] = Some(text.clone());
                missing_line = text_line;
                plain = true;
            }
            Some((value, RawLocal::PerLanguage(list))) => {
                missing_line = list
                    .first()
                    .map_or_else(|| self.file.line(value), |(_, text)| self.file.line(text));
                for (code, text) in list {
                    let text_line = self.file.line(text);
                    match self.languages.index(code) {
                        Some(lang) => {
                            self.check_one(text_line, lang, text.get_ref(), max, what);
                            texts[lang] = Some(text.get_ref().clone());
                        }
                        None => {
                            let known = self.languages.codes.join(", ");
                            self.problem_in(
                                text_line,
                                None,
                                format!(
                                    "{what} is given in `{code}`, which is not one of the \
                                     menu's languages ({known})"
                                ),
                            );
                        }
                    }
                }
            }
        }
        let english = self.languages.index("en");
        for (lang, text) in texts.iter_mut().enumerate() {
            if text.is_some() {
                continue;
            }
            if let (Some(default), Some(en)) = (default, english)
                && en == lang
            {
                *text = Some(default.to_owned());
                continue;
            }
            if value.is_none() && default.is_none() {
                continue; // an optional text left out: the caller decides
            }
            let hint = if plain {
                " (a plain string is the default language's text: write one per language, \
                 e.g. { en = \"…\", es = \"…\" })"
            } else if default.is_some() {
                " (the built-in default is English)"
            } else {
                ""
            };
            self.problem_in(missing_line, Some(lang), format!("{what} is missing{hint}"));
        }
        let fallback = texts.iter().flatten().next().cloned().unwrap_or_default();
        Tr(texts
            .into_iter()
            .map(|text| text.unwrap_or_else(|| fallback.clone()))
            .collect())
    }

    /// A required text in every language, its absence reported at `line`.
    pub fn required(
        &mut self,
        value: &Option<Spanned<RawText>>,
        line: usize,
        max: usize,
        what: &str,
    ) -> Tr {
        if value.is_none() {
            self.problem_in(line, None, format!("{what} is missing"));
        }
        self.localized(value.as_ref(), line, max, what, None)
    }

    /// An optional text, in every language when given.
    pub fn optional(
        &mut self,
        value: &Option<Spanned<RawText>>,
        max: usize,
        what: &str,
    ) -> Option<Tr> {
        let value = value.as_ref()?;
        let line = self.file.line(value);
        Some(self.localized(Some(value), line, max, what, None))
    }
}
