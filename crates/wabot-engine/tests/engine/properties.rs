//! Property tests: no input sequence panics, every input gets a reply within Meta's limits in every
//! language, and every state is valid.

use chrono::{TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use wabot_engine::{
    ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData, Input,
    MediaKind, Menu, Reply, limits,
};

fn text_input() -> impl Strategy<Value = Input> {
    let words = prop::sample::select(vec![
        "hi",
        "menu",
        "back",
        "0",
        "cancel",
        "help",
        "skip",
        "yes",
        "no",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "10",
        "2.",
        "3)",
        "1️⃣",
        "🔟",
        "track order",
        "ORD-001",
        "ord 2",
        "DEF-001",
        "def 9",
        "The table arrived with a broken leg",
        "",
        "   ",
        "😀",
        "ORD-",
        "stop",
        "y",
        "n",
        "english",
        "español",
        "volver",
        "omitir",
        "sí",
    ]);
    prop_oneof![
        3 => words.prop_map(Input::text),
        1 => "\\PC{0,40}".prop_map(Input::text),
    ]
}

fn other_input() -> impl Strategy<Value = Input> {
    let ids = prop::sample::select(vec![
        "m:main:1",
        "m:main:4",
        "m:orders:2",
        "m:defects:1",
        "m:help:3",
        "m:main:99",
        "m:x:1",
        "f:report_defect:0:skip",
        "f:report_defect:2:skip",
        "f:report_defect:3:yes",
        "f:report_defect:3:no",
        "f:track_order:0:skip",
        "garbage",
    ]);
    prop_oneof![
        (ids, "\\PC{0,10}").prop_map(|(id, title)| Input::Choice {
            id: id.to_owned(),
            title
        }),
        "[A-Z0-9]{1,8}".prop_map(|media_id| Input::Media {
            kind: MediaKind::Image,
            media_id,
            caption: None
        }),
        Just(Input::Media {
            kind: MediaKind::Audio,
            media_id: "A1".into(),
            caption: None
        }),
        Just(Input::Unsupported {
            kind: "location".into()
        }),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![4 => text_input(), 1 => other_input()]
}

/// Seconds to wait before an input: mostly quick, sometimes past the idle timeout.
fn pause() -> impl Strategy<Value = i64> {
    prop_oneof![8 => 0i64..120, 1 => 1_700i64..7_200]
}

/// A reply is within Meta's limits for what it becomes: a text message, or a list (or buttons).
fn check_reply(reply: &Reply) {
    let within = |text: &str, max: usize| limits::chars(text) <= max;
    match reply {
        Reply::Text { body } => {
            assert!(!body.trim().is_empty(), "empty text reply");
            assert!(within(body, limits::MAX_TEXT), "text too long: {body}");
        }
        Reply::Menu(menu) => {
            assert!(!menu.body.trim().is_empty(), "menu without body");
            assert!(within(&menu.body, limits::MAX_INTERACTIVE_BODY), "{menu:?}");
            assert!(
                menu.header
                    .as_deref()
                    .is_none_or(|h| within(h, limits::MAX_HEADER))
            );
            assert!(
                menu.footer
                    .as_deref()
                    .is_none_or(|f| within(f, limits::MAX_FOOTER))
            );
            assert!(within(&menu.button, limits::MAX_LIST_BUTTON), "{menu:?}");
            assert!(!menu.options.is_empty(), "menu without options");
            assert!(menu.options.len() <= limits::MAX_LIST_ROWS);
            for option in &menu.options {
                assert!(within(&option.title, limits::MAX_ROW_TITLE), "{option:?}");
                assert!(within(&option.id, limits::MAX_ROW_ID), "{option:?}");
                let description = option.description.as_deref();
                assert!(description.is_none_or(|d| within(d, limits::MAX_ROW_DESCRIPTION)));
            }
        }
    }
}

/// A conversation that chose language `language` of the default menu, standing at `node`.
fn speaking(language: &str, node: Option<&str>) -> ConversationState {
    let mut state = ConversationState::new(DEMO_CUSTOMER);
    state.language = Some(language.to_owned());
    state.language_chosen = true;
    state.node = node.map(str::to_owned);
    state
}

#[test]
fn every_node_in_every_language_renders_within_meta_limits() {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let outline = engine.menu().outline();
    assert!(engine.menu().languages().len() >= 2);
    for language in engine.menu().languages() {
        let mut data = InMemoryBusinessData::demo(now.date_naive());
        let mut checked = 0;
        for node in &outline.nodes {
            let wabot_engine::OutlineKind::Menu { options, .. } = &node.kind else {
                continue;
            };
            for inputs in [vec!["help"], vec!["xyz"], vec!["agent"]] {
                for text in inputs {
                    let state = speaking(language, Some(&node.id));
                    let step = engine
                        .step(now, &state, &Input::text(text), &mut data)
                        .unwrap();
                    step.replies.iter().for_each(check_reply);
                }
            }
            for option in options {
                let state = speaking(language, Some(&node.id));
                let id = format!("m:{}:{}", node.id, option.key);
                let input = Input::Choice {
                    id,
                    title: option.title.clone(),
                };
                let step = engine.step(now, &state, &input, &mut data).unwrap();
                assert_eq!(step.state.language.as_deref(), Some(language.as_str()));
                step.replies.iter().for_each(check_reply);
                // Inside a form: every question, and its hint after a wrong answer.
                let mut state = step.state;
                for _ in 0..6 {
                    if state.form.is_none() {
                        break;
                    }
                    let wrong = engine
                        .step(now, &state, &Input::text("?"), &mut data)
                        .unwrap();
                    wrong.replies.iter().for_each(check_reply);
                    let skip = engine
                        .step(now, &state, &Input::text("skip"), &mut data)
                        .unwrap();
                    skip.replies.iter().for_each(check_reply);
                    state = skip.state;
                }
                checked += 1;
            }
        }
        assert!(checked >= 20, "{language}: only {checked} options checked");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_input_sequence_gets_replies_and_valid_states(
        steps in prop::collection::vec((pause(), input()), 1..40),
        language in prop::sample::select(vec![None, Some("en"), Some("es")]),
    ) {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let mut now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut data = InMemoryBusinessData::demo(now.date_naive());
        let mut state = match language {
            Some(language) => speaking(language, None),
            None => ConversationState::new(DEMO_CUSTOMER),
        };
        for (seconds, input) in steps {
            now += TimeDelta::seconds(seconds);
            let step = engine.step(now, &state, &input, &mut data).unwrap();
            let with_a_person = state.handoff.is_some() || step.state.handoff.is_some();
            prop_assert!(!step.replies.is_empty() || with_a_person, "no reply to {:?}", input);
            step.replies.iter().for_each(check_reply);
            prop_assert!(engine.menu().is_valid_state(&step.state), "invalid state {:?}", step.state);
            prop_assert_eq!(step.state.version, state.version + 1);
            prop_assert_eq!(step.state.last_activity, Some(now));
            let language = step.state.language.as_deref().unwrap_or_default();
            prop_assert!(engine.menu().languages().iter().any(|known| known == language));
            state = step.state;
        }
    }

    #[test]
    fn a_state_from_another_menu_starts_afresh(node in "[a-z_]{1,12}", field in 0usize..6) {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut data = InMemoryBusinessData::demo(now.date_naive());
        let mut state = ConversationState::new(DEMO_CUSTOMER);
        state.node = Some(node);
        state.form = Some(wabot_engine::FormProgress { field, ..Default::default() });
        let step = engine.step(now, &state, &Input::text("2"), &mut data).unwrap();
        prop_assert!(!step.replies.is_empty());
        prop_assert!(engine.menu().is_valid_state(&step.state));
    }
}
