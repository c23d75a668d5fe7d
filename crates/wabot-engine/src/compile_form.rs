//! Compiling a `form` node: its fields, their validation rules, and the action that receives them.

use regex::Regex;
use toml::Spanned;

use crate::actions::{FormAction, NodeAction};
use crate::compile::Checker;
use crate::definition::{RawField, RawNode};
use crate::input::fold;
use crate::language::Tr;
use crate::limits;
use crate::menu::{Field, FieldKind, FormNode, NodeKind};

pub(crate) fn compile_form(
    check: &mut Checker<'_>,
    node: &RawNode,
    id: &str,
    line: usize,
) -> NodeKind {
    let action = match &node.action {
        None => {
            check.problem(line, format!("form `{id}` needs an `action`"));
            None
        }
        Some(name) => {
            let action = FormAction::parse(name.get_ref());
            if action.is_none() {
                let hint = if NodeAction::parse(name.get_ref()).is_some() {
                    " (it takes no input: use kind = \"action\")"
                } else {
                    ""
                };
                let known = FormAction::NAMES.join(", ");
                check.problem(
                    check.file.line(name),
                    format!(
                        "unknown form action `{}`{hint}; known: {known}",
                        name.get_ref()
                    ),
                );
            }
            action
        }
    };
    if node.fields.is_empty() {
        check.problem(line, format!("form `{id}` has no fields"));
    }
    let mut fields: Vec<Field> = Vec::new();
    for (position, spanned) in node.fields.iter().enumerate() {
        let is_last = position + 1 == node.fields.len();
        if let Some(field) = compile_field(check, spanned, is_last) {
            if fields.iter().any(|earlier| earlier.name == field.name) {
                let field_line = check.file.line(spanned);
                check.problem(
                    field_line,
                    format!("duplicate field `{}` in form `{id}`", field.name),
                );
            }
            fields.push(field);
        }
    }
    let has_confirm = fields.iter().any(|field| field.kind == FieldKind::Confirm);
    if has_confirm && check.multilingual() {
        for (field, spanned) in fields.iter().zip(&node.fields) {
            if field.kind != FieldKind::Confirm && field.label.is_none() {
                let field_line = check.file.line(spanned);
                check.problem_in(
                    field_line,
                    None,
                    format!(
                        "field `{}` needs a `label` in every language: the confirmation shows it",
                        field.name
                    ),
                );
            }
        }
    }
    let Some(action) = action else {
        return NodeKind::Text(Tr::same("", 1));
    };
    check_action_fields(check, action, &fields, id, line);
    NodeKind::Form(FormNode { action, fields })
}

/// The action must find the fields it needs, of the right kinds, and every field must be read.
fn check_action_fields(
    check: &mut Checker<'_>,
    action: FormAction,
    fields: &[Field],
    id: &str,
    line: usize,
) {
    for &(name, kinds) in action.required_fields() {
        match fields.iter().find(|field| field.name == name) {
            None => check.problem(
                line,
                format!(
                    "form `{id}` needs a field `{name}` ({})",
                    kinds.join(" or ")
                ),
            ),
            Some(field) if field.optional => {
                check.problem(
                    line,
                    format!("field `{name}` of form `{id}` cannot be optional"),
                );
            }
            Some(_) => {}
        }
    }
    let known = action
        .required_fields()
        .iter()
        .chain(action.optional_fields());
    let known: Vec<_> = known.collect();
    for field in fields {
        if field.kind == FieldKind::Confirm {
            continue;
        }
        match known.iter().find(|(name, _)| *name == field.name) {
            None => {
                let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
                check.problem(
                    line,
                    format!(
                        "form `{id}` has a field `{}` its action does not use; it uses {}",
                        field.name,
                        names.join(", ")
                    ),
                );
            }
            Some((name, kinds)) if !kinds.contains(&field.kind.name()) => check.problem(
                line,
                format!(
                    "field `{name}` of form `{id}` must be of kind {}",
                    kinds.join(" or ")
                ),
            ),
            Some(_) => {}
        }
    }
}

