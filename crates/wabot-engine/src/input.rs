//! What a customer sends, and how text is understood: folding, option numbers (keycaps too), and
//! the normalisation of order numbers and ticket references.

use serde::{Deserialize, Serialize};

/// One thing a customer sent, as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// A text message.
    Text {
        /// What they wrote.
        body: String,
    },
    /// A tap on a reply button or list row.
    Choice {
        /// The reply id we gave the option.
        id: String,
        /// The title the customer saw.
        title: String,
    },
    /// A photo, video, audio, document or sticker.
    Media {
        /// Which.
        kind: MediaKind,
        /// WhatsApp's media id (to download it later).
        media_id: String,
        /// The caption, if any.
        caption: Option<String>,
    },
    /// Anything else (location, contacts, reaction, unknown types), by its WhatsApp type name.
    Unsupported {
        /// The message type.
        kind: String,
    },
}

/// The kinds of media a customer can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A photo.
    Image,
    /// A video.
    Video,
    /// A voice note or audio file.
    Audio,
    /// A file.
    Document,
    /// A sticker.
    Sticker,
}

impl Input {
    /// A text input.
    pub fn text(body: impl Into<String>) -> Self {
        Input::Text { body: body.into() }
    }
}

/// Trims, lowercases and collapses runs of white space to one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

const VARIATION_SELECTOR: char = '\u{FE0F}';
const COMBINING_KEYCAP: char = '\u{20E3}';
const KEYCAP_TEN: &str = "\u{1F51F}";

/// The option number in a folded text: `2`, `2.`, `2)`, `#2` or the keycap emoji `2️⃣` (also `🔟`).
pub fn option_number(folded: &str) -> Option<u32> {
    if folded == KEYCAP_TEN {
        return Some(10);
    }
    let text = folded.strip_prefix('#').unwrap_or(folded);
    let text = text
        .trim_end_matches([COMBINING_KEYCAP, VARIATION_SELECTOR])
        .trim_end_matches(['.', ')']);
    let digits_only =
        !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit());
    if digits_only { text.parse().ok() } else { None }
}

/// Normalises a reference such as an order number: `ord 1`, `ord-001`, `ORD001`, `#ORD-001` and a
/// bare `1` all become `ORD-001` for prefix `ORD`. Digits are padded to at least three; anything
/// else (other letters, no digits, more than nine digits) is `None`.
pub fn normalize_reference(text: &str, prefix: &str) -> Option<String> {
    let text = text.trim().trim_start_matches('#');
    let upper = text.to_ascii_uppercase();
    let rest = upper.strip_prefix(prefix).unwrap_or(&upper);
    let digits = rest.trim_start_matches([' ', '-', '_', '#', ':', '.']);
    let valid =
        !digits.is_empty() && digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    let number: u64 = digits.parse().ok()?;
    Some(format!("{prefix}-{number:03}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_trims_lowercases_and_collapses_space() {
        let cases = [
            ("  Track   Order ", "track order"),
            ("MENU", "menu"),
            ("\tback\n", "back"),
            ("", ""),
            ("Ärger ÜBER", "ärger über"),
        ];
        for (input, expected) in cases {
            assert_eq!(fold(input), expected, "{input:?}");
        }
    }

    #[test]
    fn option_numbers_in_every_form() {
        let cases = [
            ("2", Some(2)),
            ("2.", Some(2)),
            ("2)", Some(2)),
            ("#2", Some(2)),
            ("2\u{FE0F}\u{20E3}", Some(2)),
            ("2\u{20E3}", Some(2)),
            ("\u{1F51F}", Some(10)),
            ("12", Some(12)),
            ("", None),
            (".", None),
            ("two", None),
            ("2a", None),
            ("-1", None),
            ("1234", None),
            ("1 2", None),
        ];
        for (input, expected) in cases {
            assert_eq!(option_number(input), expected, "{input:?}");
        }
    }

    #[test]
    fn references_normalise_or_are_refused() {
        let cases = [
            ("ord 1", Some("ORD-001")),
            ("ord-001", Some("ORD-001")),
            ("ORD-001", Some("ORD-001")),
            ("ORD001", Some("ORD-001")),
            ("#ORD-001", Some("ORD-001")),
            ("  ord_42 ", Some("ORD-042")),
            ("7", Some("ORD-007")),
            ("ORD-1234", Some("ORD-1234")),
            ("ORD-", None),
            ("order 1", None),
            ("DEF-001", None),
            ("hello", None),
            ("ORD-12a", None),
            ("ORD-1234567890", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                normalize_reference(input, "ORD").as_deref(),
                expected,
                "{input:?}"
            );
        }
        assert_eq!(
            normalize_reference("def 3", "DEF").as_deref(),
            Some("DEF-003")
        );
    }
}
