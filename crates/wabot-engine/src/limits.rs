//! WhatsApp's limits for what a menu turns into (Cloud API reference, "interactive" messages).
//!
//! A menu becomes reply buttons when it fits them, else a list; the menu file must fit a list at least.

/// Most reply buttons in one message.
pub const MAX_BUTTONS: usize = 3;
/// Longest reply button title, in characters.
pub const MAX_BUTTON_TITLE: usize = 20;
/// Most rows in one list message (across all sections).
pub const MAX_LIST_ROWS: usize = 10;
/// Longest list row title.
pub const MAX_ROW_TITLE: usize = 24;
/// Longest list row description.
pub const MAX_ROW_DESCRIPTION: usize = 72;
/// Longest list button label (the button that opens the list).
pub const MAX_LIST_BUTTON: usize = 20;
/// Longest body of an interactive message (lists allow 4096 on paper; 1024 is safe for both kinds).
pub const MAX_INTERACTIVE_BODY: usize = 1024;
/// Longest text header or footer of an interactive message.
pub const MAX_HEADER: usize = 60;
/// Longest footer of an interactive message.
pub const MAX_FOOTER: usize = 60;
/// Longest text message body.
pub const MAX_TEXT: usize = 4096;
/// Longest node id, so that reply ids (`m:<node>:<key>`) stay far below Meta's 200 characters.
pub const MAX_NODE_ID: usize = 64;

/// The length WhatsApp counts: characters (Unicode scalar values), not bytes.
pub fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Longest reply button id.
pub const MAX_BUTTON_ID: usize = 256;
/// Longest list row id.
pub const MAX_ROW_ID: usize = 200;
/// Most sections in one list message.
pub const MAX_SECTIONS: usize = 10;
/// Longest list section title.
pub const MAX_SECTION_TITLE: usize = 24;
/// Longest media caption.
pub const MAX_CAPTION: usize = 1024;
/// Longest `biz_opaque_callback_data`.
pub const MAX_CALLBACK_DATA: usize = 512;
/// Longest template name.
pub const MAX_TEMPLATE_NAME: usize = 512;
