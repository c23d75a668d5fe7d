//! Rendering the engine's replies as WhatsApp messages, deterministically:
//!
//! - a `Reply::Menu` becomes **reply buttons** when it has at most 3 options and every part fits
//!   them (titles ≤ 20; descriptions are dropped), else a **list** when it has at most 10 rows that
//!   fit (titles ≤ 24, descriptions ≤ 72), else **numbered text**;
//! - text longer than 4096 characters is split on paragraph boundaries, then line boundaries, then
//!   spaces, and only as a last resort inside a word; every part is ≤ 4096 characters.
//!
//! Each candidate is made with the checked builders, so "fits" means exactly "the builder accepts it".

use wabot_engine::limits::{self, chars};
use wabot_engine::{MenuReply, Reply};

use crate::builders::InteractiveParts;
use crate::outbound::{ButtonReply, OutboundMessage, Row, Section};

/// The messages that show `reply` to `to`, in order. Empty only if `to` is empty.
pub fn render(reply: &Reply, to: &str) -> Vec<OutboundMessage> {
    match reply {
        Reply::Text { body } => text_messages(to, body),
        Reply::Menu(menu) => match interactive(menu, to) {
            Some(message) => vec![message],
            None => text_messages(to, &reply.to_plain_text()),
        },
    }
}

fn interactive(menu: &MenuReply, to: &str) -> Option<OutboundMessage> {
    let parts = InteractiveParts {
        header: menu.header.clone(),
        body: menu.body.clone(),
        footer: menu.footer.clone(),
    };
    if menu.options.len() <= limits::MAX_BUTTONS {
        let buttons: Vec<ButtonReply> = menu
            .options
            .iter()
            .map(|option| ButtonReply {
                id: option.id.clone(),
                title: option.title.clone(),
            })
            .collect();
        if let Ok(message) = OutboundMessage::buttons(to, &parts, &buttons) {
            return Some(message);
        }
    }
    let rows = menu
        .options
        .iter()
        .map(|option| Row {
            id: option.id.clone(),
            title: option.title.clone(),
            description: option.description.clone(),
        })
        .collect();
    let title = menu
        .header
        .clone()
        .filter(|header| chars(header) <= limits::MAX_SECTION_TITLE)
        .unwrap_or_else(|| menu.button.clone());
    let sections = [Section { title, rows }];
    OutboundMessage::list(to, &parts, &menu.button, &sections).ok()
}

fn text_messages(to: &str, body: &str) -> Vec<OutboundMessage> {
    split_text(body, limits::MAX_TEXT)
        .iter()
        .filter_map(|part| OutboundMessage::text(to, part).ok())
        .collect()
}

/// Splits `text` into parts of at most `max` characters, preferring paragraph breaks, then line
/// breaks, then spaces. Parts are trimmed of the separator; empty parts are dropped.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while chars(rest) > max {
        // The byte offset just past the first `max` characters.
        let limit = rest
            .char_indices()
            .nth(max)
            .map_or(rest.len(), |(at, _)| at);
        let window = &rest[..limit];
        let cut = ["\n\n", "\n", " "]
            .iter()
            .find_map(|separator| window.rfind(separator).filter(|&at| at > 0))
            .unwrap_or(limit);
        parts.push(rest[..cut].trim_end().to_owned());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        parts.push(rest.to_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_prefers_paragraphs_then_lines_then_spaces_then_characters() {
        assert_eq!(split_text("aaa\n\nbbb ccc", 8), ["aaa", "bbb ccc"]);
        assert_eq!(split_text("aaa\nbbb\nccc", 8), ["aaa\nbbb", "ccc"]);
        assert_eq!(split_text("aaaa bbbb cccc", 10), ["aaaa bbbb", "cccc"]);
        assert_eq!(split_text("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(split_text("ééééé", 2), ["éé", "éé", "é"]);
        assert!(split_text("   ", 4).is_empty());
    }

    #[test]
    fn every_part_fits_and_nothing_but_separators_is_lost() {
        let text = "word ".repeat(2000) + "\n\n" + &"line\n".repeat(900);
        let parts = split_text(&text, limits::MAX_TEXT);
        assert!(parts.len() >= 3);
        assert!(parts.iter().all(|part| chars(part) <= limits::MAX_TEXT));
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(squeeze(&parts.join(" ")), squeeze(&text));
    }
}
