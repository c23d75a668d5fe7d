//! Marketing opt-out and opt-in by message, heard before the menu engine. The shipped menu uses
//! "stop" as a cancel word (leave a form) and "start" as a main-menu word, so the overlap is
//! resolved deliberately:
//!
//! - inside a form, or while a person has the conversation, these words are left to the engine
//!   ("stop" cancels the form, as before);
//! - outside, a stop word (`campaigns.stop_words`: by default "stop", "unsubscribe", "stop
//!   promotions" — the button Meta suggests for marketing templates) asks a one-tap question,
//!   "Stop offers?" with *Yes, stop* / *No, keep them*; only the tap opts the customer out;
//! - a start word (`campaigns.start_words`: by default "start offers", "subscribe") asks the same
//!   way to opt back in. A plain "start" stays the main-menu word.
//!
//! The taps carry the reply ids [`OPT_OUT_ID`] and [`OPT_IN_ID`]; the store applies them in the
//! same transaction as the step (`turn`), like every other side effect of a step. A word is the
//! whole message, any case, surrounding spaces and punctuation ignored.

use wabot_engine::{ConversationState, Engine, Input, MenuReply, Reply, ReplyOption, Step};

/// The reply id of the "Yes, stop" tap: opts the customer out of marketing.
pub const OPT_OUT_ID: &str = "marketing:stop";
/// The reply id of the "Yes, send them" tap: opts the customer back in.
pub const OPT_IN_ID: &str = "marketing:start";
/// The reply id of "No": nothing changes.
pub const KEEP_ID: &str = "marketing:keep";

/// The words that ask to stop or start marketing messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MarketingWords {
    /// Ask to opt out.
    pub stop: Vec<String>,
    /// Ask to opt back in.
    pub start: Vec<String>,
}

fn fold(text: &str) -> String {
    text.trim()
        .trim_matches(|c: char| c.is_ascii_punctuation())
        .trim()
        .to_lowercase()
}

fn question(body: &str, yes: (&str, &str), no: &str) -> Reply {
    Reply::Menu(MenuReply {
        header: None,
        body: body.to_owned(),
        footer: None,
        button: "Choose".to_owned(),
        options: vec![
            ReplyOption {
                id: yes.0.to_owned(),
                key: Some(1),
                title: yes.1.to_owned(),
                description: None,
            },
            ReplyOption {
                id: KEEP_ID.to_owned(),
                key: Some(2),
                title: no.to_owned(),
                description: None,
            },
        ],
    })
}

impl MarketingWords {
    /// The step for a message about marketing preferences, or `None` to let the engine step it.
    /// The conversation stays where it was (only its version moves on). The sentences are the
    /// menu's (`marketing_*` in `[texts]`), in the conversation's language.
    pub fn intercept(
        &self,
        engine: &Engine,
        state: &ConversationState,
        input: &Input,
    ) -> Option<Step> {
        let reply = match input {
            Input::Choice { id, .. } => match id.as_str() {
                OPT_OUT_ID => Reply::text(engine.marketing_texts(state).stopped),
                OPT_IN_ID => Reply::text(engine.marketing_texts(state).started),
                KEEP_ID => Reply::text(engine.marketing_texts(state).kept),
                _ => return None,
            },
            Input::Text { body } if state.form.is_none() && state.handoff.is_none() => {
                let said = fold(body);
                if self.stop.iter().any(|word| fold(word) == said) {
                    let texts = engine.marketing_texts(state);
                    question(
                        &texts.stop_question,
                        (OPT_OUT_ID, &texts.stop_yes),
                        &texts.stop_no,
                    )
                } else if self.start.iter().any(|word| fold(word) == said) {
                    let texts = engine.marketing_texts(state);
                    question(
                        &texts.start_question,
                        (OPT_IN_ID, &texts.start_yes),
                        &texts.start_no,
                    )
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let mut state = state.clone();
        state.version = state.version.wrapping_add(1);
        Some(Step {
            state,
            replies: vec![reply],
            events: Vec::new(),
            handoff: None,
        })
    }
}

/// Whether a tap opts its customer out (`Some(true)`) or back in (`Some(false)`).
pub fn marketing_tap(input: &Input) -> Option<bool> {
    match input {
        Input::Choice { id, .. } if id == OPT_OUT_ID => Some(true),
        Input::Choice { id, .. } if id == OPT_IN_ID => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> MarketingWords {
        MarketingWords {
            stop: vec!["stop".into(), "unsubscribe".into()],
            start: vec!["start offers".into()],
        }
    }

    fn engine() -> Engine {
        let menu = wabot_engine::Menu::from_toml_str(wabot_engine::DEFAULT_MENU_TOML);
        Engine::new(menu.unwrap_or_else(|error| panic!("the shipped menu: {error}")))
    }

    fn options(step: &Step) -> Vec<String> {
        match step.replies.first() {
            Some(Reply::Menu(menu)) => menu.options.iter().map(|o| o.id.clone()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn outside_a_form_stop_asks_before_opting_out() {
        let state = ConversationState::new("15550100");
        let step = words().intercept(&engine(), &state, &Input::text("  STOP! "));
        let step = step.unwrap_or_else(|| panic!("stop was not heard"));
        assert_eq!(options(&step), [OPT_OUT_ID, KEEP_ID]);
        assert_eq!(step.state.node, state.node);
        assert_eq!(step.state.version, state.version + 1);
        let tap = Input::Choice {
            id: OPT_OUT_ID.into(),
            title: "Yes, stop offers".into(),
        };
        assert_eq!(marketing_tap(&tap), Some(true));
        assert!(words().intercept(&engine(), &state, &tap).is_some());
    }

    #[test]
    fn inside_a_form_stop_is_left_to_the_engine_and_plain_start_too() {
        let mut state = ConversationState::new("15550100");
        assert!(
            words()
                .intercept(&engine(), &state, &Input::text("start"))
                .is_none()
        );
        assert!(
            words()
                .intercept(&engine(), &state, &Input::text("hello"))
                .is_none()
        );
        state.form = Some(wabot_engine::FormProgress::default());
        assert!(
            words()
                .intercept(&engine(), &state, &Input::text("stop"))
                .is_none()
        );
    }

    #[test]
    fn a_start_word_asks_before_opting_back_in() {
        let state = ConversationState::new("15550100");
        let step = words().intercept(&engine(), &state, &Input::text("Start offers"));
        assert_eq!(
            step.map(|s| options(&s)).unwrap_or_default(),
            [OPT_IN_ID, KEEP_ID]
        );
    }

    #[test]
    fn the_question_and_the_answer_speak_the_customers_language() {
        let mut state = ConversationState::new("34600100200");
        state.language = Some("es".into());
        state.language_chosen = true;
        let step = words().intercept(&engine(), &state, &Input::text("stop"));
        match step.as_ref().and_then(|s| s.replies.first()) {
            Some(Reply::Menu(menu)) => {
                assert!(menu.body.starts_with("¿Quieres dejar"), "{}", menu.body);
                assert_eq!(menu.options[0].title, "Sí, sin ofertas");
            }
            other => panic!("a question was expected, not {other:?}"),
        }
        let tap = Input::Choice {
            id: OPT_OUT_ID.into(),
            title: "Sí, sin ofertas".into(),
        };
        match words()
            .intercept(&engine(), &state, &tap)
            .map(|s| s.replies)
        {
            Some(replies) => assert!(
                matches!(replies.first(), Some(Reply::Text { body }) if body.starts_with("Hecho"))
            ),
            None => panic!("the tap was not heard"),
        }
    }
}
