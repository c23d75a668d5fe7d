//! An embedding application in miniature: chat with the default menu on the terminal.
//!
//! `cargo run -p wabot-engine --example chat` reads one customer message per line (piped input works
//! too) and prints the bot's replies as plain text. A line `/image ID` sends a photo, `/tap ID` taps
//! an interactive option by its id. The business data is the in-memory demo set.

use std::io::{BufRead, Write};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use wabot_engine::{
    ConversationState, DEFAULT_MENU_TOML, DEMO_CUSTOMER, Engine, InMemoryBusinessData, Input,
    MediaKind, Menu, Reply,
};

fn now() -> DateTime<Utc> {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0).unwrap_or_default()
}

fn input(line: &str) -> Input {
    if let Some(id) = line.strip_prefix("/image ") {
        return Input::Media {
            kind: MediaKind::Image,
            media_id: id.trim().to_owned(),
            caption: None,
        };
    }
    if let Some(id) = line.strip_prefix("/tap ") {
        return Input::Choice {
            id: id.trim().to_owned(),
            title: String::new(),
        };
    }
    Input::text(line)
}

fn show(out: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    for line in reply.to_plain_text().lines() {
        writeln!(out, "  bot │ {line}")?;
    }
    if let Reply::Menu(menu) = reply {
        let ids: Vec<&str> = menu
            .options
            .iter()
            .map(|option| option.id.as_str())
            .collect();
        writeln!(out, "      │ (tap ids: {})", ids.join(", "))?;
    }
    writeln!(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::new(Menu::from_toml_str(DEFAULT_MENU_TOML)?);
    let mut data = InMemoryBusinessData::demo(now().date_naive());
    let mut state = ConversationState::new(DEMO_CUSTOMER);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Chatting as the demo customer {DEMO_CUSTOMER}. Say hi; Ctrl-D ends.\n"
    )?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        writeln!(out, "  you │ {line}")?;
        let step = engine.step(now(), &state, &input(&line), &mut data)?;
        for reply in &step.replies {
            show(&mut out, reply)?;
        }
        state = step.state;
    }
    Ok(())
}
