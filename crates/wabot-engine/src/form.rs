//! Filling in a form: prompts, checking each answer, skip, confirmation, retries, and submitting.

use crate::engine::Stepping;
use crate::input::{Input, MediaKind, fold, normalize_reference, option_number};
use crate::menu::{AnswerWord, Field, FieldKind, FormNode, GlobalWord};
use crate::port::BusinessData;
use crate::reply::{AbandonReason, Event, MenuReply, Reply, ReplyOption};
use crate::state::FormProgress;
use crate::texts::T;

/// What an answer to a field turned out to be.
enum Outcome {
    /// A valid value to keep.
    Value(String),
    /// The optional field was skipped.
    Skipped,
    /// The confirmation was answered no.
    Declined,
    /// Not acceptable; ask again.
    Invalid,
}

/// An interactive reply id for a form button: `f:<form>:<field index>:<token>`.
fn button_id(form: &str, field: usize, token: &str) -> String {
    format!("f:{form}:{field}:{token}")
}

fn label(name: &str) -> String {
    let mut chars = name.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{}", chars.as_str().replace('_', " "))
}

impl<D: BusinessData + ?Sized> Stepping<'_, D> {
    /// Asks the current field's question, with buttons where they help (skip, yes/no, choices).
    pub(crate) fn prompt(&mut self, at: usize) {
        let menu = self.menu;
        let (Some(form), Some(progress)) = (menu.form(at), &self.form) else {
            return;
        };
        let Some(field) = form.fields.get(progress.field) else {
            return;
        };
        let id = &menu.nodes[at].id;
        let lang = self.lang;
        let option = |token: &str, key: Option<u32>, title: &str| ReplyOption {
            id: button_id(id, progress.field, token),
            key,
            title: title.to_owned(),
            description: None,
        };
        let mut options = Vec::new();
        let mut body = field.prompt.get(lang).to_owned();
        match field.kind {
            FieldKind::Choice => {
                for (index, choice) in field.choices.iter().enumerate() {
                    let key = u32::try_from(index + 1).ok();
                    options.push(option(&format!("c{index}"), key, choice.get(lang)));
                }
            }
            FieldKind::Confirm => {
                let summary = self.summary(form, progress);
                if !summary.is_empty() {
                    body = format!("{summary}\n\n{body}");
                }
                options.push(option("yes", None, self.t(T::YesLabel)));
                options.push(option("no", None, self.t(T::NoLabel)));
            }
            _ => {}
        }
        if field.optional {
            options.push(option("skip", None, self.t(T::SkipLabel)));
        }
        let reply = if options.is_empty() {
            Reply::text(body)
        } else {
            Reply::Menu(MenuReply {
                header: None,
                body,
                footer: None,
                button: menu.texts.list_button.get(lang).to_owned(),
                options,
            })
        };
        self.replies.push(reply);
    }

    /// The answers so far, one `Label: value` line each (a photo shows as "attached").
    fn summary(&self, form: &FormNode, progress: &FormProgress) -> String {
        let mut lines = Vec::new();
        for field in &form.fields[..progress.field.min(form.fields.len())] {
            let Some(value) = progress.values.get(&field.name) else {
                continue;
            };
            let shown = match field.kind {
                FieldKind::Image => self.t(T::PhotoAttached),
                // A choice is kept in the default language; it is shown in the conversation's.
                FieldKind::Choice => field
                    .choices
                    .iter()
                    .find(|choice| choice.get(0) == value)
                    .map_or(value.as_str(), |choice| choice.get(self.lang)),
                _ => value.as_str(),
            };
            let name = match &field.label {
                Some(label) => label.get(self.lang).to_owned(),
                None => label(&field.name),
            };
            lines.push(format!("{name}: {shown}"));
        }
        lines.join("\n")
    }

    /// Handles an input while the form at `at` is being filled in.
    pub(crate) fn in_form(
        &mut self,
        at: usize,
        progress: FormProgress,
        input: &Input,
    ) -> Result<(), D::Error> {
        self.node = at;
        let menu = self.menu;
        let Some(form) = menu.form(at) else {
            self.show_menu(menu.settings.start, false);
            return Ok(());
        };
        let Some(field) = form.fields.get(progress.field) else {
            self.show_menu(menu.settings.start, false);
            return Ok(());
        };
        self.form = Some(progress);
        let outcome = match input {
            Input::Text { body } => self.answer_text(at, field, body)?,
            Input::Choice { id, title } => {
                if let Some((menu_at, choice)) = self.menu_choice(id) {
                    self.abandon(at, AbandonReason::LeftForMenu);
                    return self.choose(menu_at, choice);
                }
                let field_index = self.form.as_ref().map_or(0, |p| p.field);
                let prefix = button_id(&menu.nodes[at].id, field_index, "");
                match id.strip_prefix(&prefix) {
                    Some(token) => Some(Self::check_token(field, token)),
                    None => self.answer_text(at, field, title)?,
                }
            }
            // A photo field takes a photo, a video or a document (an invoice, a PDF of the
            // damage report); the kind is known again from the file's MIME type when it is kept.
            Input::Media {
                kind: MediaKind::Image | MediaKind::Video | MediaKind::Document,
                media_id,
                ..
            } if field.kind == FieldKind::Image => Some(Outcome::Value(media_id.clone())),
            Input::Media { .. } | Input::Unsupported { .. } => {
                if field.kind != FieldKind::Image {
                    self.say(T::MediaNotSupported);
                }
                Some(Outcome::Invalid)
            }
        };
        match outcome {
            Some(outcome) => self.apply(at, form, field, outcome),
            None => Ok(()),
        }
    }

    /// A text answer: a global word is handled at once (`None`), anything else is checked.
    fn answer_text(
        &mut self,
        at: usize,
        field: &Field,
        text: &str,
    ) -> Result<Option<Outcome>, D::Error> {
        let folded = fold(text);
        if self.switch_language(&folded) {
            // The same question again, in the chosen language.
            self.prompt(at);
            return Ok(None);
        }
        match self.form_word(at, &folded) {
            Some(handled) => handled.map(|()| None),
            None => Ok(Some(self.check_text(field, text, &folded))),
        }
    }

    /// Global words inside a form: main menu and cancel/back leave it, help repeats the question.
    fn form_word(&mut self, at: usize, folded: &str) -> Option<Result<(), D::Error>> {
        let menu = self.menu;
        match menu.words.global(folded)? {
            GlobalWord::MainMenu => {
                self.abandon(at, AbandonReason::LeftForMenu);
                self.show_menu(menu.settings.start, true);
            }
            GlobalWord::Agent => {
                self.abandon(at, AbandonReason::LeftForMenu);
                self.open_handoff(None, menu.return_menu(at));
            }
            GlobalWord::Back | GlobalWord::Cancel => {
                self.abandon(at, AbandonReason::Cancelled);
                self.say(T::Cancelled);
                self.show_menu(menu.return_menu(at), false);
            }
            GlobalWord::Help => {
                let field = menu.form(at).and_then(|form| {
                    let index = self.form.as_ref().map_or(0, |progress| progress.field);
                    form.fields.get(index)
                });
                let hint = field.and_then(|field| field.hint.as_ref());
                let hint = hint.map_or_else(|| self.t(T::Help), |hint| hint.get(self.lang));
                self.replies.push(Reply::text(hint));
                self.prompt(at);
            }
        }
        Some(Ok(()))
    }

    fn check_token(field: &Field, token: &str) -> Outcome {
        match (token, field.kind) {
            ("skip", _) if field.optional => Outcome::Skipped,
            ("yes", FieldKind::Confirm) => Outcome::Value("yes".to_owned()),
            ("no", FieldKind::Confirm) => Outcome::Declined,
            (token, FieldKind::Choice) => token
                .strip_prefix('c')
                .and_then(|index| index.parse::<usize>().ok())
                .and_then(|index| field.choices.get(index))
                .map_or(Outcome::Invalid, |choice| {
                    Outcome::Value(choice.get(0).to_owned())
                }),
            _ => Outcome::Invalid,
        }
    }

    fn check_text(&self, field: &Field, text: &str, folded: &str) -> Outcome {
        let settings = &self.menu.settings;
        let answer = self.menu.words.answer(folded);
        if answer == Some(AnswerWord::Skip) && field.optional {
            return Outcome::Skipped;
        }
        let trimmed = text.trim();
        let value = match field.kind {
            FieldKind::Text => {
                let length = trimmed.chars().count();
                let fits = !trimmed.is_empty()
                    && field.min_length.is_none_or(|min| length >= min)
                    && field.max_length.is_none_or(|max| length <= max)
                    && field
                        .pattern
                        .as_ref()
                        .is_none_or(|pattern| pattern.is_match(trimmed));
                fits.then(|| trimmed.to_owned())
            }
            FieldKind::OrderNumber => normalize_reference(trimmed, &settings.order_prefix),
            FieldKind::TicketRef => normalize_reference(trimmed, &settings.ticket_prefix),
            FieldKind::Choice => match option_number(folded) {
                Some(key) => usize::try_from(key)
                    .ok()
                    .and_then(|key| key.checked_sub(1))
                    .and_then(|index| field.choices.get(index))
                    .map(|choice| choice.get(0).to_owned()),
                // Its title in any language; kept in the default language's.
                None => field
                    .choices
                    .iter()
                    .find(|choice| choice.0.iter().any(|title| fold(title) == folded))
                    .map(|choice| choice.get(0).to_owned()),
            },
            FieldKind::Image => None,
            FieldKind::Confirm => match answer {
                Some(AnswerWord::Yes) => Some("yes".to_owned()),
                Some(AnswerWord::No) => return Outcome::Declined,
                _ => None,
            },
        };
        value.map_or(Outcome::Invalid, Outcome::Value)
    }

    fn apply(
        &mut self,
        at: usize,
        form: &FormNode,
        field: &Field,
        outcome: Outcome,
    ) -> Result<(), D::Error> {
        let menu = self.menu;
        let Some(mut progress) = self.form.take() else {
            return Ok(());
        };
        match outcome {
            Outcome::Value(value) => {
                progress.values.insert(field.name.clone(), value);
            }
            Outcome::Skipped => {}
            Outcome::Declined => {
                self.abandon(at, AbandonReason::Cancelled);
                self.say(T::Cancelled);
                self.show_menu(menu.return_menu(at), false);
                return Ok(());
            }
            Outcome::Invalid => {
                progress.attempts += 1;
                if progress.attempts >= menu.settings.max_attempts {
                    self.abandon(at, AbandonReason::TooManyAttempts);
                    self.say(T::TooManyAttempts);
                    self.show_menu(menu.return_menu(at), false);
                    return Ok(());
                }
                let hint = field.hint.as_ref();
                let hint =
                    hint.map_or_else(|| self.t(T::InvalidAnswer), |hint| hint.get(self.lang));
                self.replies.push(Reply::text(hint));
                self.form = Some(progress);
                self.prompt(at);
                return Ok(());
            }
        }
        progress.field += 1;
        progress.attempts = 0;
        if progress.field < form.fields.len() {
            self.form = Some(progress);
            self.prompt(at);
            return Ok(());
        }
        let answer = crate::results::run_form_action(self, form.action, &progress.values)?;
        self.events.push(Event::FormCompleted {
            node: menu.nodes[at].id.clone(),
        });
        self.replies.push(Reply::text(answer));
        self.show_menu(menu.return_menu(at), false);
        Ok(())
    }
}
