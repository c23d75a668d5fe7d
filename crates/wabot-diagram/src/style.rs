//! Colours and line widths, shared by every format: one colour per node kind, and a scale from grey
//! through amber to red for a share of the traffic (an edge's share of its menu's choices, a node's
//! share of entries that left there).

use crate::model::Kind;

/// A node's fill colour by its kind.
pub(crate) fn kind_fill(kind: Kind) -> &'static str {
    match kind {
        Kind::Menu => "#dbeafe",
        Kind::Action => "#dcfce7",
        Kind::Form => "#fef3c7",
        Kind::Text => "#f3f4f6",
        Kind::Handoff => "#fce7f3",
    }
}

/// A node's border colour by its kind.
pub(crate) fn kind_stroke(kind: Kind) -> &'static str {
    match kind {
        Kind::Menu => "#2563eb",
        Kind::Action => "#16a34a",
        Kind::Form => "#d97706",
        Kind::Text => "#6b7280",
        Kind::Handoff => "#db2777",
    }
}

/// An edge without traffic: dark grey, a back link lighter.
pub(crate) fn plain_edge(back: bool) -> &'static str {
    if back { "#9ca3af" } else { "#4b5563" }
}

type Rgb = (u8, u8, u8);

fn mix(from: Rgb, to: Rgb, t: f64) -> Rgb {
    let channel = |a: u8, b: u8| {
        let value = f64::from(a) + (f64::from(b) - f64::from(a)) * t.clamp(0.0, 1.0);
        // Rounded and clamped to 0..=255 first, so the cast keeps the value.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let byte = value.round().clamp(0.0, 255.0) as u8;
        byte
    };
    (
        channel(from.0, to.0),
        channel(from.1, to.1),
        channel(from.2, to.2),
    )
}

fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The colour of a share of the traffic: grey (none), amber (half), red (all).
pub(crate) fn heat(share: f64) -> String {
    const NONE: Rgb = (0x9c, 0xa3, 0xaf);
    const HALF: Rgb = (0xf5, 0x9e, 0x0b);
    const ALL: Rgb = (0xdc, 0x26, 0x26);
    if share <= 0.5 {
        hex(mix(NONE, HALF, share * 2.0))
    } else {
        hex(mix(HALF, ALL, (share - 0.5) * 2.0))
    }
}

/// A node's fill for its drop-off share: white (nobody left there) to light red (everyone did).
pub(crate) fn drop_fill(share: f64) -> String {
    hex(mix((0xff, 0xff, 0xff), (0xfc, 0xa5, 0xa5), share))
}

/// An edge's width for its share of the traffic, in pixels: 1.5 to 7.
pub(crate) fn width(share: f64) -> f64 {
    1.5 + 5.5 * share.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_runs_from_grey_through_amber_to_red() {
        assert_eq!(heat(0.0), "#9ca3af");
        assert_eq!(heat(0.5), "#f59e0b");
        assert_eq!(heat(1.0), "#dc2626");
        assert_eq!(heat(7.0), "#dc2626");
        assert_eq!(drop_fill(0.0), "#ffffff");
        assert_eq!(drop_fill(1.0), "#fca5a5");
        assert!((width(1.0) - 7.0).abs() < f64::EPSILON);
    }
}
