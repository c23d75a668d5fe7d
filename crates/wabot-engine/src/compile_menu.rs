//! Compiling a `menu` node: its texts, its options and their targets, and the reply that shows it.

use std::collections::HashMap;

use toml::Spanned;

use crate::compile::Checker;
use crate::definition::{RawNode, RawOption};
use crate::input::fold;
use crate::language::Tr;
use crate::limits;
use crate::menu::{Choice, MenuNode, Target};
use crate::reply::{MenuReply, ReplyOption};

pub(crate) fn compile_menu(
    check: &mut Checker<'_>,
    node: &RawNode,
    id: &str,
    line: usize,
    index: &HashMap<String, usize>,
    list_button: &Tr,
) -> MenuNode {
    let header = check.optional(&node.header, limits::MAX_HEADER, "the menu header");
    let body = check.required(
        &node.body,
        line,
        limits::MAX_INTERACTIVE_BODY,
        "the menu body",
    );
    let footer = check.optional(&node.footer, limits::MAX_FOOTER, "the menu footer");
    if node.options.is_empty() {
        check.problem(line, format!("menu `{id}` has no options"));
    }
    if node.options.len() > limits::MAX_LIST_ROWS {
        check.problem(
            line,
            format!(
                "menu `{id}` has {} options; a WhatsApp list holds at most {}",
                node.options.len(),
                limits::MAX_LIST_ROWS
            ),
        );
    }
    let mut choices: Vec<Choice> = Vec::new();
    let mut options: Vec<(u32, Tr, Option<Tr>)> = Vec::new();
    for spanned in &node.options {
        if let Some((choice, title, description)) =
            compile_option(check, spanned, id, index, &choices)
        {
            options.push((choice.key, title, description));
            choices.push(choice);
        }
    }
    let reply = (0..check.languages.codes.len())
        .map(|lang| MenuReply {
            header: header.as_ref().map(|header| header.get(lang).to_owned()),
            body: body.get(lang).to_owned(),
            footer: footer.as_ref().map(|footer| footer.get(lang).to_owned()),
            button: list_button.get(lang).to_owned(),
            options: options
                .iter()
                .map(|(key, title, description)| ReplyOption {
                    id: format!("m:{id}:{key}"),
                    key: Some(*key),
                    title: title.get(lang).to_owned(),
                    description: description
                        .as_ref()
                        .map(|description| description.get(lang).to_owned()),
                })
                .collect(),
        })
        .collect();
    MenuNode { choices, reply }
}

fn compile_option(
    check: &mut Checker<'_>,
    spanned: &Spanned<RawOption>,
    menu_id: &str,
    index: &HashMap<String, usize>,
    earlier: &[Choice],
) -> Option<(Choice, Tr, Option<Tr>)> {
    let option = spanned.get_ref();
    let line = check.file.line(spanned);
    let title = check.required(
        &option.title,
        line,
        limits::MAX_ROW_TITLE,
        "the option title",
    );
    let description = check.optional(
        &option.description,
        limits::MAX_ROW_DESCRIPTION,
        "the option description",
    );
    let key = match &option.key {
        None => {
            check.problem(
                line,
                format!("an option of `{menu_id}` needs a `key` (1 to 99)"),
            );
            None
        }
        Some(key) => match u32::try_from(*key.get_ref()) {
            Ok(value @ 1..=99) => Some(value),
            _ => {
                let key_line = check.file.line(key);
                check.problem(
                    key_line,
                    format!("option key {} is not between 1 and 99", key.get_ref()),
                );
                None
            }
        },
    };
    let folded_titles: Vec<String> = title.0.iter().map(|title| fold(title)).collect();
    if let Some(key) = key
        && earlier.iter().any(|choice| choice.key == key)
    {
        check.problem(
            line,
            format!("duplicate option key {key} in menu `{menu_id}`"),
        );
    }
    for (lang, folded) in folded_titles.iter().enumerate() {
        let duplicate = earlier
            .iter()
            .any(|choice| choice.folded_titles.get(lang) == Some(folded));
        if !folded.is_empty() && duplicate {
            check.problem_in(
                line,
                Some(lang),
                format!(
                    "duplicate option title `{}` in menu `{menu_id}`",
                    title.get(lang)
                ),
            );
        }
    }
    let target = match (&option.goto, option.back) {
        (Some(_), true) => {
            check.problem(
                line,
                "an option has either `goto` or `back = true`, not both",
            );
            None
        }
        (None, false) => {
            check.problem(
                line,
                "an option needs `goto = \"<node id>\"` or `back = true`",
            );
            None
        }
        (None, true) => Some(Target::Back),
        (Some(goto), false) => match index.get(goto.get_ref()) {
            Some(&at) => Some(Target::Node(at)),
            None => {
                let goto_line = check.file.line(goto);
                check.problem(
                    goto_line,
                    format!("option goes to unknown node `{}`", goto.get_ref()),
                );
                None
            }
        },
    };
    let (key, target) = (key?, target?);
    Some((
        Choice {
            key,
            folded_titles,
            target,
        },
        title,
        description,
    ))
}
