//! Compiling the menu's languages: `settings.languages` (the default first) and `[languages]`
//! (`words` that switch a conversation to a language, `by_calling_code` defaults).

use crate::compile::Checker;
use crate::input::fold;
use crate::language::{Languages, is_language_code};

/// The languages the file declares (checked), or the one undeclared language.
pub(crate) fn compile_languages(check: &mut Checker<'_>) -> Languages {
    let file = check.file;
    let raw = &file.raw;
    let mut languages = Languages::undeclared();
    if let Some(list) = &raw.settings.languages {
        let mut codes: Vec<String> = Vec::new();
        for code in list.get_ref() {
            let name = code.get_ref();
            let line = file.line(code);
            if !is_language_code(name) {
                check.problem(
                    line,
                    format!(
                        "settings.languages: `{name}` is not a language code (2 or 3 lowercase \
                         letters such as `en`, `es`, `pt`, optionally a region: `pt-br`)"
                    ),
                );
            } else if codes.contains(name) {
                check.problem(line, format!("settings.languages names `{name}` twice"));
            } else {
                codes.push(name.clone());
            }
        }
        if codes.is_empty() {
            check.problem(
                file.line(list),
                "settings.languages needs at least one language",
            );
        } else {
            languages.codes = codes;
            languages.declared = true;
        }
    }
    for (prefix, code) in &raw.languages.by_calling_code {
        let line = file.line(code);
        let prefix_ok =
            (1..=4).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_digit());
        if !prefix_ok {
            check.problem(
                line,
                format!(
                    "languages.by_calling_code: `{prefix}` is not a calling code (1 to 4 digits, \
                     without +)"
                ),
            );
        }
        match languages.index(code.get_ref()) {
            Some(lang) if prefix_ok => languages.by_calling_code.push((prefix.clone(), lang)),
            Some(_) => {}
            None => check.problem(line, unknown(&languages, code.get_ref(), "by_calling_code")),
        }
    }
    languages
}

fn unknown(languages: &Languages, code: &str, table: &str) -> String {
    format!(
        "languages.{table}: `{code}` is not one of the menu's languages ({})",
        languages.codes.join(", ")
    )
}

/// The folded words that switch to each language, with the line each list is on.
pub(crate) fn language_words(check: &mut Checker<'_>) -> Vec<(String, usize, usize)> {
    let file = check.file;
    let mut words = Vec::new();
    for (code, list) in &file.raw.languages.words {
        let line = file.line(list);
        let Some(lang) = check.languages.index(code) else {
            let message = unknown(&check.languages, code, "words");
            check.problem(line, message);
            continue;
        };
        if list.get_ref().is_empty() {
            check.problem(
                line,
                format!("languages.words.{code} needs at least one word"),
            );
        }
        for word in list.get_ref() {
            let folded = fold(word);
            if folded.is_empty() {
                check.problem(line, format!("languages.words.{code} has an empty word"));
            } else {
                words.push((folded, lang, line));
            }
        }
    }
    words
}
