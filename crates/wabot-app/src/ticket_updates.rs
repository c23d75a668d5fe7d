//! A ticket's status change and what its customer hears: one use case for the admin API
//! (`PATCH /api/tickets/{reference}`) and the console's ticket page. The store commits the status,
//! the history row and the customer's notification in the outbox in one transaction; this module
//! decides, inside it, what the notification is:
//!
//! - the customer's 24-hour window is open → free text (`ticket_update_notice`, in the language
//!   their conversation speaks, with the operator's note);
//! - closed, and `[tickets] update_template` is configured → that approved template with its
//!   parameters;
//! - closed without a template, the status unchanged (a note only), or no WhatsApp contact → no
//!   message, and the answer says why. Never free text outside the window.

use std::future::Future;
use std::sync::Arc;

use wabot_engine::{ConversationState, Reply, TicketStatus};

use crate::current_menu::CurrentEngine;
use crate::error::StoreError;
use crate::messenger::ReplyRenderer;
use crate::model::OutboundDraft;
use crate::ticket_desk::TicketUpdate;

/// What a template parameter is filled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateField {
    /// The ticket's reference (`DEF-001`).
    Reference,
    /// The new status's label in the customer's language.
    Status,
    /// The operator's note (`-` without one).
    Note,
}

impl TemplateField {
    /// The field named in config (`reference`, `status`, `note`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "reference" => Some(Self::Reference),
            "status" => Some(Self::Status),
            "note" => Some(Self::Note),
            _ => None,
        }
    }
}

/// The approved template a ticket update goes out as when the customer's window is closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateTemplate {
    /// The template's name as approved by Meta.
    pub name: String,
    /// Its language code (`en`, `en_US`, …).
    pub language: String,
    /// Its body's parameters, in placeholder order.
    pub parameters: Vec<TemplateField>,
}

/// Why a ticket update told the customer nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotNotified {
    /// The status is the one the ticket had: only the note was recorded.
    SameStatus,
    /// The customer's window is closed and no `[tickets] update_template` is configured.
    WindowClosedWithoutTemplate,
    /// The ticket has no WhatsApp contact to write to.
    NoContact,
    /// The configured template could not be built (the reason).
    TemplateInvalid(String),
}

impl NotNotified {
    /// A short machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SameStatus => "same_status",
            Self::WindowClosedWithoutTemplate => "window_closed_without_template",
            Self::NoContact => "no_contact",
            Self::TemplateInvalid(_) => "template_invalid",
        }
    }

    /// The reason, for a person.
    pub fn reason(&self) -> String {
        match self {
            Self::SameStatus => "the status did not change; the note was recorded".to_owned(),
            Self::WindowClosedWithoutTemplate => "the customer's 24-hour window is closed and no \
                 [tickets] update_template is configured"
                .to_owned(),
            Self::NoContact => "the ticket has no WhatsApp contact".to_owned(),
            Self::TemplateInvalid(why) => format!("the configured update template: {why}"),
        }
    }
}

/// How the customer was told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notified {
    /// A free-form message (the window was open).
    Text,
    /// The configured template (the window was closed).
    Template,
    /// Nothing was sent, and why.
    NotNotified(NotNotified),
}

impl Notified {
    /// `text`, `template` or `not_notified`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Template => "template",
            Self::NotNotified(_) => "not_notified",
        }
    }

    /// Why nothing was sent, if nothing was.
    pub fn why(&self) -> Option<&NotNotified> {
        match self {
            Self::NotNotified(why) => Some(why),
            _ => None,
        }
    }
}

/// What the store knows, inside the change's transaction, about whom to tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeContext {
    /// The ticket's reference.
    pub reference: String,
    /// The status before the change.
    pub previous: TicketStatus,
    /// The customer's conversation state (their language) and where to write to them; `None`
    /// when the ticket has no contact.
    pub customer: Option<(ConversationState, String)>,
    /// Whether the customer's 24-hour window is open now.
    pub window_open: bool,
}

/// The notification to queue with the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// How the customer is told.
    pub notified: Notified,
    /// The messages, in order (empty when not notified).
    pub drafts: Vec<OutboundDraft>,
}