fn length(check: &mut Checker<'_>, value: &Option<Spanned<i64>>, what: &str) -> Option<usize> {
    let value = value.as_ref()?;
    match usize::try_from(*value.get_ref()) {
        Ok(length @ 1..=limits::MAX_TEXT) => Some(length),
        _ => {
            let line = check.file.line(value);
            check.problem(
                line,
                format!("{what} must be from 1 to {}", limits::MAX_TEXT),
            );
            None
        }
    }
}

fn compile_field(
    check: &mut Checker<'_>,
    spanned: &Spanned<RawField>,
    is_last: bool,
) -> Option<Field> {
    let raw = spanned.get_ref();
    let line = check.file.line(spanned);
    let name = match &raw.name {
        None => {
            check.problem(line, "a field needs a `name`");
            String::new()
        }
        Some(name) => name.get_ref().clone(),
    };
    let prompt = check.required(
        &raw.prompt,
        line,
        limits::MAX_INTERACTIVE_BODY,
        "the field prompt",
    );
    let hint = check.optional(&raw.hint, limits::MAX_INTERACTIVE_BODY, "the field hint");
    let label = check.optional(&raw.label, limits::MAX_HEADER, "the field label");
    let kind = match &raw.kind {
        None => {
            let known = FieldKind::NAMES.join(", ");
            check.problem(line, format!("field `{name}` needs a `kind` ({known})"));
            None
        }
        Some(kind) => {
            let parsed = FieldKind::parse(kind.get_ref());
            if parsed.is_none() {
                let known = FieldKind::NAMES.join(", ");
                let kind_line = check.file.line(kind);
                check.problem(
                    kind_line,
                    format!("unknown field kind `{}`; known: {known}", kind.get_ref()),
                );
            }
            parsed
        }
    };
    let min_length = length(check, &raw.min_length, "min_length");
    let max_length = length(check, &raw.max_length, "max_length");
    if let (Some(min), Some(max)) = (min_length, max_length)
        && min > max
    {
        check.problem(
            line,
            format!("min_length {min} is more than max_length {max}"),
        );
    }
    let pattern = raw
        .pattern
        .as_ref()
        .and_then(|pattern| match Regex::new(pattern.get_ref()) {
            Ok(regex) => Some(regex),
            Err(error) => {
                let pattern_line = check.file.line(pattern);
                check.problem(
                    pattern_line,
                    format!("the pattern is not a valid regular expression: {error}"),
                );
                None
            }
        });
    let mut choices: Vec<Tr> = Vec::new();
    for choice in &raw.choices {
        let choice_line = check.file.line(choice);
        let text = check.localized(
            Some(choice),
            choice_line,
            limits::MAX_ROW_TITLE,
            "a choice",
            None,
        );
        for (lang, title) in text.0.iter().enumerate() {
            if choices
                .iter()
                .any(|earlier| fold(earlier.get(lang)) == fold(title))
            {
                check.problem_in(
                    choice_line,
                    Some(lang),
                    format!("duplicate choice `{title}`"),
                );
            }
        }
        choices.push(text);
    }
    let kind = kind?;
    let only = |applies: bool, key: &str, check: &mut Checker<'_>| {
        if !applies {
            check.problem(
                line,
                format!("`{key}` does not apply to a field of this kind"),
            );
        }
    };
    let is_text = kind == FieldKind::Text;
    if raw.min_length.is_some() || raw.max_length.is_some() {
        only(is_text, "min_length/max_length", check);
    }
    if raw.pattern.is_some() {
        only(is_text, "pattern", check);
    }
    if !raw.choices.is_empty() {
        only(kind == FieldKind::Choice, "choices", check);
    }
    if kind == FieldKind::Choice && !(1..=limits::MAX_LIST_ROWS).contains(&choices.len()) {
        check.problem(
            line,
            format!(
                "a choice field needs 1 to {} choices",
                limits::MAX_LIST_ROWS
            ),
        );
    }
    if kind == FieldKind::Confirm {
        if raw.optional {
            check.problem(line, "a confirm field cannot be optional");
        }
        if !is_last {
            check.problem(line, "a confirm field must be the form's last field");
        }
    }
    Some(Field {
        name,
        kind,
        prompt,
        hint,
        label,
        optional: raw.optional,
        min_length,
        max_length,
        pattern,
        choices,
    })
}
