//! Golden transcripts: `tests/transcripts/*.txt` replayed through the engine, compared line by line.
//!
//! Format: `> text` is a customer's text; `>> choice ID | TITLE`, `>> image ID`, `>> video ID`,
//! `>> location` (any other type) are other inputs; `@customer ID` switches customer; `@wait 31m`
//! (s, m, h) moves the clock; `@lookup remote` reads orders and schedule as an effect answered from the
//! same data, `@lookup unavailable` as an effect whose source is down, `@lookup data` as usual;
//! `#` lines are comments. The bot's replies follow each input as `< `
//! lines (each reply as plain text, replies separated by `<---`). Set `UPDATE_TRANSCRIPTS=1` to
//! rewrite the files from the engine's output, then read the diff before committing it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use similar::TextDiff;
use wabot_engine::{
    Answer, ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData,
    Input, MediaKind, Menu, RecordSource, Step, Stepped, Unavailable,
};

/// Time between two inputs when no `@wait` says otherwise.
const PAUSE: TimeDelta = TimeDelta::seconds(5);

fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

fn parse_input(line: &str) -> Input {
    if let Some(text) = line.strip_prefix("> ") {
        return Input::text(text);
    }
    if line == ">" {
        return Input::text("");
    }
    let rest = line.strip_prefix(">> ").expect("an input line");
    let (kind, argument) = rest.split_once(' ').unwrap_or((rest, ""));
    let media = |kind| Input::Media {
        kind,
        media_id: argument.to_owned(),
        caption: None,
    };
    match kind {
        "choice" => {
            let (id, title) = argument.split_once(" | ").unwrap_or((argument, ""));
            Input::Choice {
                id: id.to_owned(),
                title: title.to_owned(),
            }
        }
        "image" => media(MediaKind::Image),
        "video" => media(MediaKind::Video),
        "document" => media(MediaKind::Document),
        "sticker" => media(MediaKind::Sticker),
        other => Input::Unsupported {
            kind: other.to_owned(),
        },
    }
}

fn parse_wait(text: &str) -> TimeDelta {
    let (number, unit) = text.split_at(text.len() - 1);
    let number: i64 = number.parse().expect("a number before s, m or h");
    match unit {
        "s" => TimeDelta::seconds(number),
        "m" => TimeDelta::minutes(number),
        "h" => TimeDelta::hours(number),
        other => panic!("unknown unit {other}"),
    }
}

/// How a transcript's steps read orders and schedule (`@lookup`).
#[derive(Clone, Copy, PartialEq)]
enum Lookups {
    Data,
    Remote,
    Unavailable,
}

/// One step, reading orders and schedule as `lookups` says. As an effect, the first try must ask
/// for a lookup exactly when the action reads one, and the second, given the answer, is taken.
fn take_step(
    engine: &Engine,
    lookups: Lookups,
    now: DateTime<Utc>,
    state: &ConversationState,
    input: &Input,
    data: &mut InMemoryBusinessData,
) -> Step {
    if lookups == Lookups::Data {
        return engine.step(now, state, input, data).unwrap();
    }
    match engine
        .step_with(now, state, input, data, RecordSource::Lookup(None))
        .unwrap()
    {
        Stepped::Done(step) => step,
        Stepped::Needs(lookup) => {
            let records = match lookups {
                Lookups::Remote => Ok(lookup.run(&state.customer, data).unwrap()),
                _ => Err(Unavailable),
            };
            let answer = Answer { lookup, records };
            let source = RecordSource::Lookup(Some(&answer));
            match engine.step_with(now, state, input, data, source).unwrap() {
                Stepped::Done(step) => step,
                Stepped::Needs(again) => panic!("asked again for {again:?} after its answer"),
            }
        }
    }
}

/// Replays a transcript's inputs and writes the transcript the engine produces.
pub fn replay(engine: &Engine, expected: &str) -> String {
    let mut data = InMemoryBusinessData::demo(start_time().date_naive());
    let mut states: HashMap<String, ConversationState> = HashMap::new();
    let mut customer = DEMO_CUSTOMER.to_owned();
    let mut now = start_time();
    let mut lookups = Lookups::Data;
    let mut out = String::new();
    for line in expected.lines() {
        if line.starts_with('<') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if let Some(id) = line.strip_prefix("@customer ") {
            customer = id.trim().to_owned();
            continue;
        }
        if let Some(wait) = line.strip_prefix("@wait ") {
            now += parse_wait(wait.trim());
            continue;
        }
        if let Some(mode) = line.strip_prefix("@lookup ") {
            lookups = match mode.trim() {
                "remote" => Lookups::Remote,
                "unavailable" => Lookups::Unavailable,
                "data" => Lookups::Data,
                other => panic!("unknown @lookup mode {other}"),
            };
            continue;
        }
        if !line.starts_with('>') {
            continue;
        }
        let input = parse_input(line);
        let state = states
            .remove(&customer)
            .unwrap_or_else(|| ConversationState::new(customer.clone()));
        let step = take_step(engine, lookups, now, &state, &input, &mut data);
        assert!(
            engine.menu().is_valid_state(&step.state),
            "invalid state after {line:?}"
        );
        for (index, reply) in step.replies.iter().enumerate() {
            if index > 0 {
                out.push_str("<---\n");
            }
            for reply_line in reply.to_plain_text().lines() {
                if reply_line.is_empty() {
                    out.push_str("<\n");
                } else {
                    out.push_str("< ");
                    out.push_str(reply_line);
                    out.push('\n');
                }
            }
        }
        states.insert(customer.clone(), step.state);
        now += PAUSE;
    }
    out
}

fn transcript_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn golden_transcripts_match_the_engine() {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let files = transcript_files();
    assert!(
        files.len() >= 15,
        "expected a transcript per path of the tree"
    );
    let mut failures = Vec::new();
    for path in files {
        let expected = std::fs::read_to_string(&path).unwrap();
        let actual = replay(&engine, &expected);
        if actual == expected {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let diff = TextDiff::from_lines(&expected, &actual)
            .unified_diff()
            .header(&format!("{name} (expected)"), &format!("{name} (engine)"))
            .to_string();
        failures.push(diff);
    }
    assert!(
        failures.is_empty(),
        "transcripts differ (UPDATE_TRANSCRIPTS=1 rewrites them):\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_changed_reply_is_reported_as_a_difference() {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
    let wrong = "> hi\n< Hello there\n";
    assert_ne!(replay(&engine, wrong), wrong);
}

#[test]
fn records_read_as_an_effect_answer_exactly_as_read_from_the_data() {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let remote =
        std::fs::read_to_string(folder.join("27_lookup_remote_answers_as_the_data.txt")).unwrap();
    assert!(remote.contains("@lookup remote"));
    let as_data = remote.replace("@lookup remote", "@lookup data");
    assert_eq!(
        replay(&engine, &remote).replace("@lookup remote", "@lookup data"),
        replay(&engine, &as_data)
    );
}