impl Notification {
    fn none(why: NotNotified) -> Self {
        Self {
            notified: Notified::NotNotified(why),
            drafts: Vec::new(),
        }
    }
}

/// What a status change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChanged {
    /// The ticket's reference.
    pub reference: String,
    /// The status before.
    pub previous: TicketStatus,
    /// How the customer was told.
    pub notified: Notified,
    /// The ids of the messages queued (as the admin API shows them).
    pub message_ids: Vec<i64>,
}

/// The store side of a status change.
pub trait TicketUpdates: Send + Sync {
    /// In one transaction: moves the ticket to `update.status`, records the history row (with
    /// the note and who), asks `notify` what to tell the customer and queues it in the outbox.
    /// `None` when there is no such ticket.
    fn change_status<F>(
        &self,
        update: TicketUpdate,
        notify: F,
    ) -> impl Future<Output = Result<Option<StatusChanged>, StoreError>> + Send
    where
        F: FnOnce(&NoticeContext) -> Notification + Send + 'static;
}

/// Moves tickets and tells their customers.
pub struct TicketMover<S, R> {
    store: S,
    engine: Arc<CurrentEngine>,
    renderer: Arc<R>,
    template: Option<UpdateTemplate>,
}

impl<S: TicketUpdates, R: ReplyRenderer + 'static> TicketMover<S, R> {
    /// A mover over a store, the menu in use (for the texts), the renderer and the template for
    /// closed windows (if one is configured).
    pub fn new(
        store: S,
        engine: Arc<CurrentEngine>,
        renderer: Arc<R>,
        template: Option<UpdateTemplate>,
    ) -> Self {
        Self {
            store,
            engine,
            renderer,
            template,
        }
    }

    /// Changes the status and queues the customer's notification with it; `None` when there is
    /// no such ticket.
    pub async fn change(&self, update: TicketUpdate) -> Result<Option<StatusChanged>, StoreError> {
        let (engine, renderer) = (self.engine.get(), Arc::clone(&self.renderer));
        let template = self.template.clone();
        let (status, note) = (update.status, update.note.clone());
        self.store
            .change_status(update, move |context| {
                if context.previous == status {
                    return Notification::none(NotNotified::SameStatus);
                }
                let Some((state, to)) = &context.customer else {
                    return Notification::none(NotNotified::NoContact);
                };
                let notice =
                    engine.ticket_notice(state, &context.reference, status, note.as_deref());
                if context.window_open {
                    return Notification {
                        notified: Notified::Text,
                        drafts: renderer.render(&Reply::text(notice.text), to),
                    };
                }
                let Some(template) = template else {
                    return Notification::none(NotNotified::WindowClosedWithoutTemplate);
                };
                let values = template
                    .parameters
                    .iter()
                    .map(|field| match field {
                        TemplateField::Reference => context.reference.clone(),
                        TemplateField::Status => notice.status_label.clone(),
                        TemplateField::Note => template_text(note.as_deref()),
                    })
                    .collect::<Vec<_>>();
                match renderer.template(to, &template.name, &template.language, &values) {
                    Ok(draft) => Notification {
                        notified: Notified::Template,
                        drafts: vec![draft],
                    },
                    Err(why) => Notification::none(NotNotified::TemplateInvalid(why)),
                }
            })
            .await
    }
}

/// A note as a template parameter: Meta refuses empty parameters and new lines, tabs or more
/// than four spaces in a row (132018), so those become single spaces and a missing note `-`.
pub fn template_text(note: Option<&str>) -> String {
    let joined = note
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if joined.is_empty() {
        "-".to_owned()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_becomes_a_valid_template_parameter() {
        assert_eq!(template_text(None), "-");
        assert_eq!(template_text(Some("  \n ")), "-");
        assert_eq!(
            template_text(Some("new part\n\tordered     today")),
            "new part ordered today"
        );
    }

    #[test]
    fn config_names_the_three_fields() {
        assert_eq!(
            TemplateField::parse("reference"),
            Some(TemplateField::Reference)
        );
        assert_eq!(TemplateField::parse("status"), Some(TemplateField::Status));
        assert_eq!(TemplateField::parse("note"), Some(TemplateField::Note));
        assert_eq!(TemplateField::parse("customer"), None);
    }
}
