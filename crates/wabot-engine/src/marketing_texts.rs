//! What a customer reads when they ask to stop or start marketing messages (the one-tap questions,
//! their buttons and the confirmations), in the language the customer's conversation speaks. The
//! app hears the words and applies the taps; the sentences live with the menu's other texts, so an
//! operator can rephrase them and every language of the menu has them.

use crate::engine::Engine;
use crate::state::ConversationState;
use crate::texts::T;

/// The marketing opt-out and opt-in sentences for one customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketingTexts {
    /// "Do you want to stop receiving offers…?"
    pub stop_question: String,
    /// The button that opts out.
    pub stop_yes: String,
    /// The button that keeps things as they are, after the stop question.
    pub stop_no: String,
    /// "Do you want to receive our offers again?"
    pub start_question: String,
    /// The button that opts back in.
    pub start_yes: String,
    /// The button that keeps things as they are, after the start question.
    pub start_no: String,
    /// The confirmation of an opt-out.
    pub stopped: String,
    /// The confirmation of an opt-in.
    pub started: String,
    /// The answer to "no": nothing changed.
    pub kept: String,
}

impl Engine {
    /// The marketing sentences in the language of `state`'s conversation.
    pub fn marketing_texts(&self, state: &ConversationState) -> MarketingTexts {
        let menu = self.menu();
        let (lang, _) = menu.language_of(state);
        let text = |key| menu.texts.get(key, lang).to_owned();
        MarketingTexts {
            stop_question: text(T::MarketingStopQuestion),
            stop_yes: text(T::MarketingStopYes),
            stop_no: text(T::MarketingStopNo),
            start_question: text(T::MarketingStartQuestion),
            start_yes: text(T::MarketingStartYes),
            start_no: text(T::MarketingStartNo),
            stopped: text(T::MarketingStopped),
            started: text(T::MarketingStarted),
            kept: text(T::MarketingKept),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::{DEFAULT_MENU_TOML, Menu};

    #[test]
    fn the_sentences_follow_the_conversations_language() {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let state = ConversationState::new("15551234567".to_owned());
        let english = engine.marketing_texts(&state);
        assert_eq!(english.stop_yes, "Yes, stop offers");
        assert!(english.stopped.contains("no more offers"));
    }

    #[test]
    fn a_menu_may_rephrase_them() {
        let toml = DEFAULT_MENU_TOML.replace(
            "\"Nothing changed. Send *menu* for the main menu.\"",
            "\"Fine, nothing changes.\"",
        );
        let engine = Engine::new(Menu::from_toml_str(&toml).unwrap());
        let state = ConversationState::new("15551234567".to_owned());
        assert_eq!(
            engine.marketing_texts(&state).kept,
            "Fine, nothing changes."
        );
    }
}
