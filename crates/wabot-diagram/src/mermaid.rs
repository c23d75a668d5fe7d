//! The diagram as a Mermaid flowchart (GitHub and many Markdown viewers draw it): left to right,
//! nodes named `n0`, `n1`, … in file order (a menu id such as `end` would be a Mermaid keyword),
//! back links dotted; with traffic, counts in the labels and colours by share.

use std::fmt::Write;

use crate::model::{Diagram, Kind};
use crate::style;

/// Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid's entity codes.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes `diagram` as a Mermaid flowchart.
pub(crate) fn write(diagram: &Diagram) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail, so the results of `writeln!` are ignored.
    let _ = writeln!(out, "flowchart LR");
    if let Some(period) = &diagram.period {
        let _ = writeln!(
            out,
            "  %% Traffic of {period}: times each option was chosen and its share of its menu's choices; \
             entries and conversations that went quiet at each node."
        );
    }
    for (at, node) in diagram.nodes.iter().enumerate() {
        let mut lines = Diagram::node_lines(node).into_iter().map(|l| escaped(&l));
        let title = lines.next().unwrap_or_default();
        let rest: Vec<String> = lines.collect();
        let _ = writeln!(
            out,
            "  n{at}[\"<b>{title}</b><br/>{}\"]",
            rest.join("<br/>")
        );
    }
    for edge in &diagram.edges {
        let mut label = escaped(&Diagram::edge_label(edge));
        if let Some(counts) = &edge.counts {
            label.push_str("<br/>");
            label.push_str(&escaped(&Diagram::edge_counts(counts)));
        }
        let arrow = if edge.back { "-.->" } else { "-->" };
        let _ = writeln!(out, "  n{} {arrow}|\"{label}\"| n{}", edge.from, edge.to);
    }
    for kind in [
        Kind::Menu,
        Kind::Action,
        Kind::Form,
        Kind::Text,
        Kind::Handoff,
    ] {
        let members: Vec<String> = diagram
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.kind == kind)
            .map(|(at, _)| format!("n{at}"))
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  classDef {} fill:{},stroke:{}",
            kind.name(),
            style::kind_fill(kind),
            style::kind_stroke(kind)
        );
        let _ = writeln!(out, "  class {} {}", members.join(","), kind.name());
    }
    for (at, node) in diagram.nodes.iter().enumerate() {
        if let (Some(counts), Kind::Menu | Kind::Form) = (&node.counts, node.kind) {
            let _ = writeln!(out, "  style n{at} fill:{}", style::drop_fill(counts.share));
        }
    }
    for (at, edge) in diagram.edges.iter().enumerate() {
        let (colour, width) = match &edge.counts {
            Some(counts) => (style::heat(counts.share), style::width(counts.share)),
            None => (style::plain_edge(edge.back).to_owned(), 1.5),
        };
        let _ = writeln!(
            out,
            "  linkStyle {at} stroke:{colour},stroke-width:{width:.1}px"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_escape_quotes_and_markup() {
        assert_eq!(escaped("a \"b\" <i> #1"), "a #quot;b#quot; #lt;i#gt; #35;1");
    }
}
