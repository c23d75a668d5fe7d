//! `Menu::compile`: checks a parsed menu file against every rule and WhatsApp limit, collecting all
//! problems with their lines, and builds the [`Menu`] the engine walks.

use std::collections::HashMap;

use toml::Spanned;

use crate::actions::{FormAction, NodeAction};
use crate::compile_menu::compile_menu;
use crate::compile_settings::{compile_settings, compile_texts, compile_words};
use crate::compile_tree::link_parents;
use crate::definition::{MenuFile, RawNode};
use crate::error::{MenuErrors, Problem};
use crate::language::{Languages, Tr};
use crate::limits::{self, chars};
use crate::menu::{Menu, Node, NodeKind};

/// Collects problems while compiling.
pub(crate) struct Checker<'f> {
    pub file: &'f MenuFile,
    pub problems: Vec<Problem>,
    /// The menu's languages (compiled first: every text is checked in each).
    pub languages: Languages,
    /// The id of the node being compiled, named in problems of a menu with several languages.
    pub node: Option<String>,
}

impl Checker<'_> {
    pub fn problem(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            message: message.into(),
        });
    }
}

pub(crate) fn compile(file: &MenuFile) -> Result<Menu, MenuErrors> {
    let mut check = Checker {
        file,
        problems: file.unknown_keys.clone(),
        languages: Languages::undeclared(),
        node: None,
    };
    let raw = &file.raw;
    check.languages = crate::compile_lang::compile_languages(&mut check);
    let index = index_nodes(&mut check);
    let texts = compile_texts(&mut check);
    let words = compile_words(&mut check, &raw.words);
    let mut settings = compile_settings(&mut check, &raw.settings, &index);
    if let Some(settings) = settings.as_mut() {
        settings.hours = crate::compile_hours::compile_hours(
            &mut check,
            &raw.business_hours,
            settings.utc_offset,
        );
    }

    let mut nodes: Vec<Node> = raw
        .nodes
        .iter()
        .map(|node| Node {
            id: node
                .get_ref()
                .id
                .as_ref()
                .map_or_else(String::new, |id| id.get_ref().clone()),
            parent: None,
            kind: compile_node(&mut check, node, &index, &texts.list_button),
        })
        .collect();
    check.node = None;

    let numbers = words.global.iter().map(|(word, _)| word);
    let numbers = numbers.chain(words.languages.iter().map(|(word, _)| word));
    for key in numbers.filter(|word| word.parse::<u32>().is_ok()) {
        for (at, node) in nodes.iter().enumerate() {
            if let NodeKind::Menu(menu) = &node.kind
                && menu
                    .choices
                    .iter()
                    .any(|choice| choice.key.to_string() == *key)
            {
                let line = file.node_line(at);
                check.problem(
                    line,
                    format!("option key {key} of `{}` is also a global word", node.id),
                );
            }
        }
    }

    if let Some(settings) = &settings {
        let roots = [Some(settings.start), settings.help_node];
        link_parents(
            &mut check,
            &mut nodes,
            &index,
            roots.iter().flatten().copied(),
        );
    }

    if !check.problems.is_empty() {
        return Err(MenuErrors::new(check.problems));
    }
    match settings {
        Some(settings) => Ok(Menu {
            settings,
            words,
            texts,
            languages: check.languages,
            nodes,
            index,
        }),
        None => Err(MenuErrors::new(vec![Problem {
            line: 0,
            message: "the settings could not be read".to_owned(),
        }])),
    }
}

/// Maps ids to node positions, reporting missing, malformed and duplicate ids.
fn index_nodes(check: &mut Checker<'_>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    let file = check.file;
    if file.raw.nodes.is_empty() {
        check.problem(0, "the menu file has no [[node]]");
    }
    for (at, node) in file.raw.nodes.iter().enumerate() {
        let Some(id) = &node.get_ref().id else {
            check.problem(file.line(node), "a node needs an `id`");
            continue;
        };
        let name = id.get_ref();
        let well_formed = !name.is_empty()
            && chars(name) <= limits::MAX_NODE_ID
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !well_formed {
            check.problem(
                file.line(id),
                format!(
                    "node id `{name}` must be 1 to {} characters of a-z, 0-9, _ and -",
                    limits::MAX_NODE_ID
                ),
            );
        }
        if let Some(&first) = index.get(name) {
            let first_line = file.node_line(first);
            check.problem(
                file.line(id),
                format!("duplicate node id `{name}` (first defined on line {first_line})"),
            );
        } else {
            index.insert(name.clone(), at);
        }
    }
    index
}

/// Reports keys that do not belong to a node of this kind.
fn reject_foreign_keys(check: &mut Checker<'_>, node: &RawNode, line: usize, kind: &str) {
    let present = [
        ("header", node.header.is_some(), kind == "menu"),
        ("body", node.body.is_some(), kind == "menu"),
        ("footer", node.footer.is_some(), kind == "menu"),
        ("options", !node.options.is_empty(), kind == "menu"),
        (
            "action",
            node.action.is_some(),
            kind == "action" || kind == "form",
        ),
        (
            "text",
            node.text.is_some(),
            kind == "text" || kind == "handoff",
        ),
        ("fields", !node.fields.is_empty(), kind == "form"),
    ];
    for (key, is_present, allowed) in present {
        if is_present && !allowed {
            check.problem(line, format!("`{key}` does not apply to a {kind} node"));
        }
    }
}

fn compile_node(
    check: &mut Checker<'_>,
    spanned: &Spanned<RawNode>,
    index: &HashMap<String, usize>,
    list_button: &Tr,
) -> NodeKind {
    let node = spanned.get_ref();
    let line = match &node.id {
        Some(id) => check.file.line(id),
        None => check.file.line(spanned),
    };
    let id = node.id.as_ref().map_or("?", |id| id.get_ref().as_str());
    check.node = Some(id.to_owned());
    let Some(kind) = &node.kind else {
        check.problem(
            line,
            format!("node `{id}` needs a `kind` (menu, action, form, text or handoff)"),
        );
        return NodeKind::Text(Tr::same("", 1));
    };
    let kind_line = check.file.line(kind);
    reject_foreign_keys(check, node, line, kind.get_ref());
    match kind.get_ref().as_str() {
        "menu" => NodeKind::Menu(compile_menu(check, node, id, line, index, list_button)),
        "text" => NodeKind::Text(check.required(&node.text, line, limits::MAX_TEXT, "`text`")),
        "action" => match &node.action {
            None => {
                check.problem(line, format!("action node `{id}` needs an `action`"));
                NodeKind::Text(Tr::same("", 1))
            }
            Some(name) => match NodeAction::parse(name.get_ref()) {
                Some(action) => NodeKind::Action(action),
                None => {
                    let known = NodeAction::NAMES.join(", ");
                    let hint = if FormAction::parse(name.get_ref()).is_some() {
                        " (it is a form action: use kind = \"form\")".to_owned()
                    } else {
                        String::new()
                    };
                    check.problem(
                        check.file.line(name),
                        format!("unknown action `{}`{hint}; known: {known}", name.get_ref()),
                    );
                    NodeKind::Text(Tr::same("", 1))
                }
            },
        },
        "form" => crate::compile_form::compile_form(check, node, id, line),
        "handoff" => NodeKind::Handoff(check.optional(&node.text, limits::MAX_TEXT, "`text`")),
        other => {
            check.problem(
                kind_line,
                format!("unknown node kind `{other}`; use menu, action, form, text or handoff"),
            );
            NodeKind::Text(Tr::same("", 1))
        }
    }
}
