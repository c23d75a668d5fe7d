//! `wabot chat --from WA_ID`: a terminal conversation with the bot over the configured database and
//! menu, with no Meta account and no server. Each line goes the same way a webhook's message does —
//! ingest, conversation step, outbox, delivery — and the delivered messages are printed as a customer
//! would see them (menus as numbered options, with the ids a tap would send). Works on piped input.

use std::io::{BufRead, Write};
use std::sync::Arc;

use serde_json::Value;
use wabot_app::{
    Accepted, ContactIds, ContactRef, CustomerMessage, InboundPayload, Inbox, Messenger,
    NewInboundItem, NewWebhookEvent, SendFailure, TokenBucket, utc_now,
};
use wabot_engine::{Input, MediaKind};

use crate::components::Components;
use crate::settings::Settings;

/// The customer `--from` names: a phone number (normalised as the admin API does: `+`, spaces and
/// dashes allowed) or a business-scoped user id; anything else is refused with what to write.
fn customer(from: &str) -> anyhow::Result<ContactIds> {
    match ContactRef::parse(from) {
        Some(ContactRef::Phone(number)) => Ok(ContactIds {
            wa_id: Some(number),
            user_id: None,
        }),
        Some(ContactRef::UserId(user_id)) => Ok(ContactIds {
            wa_id: None,
            user_id: Some(user_id),
        }),
        _ => anyhow::bail!(
            "--from {from:?} is not a phone number or a user id: write a number in international \
             format, e.g. --from +15551234567, or a user id such as US.13491208655302741918"
        ),
    }
}

/// The chat has one customer, and one message of a customer is in flight at a time anyway.
const CHAT_SENDS_IN_FLIGHT: usize = 1;

/// Prints each message instead of sending it.
struct Terminal {
    sent: std::sync::atomic::AtomicU64,
}

/// The text of a request body as a customer would read it, with the ids of tappable options.
pub(crate) fn readable(body: &Value) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(text) = body.pointer("/text/body").and_then(Value::as_str) {
        lines.push(text.to_owned());
    }
    if let Some(interactive) = body.get("interactive") {
        if let Some(header) = interactive.pointer("/header/text").and_then(Value::as_str) {
            lines.push(format!("*{header}*"));
        }
        if let Some(text) = interactive.pointer("/body/text").and_then(Value::as_str) {
            lines.push(text.to_owned());
        }
        let rows = interactive
            .pointer("/action/sections/0/rows")
            .and_then(Value::as_array);
        for (n, row) in rows.into_iter().flatten().enumerate() {
            let description = row["description"]
                .as_str()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default();
            let id = row["id"].as_str().unwrap_or_default();
            let title = row["title"].as_str().unwrap_or_default();
            lines.push(format!("{}. {title}{description}   [tap: {id}]", n + 1));
        }
        let buttons = interactive
            .pointer("/action/buttons")
            .and_then(Value::as_array);
        for button in buttons.into_iter().flatten() {
            let id = button["reply"]["id"].as_str().unwrap_or_default();
            let title = button["reply"]["title"].as_str().unwrap_or_default();
            lines.push(format!("({title})   [tap: {id}]"));
        }
        if let Some(footer) = interactive.pointer("/footer/text").and_then(Value::as_str) {
            lines.push(format!("_{footer}_"));
        }
    }
    lines.join("\n")
}

impl Messenger for Terminal {
    async fn send(&self, body: &str) -> Result<Accepted, SendFailure> {
        let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let mut out = std::io::stdout().lock();
        for line in readable(&json).lines() {
            let _ = writeln!(out, "  bot │ {line}");
        }
        let _ = writeln!(out);
        let n = self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Accepted::id(format!("chat.{}.{n}", std::process::id())))
    }

    /// The terminal has no blue ticks to show.
    async fn mark_read(&self, _message_id: &str) -> Result<(), SendFailure> {
        Ok(())
    }
}

fn input(line: &str) -> Input {
    if let Some(id) = line.strip_prefix("/tap ") {
        return Input::Choice {
            id: id.trim().to_owned(),
            title: String::new(),
        };
    }
    if let Some(id) = line.strip_prefix("/image ") {
        return Input::Media {
            kind: MediaKind::Image,
            media_id: id.trim().to_owned(),
            caption: None,
        };
    }
    Input::text(line)
}

/// Runs the chat until the input ends.
pub async fn chat(settings: &Settings, from: &str) -> anyhow::Result<()> {
    let from = customer(from)?;
    let components = Components::open(settings, 2).await?;
    let store = &components.store;
    let owner = format!("chat-{}", std::process::id());
    let converse = components.converse();
    let bucket = Arc::new(TokenBucket::new(1000, utc_now()));
    let deliver = components.deliver(
        Terminal { sent: 0.into() },
        bucket,
        format!("{owner}-s"),
        CHAT_SENDS_IN_FLIGHT,
    );
    let session = utc_now().timestamp_micros();
    let shown = from.key().unwrap_or_default();
    writeln!(
        std::io::stdout(),
        "Chatting as {shown}. Type messages; `/tap ID` taps an option, `/image ID` sends a photo. Ctrl-D ends.\n"
    )?;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        writeln!(std::io::stdout(), "  you │ {line}")?;
        let now = utc_now();
        let message_id = format!("chat.{session}.{n}");
        let contact = from.clone();
        let item = NewInboundItem {
            dedupe_key: message_id.clone(),
            contact: contact.clone(),
            profile_name: None,
            occurred_at: now,
            payload: InboundPayload::Message(CustomerMessage {
                message_id,
                kind: "text".into(),
                input: input(&line),
                reply_to: contact,
            }),
        };
        store
            .ingest(NewWebhookEvent {
                received_at: now,
                body: "{\"source\":\"wabot chat\"}".into(),
                items: vec![item],
                account_updates: Vec::new(),
            })
            .await?;
        while converse.run_once(utc_now()).await? > 0 {}
        while !deliver.run_once(utc_now()).await?.is_empty() {}
    }
    Ok(())
}
