//! Golden transcripts: `tests/transcripts/*.txt` replayed through the engine, compared line by line.
//!
//! Format: `> text` is a customer's text; `>> choice ID | TITLE`, `>> image ID`, `>> video ID`,
//! `>> location` (any other type) are other inputs; `@customer ID` switches customer; `@wait 31m`
//! (s, m, h) moves the clock; `#` lines are comments. The bot's replies follow each input as `< `
//! lines (each reply as plain text, replies separated by `<---`). Set `UPDATE_TRANSCRIPTS=1` to
//! rewrite the files from the engine's output, then read the diff before committing it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use similar::TextDiff;
use wabot_engine::{
    ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData, Input,
    MediaKind, Menu,
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

/// Replays a transcript's inputs and writes the transcript the engine produces.
pub fn replay(engine: &Engine, expected: &str) -> String {
    let mut data = InMemoryBusinessData::demo(start_time().date_naive());
    let mut states: HashMap<String, ConversationState> = HashMap::new();
    let mut customer = DEMO_CUSTOMER.to_owned();
    let mut now = start_time();
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
        if !line.starts_with('>') {
            continue;
        }
        let input = parse_input(line);
        let state = states
            .remove(&customer)
            .unwrap_or_else(|| ConversationState::new(customer.clone()));
        let step = engine.step(now, &state, &input, &mut data).unwrap();
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
