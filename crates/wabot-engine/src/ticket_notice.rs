//! What a customer is told when an operator moves their defect ticket: the sentence
//! (`ticket_update_notice`, plus `ticket_update_note` when the operator wrote one) and the status
//! label, in the language the customer's conversation speaks. Pure: the app decides whether it goes
//! out as free text (window open) or as template parameters (window closed).

use crate::TicketStatus;
use crate::engine::Engine;
use crate::state::ConversationState;
use crate::texts::{T, fill};

/// A ticket update phrased for one customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketNotice {
    /// The whole free-form message: the notice, then the note on its own line if there is one.
    pub text: String,
    /// The new status's label in the customer's language (a template parameter).
    pub status_label: String,
}

impl Engine {
    /// How the customer of `state` hears that ticket `reference` moved to `status` (with the
    /// operator's `note`, if any).
    pub fn ticket_notice(
        &self,
        state: &ConversationState,
        reference: &str,
        status: TicketStatus,
        note: Option<&str>,
    ) -> TicketNotice {
        let menu = self.menu();
        let (lang, _) = menu.language_of(state);
        let status_label = menu.texts.get(T::ticket_status(status), lang).to_owned();
        let mut text = fill(
            menu.texts.get(T::TicketUpdateNotice, lang),
            &[("reference", reference), ("status", &status_label)],
        );
        if let Some(note) = note.map(str::trim).filter(|note| !note.is_empty()) {
            text.push('\n');
            text.push_str(&fill(
                menu.texts.get(T::TicketUpdateNote, lang),
                &[("note", note)],
            ));
        }
        TicketNotice { text, status_label }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{DEFAULT_MENU_TOML, Menu};

    #[test]
    fn the_notice_names_the_ticket_and_status_and_adds_the_note_on_its_own_line() {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let state = ConversationState::new("15551234567".to_owned());
        let plain = engine.ticket_notice(&state, "DEF-007", TicketStatus::InReview, None);
        assert_eq!(
            plain.text,
            "Update on your ticket *DEF-007*: it is now In review."
        );
        assert_eq!(plain.status_label, "In review");
        let noted = engine.ticket_notice(
            &state,
            "DEF-007",
            TicketStatus::Resolved,
            Some(" new part "),
        );
        assert_eq!(
            noted.text,
            "Update on your ticket *DEF-007*: it is now Resolved.\nNote from our team: new part"
        );
        let blank = engine.ticket_notice(&state, "DEF-007", TicketStatus::Closed, Some("  "));
        assert!(!blank.text.contains('\n'));
    }

    #[test]
    fn the_notice_speaks_the_language_the_customer_chose() {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let mut state = ConversationState::new("15551234567".to_owned());
        state.language = Some("es".to_owned());
        state.language_chosen = true;
        let notice = engine.ticket_notice(&state, "DEF-1", TicketStatus::InReview, Some("ok"));
        assert_eq!(
            notice.text,
            "Novedades de tu incidencia *DEF-1*: ahora está En revisión.\nNota de nuestro equipo: ok"
        );
        assert_eq!(notice.status_label, "En revisión");
    }
}
