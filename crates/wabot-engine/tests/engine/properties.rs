//! Property tests: no input sequence panics, every input gets a reply, and every state is valid.

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

fn check_reply(reply: &Reply) {
    match reply {
        Reply::Text { body } => assert!(!body.trim().is_empty(), "empty text reply"),
        Reply::Menu(menu) => {
            assert!(!menu.body.trim().is_empty(), "menu without body");
            assert!(!menu.options.is_empty(), "menu without options");
            assert!(menu.options.len() <= limits::MAX_LIST_ROWS);
            for option in &menu.options {
                assert!(limits::chars(&option.title) <= limits::MAX_ROW_TITLE);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_input_sequence_gets_replies_and_valid_states(
        steps in prop::collection::vec((pause(), input()), 1..40)
    ) {
        let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
        let mut now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut data = InMemoryBusinessData::demo(now.date_naive());
        let mut state = ConversationState::new(DEMO_CUSTOMER);
        for (seconds, input) in steps {
            now += TimeDelta::seconds(seconds);
            let step = engine.step(now, &state, &input, &mut data).unwrap();
            let with_a_person = state.handoff.is_some() || step.state.handoff.is_some();
            prop_assert!(!step.replies.is_empty() || with_a_person, "no reply to {:?}", input);
            step.replies.iter().for_each(check_reply);
            prop_assert!(engine.menu().is_valid_state(&step.state), "invalid state {:?}", step.state);
            prop_assert_eq!(step.state.version, state.version + 1);
            prop_assert_eq!(step.state.last_activity, Some(now));
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
