//! The diagram as Graphviz DOT text: left to right, one box per node (its lines as the label), one
//! edge per option, back links dashed; with traffic, counts in the labels and colours by share.

use std::fmt::Write;

use crate::model::{Diagram, Kind};
use crate::style;

/// A DOT string literal.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `diagram` as DOT.
pub(crate) fn write(diagram: &Diagram) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail, so the results of `writeln!` are ignored.
    let _ = writeln!(out, "digraph menu {{");
    let _ = writeln!(out, "  rankdir=LR;");
    if let Some(period) = &diagram.period {
        let legend = format!(
            "Traffic of {period}: on each edge the times it was chosen and its share of its menu's \
             choices; on each node the entries and the conversations that went quiet there"
        );
        let _ = writeln!(out, "  label={}; labelloc=t;", quoted(&legend));
    }
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    for node in &diagram.nodes {
        let lines = Diagram::node_lines(node).join("\n");
        let fill = match (&node.counts, node.kind) {
            (Some(counts), Kind::Menu | Kind::Form) => style::drop_fill(counts.share),
            _ => style::kind_fill(node.kind).to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} [label={}, fillcolor={}, color={}];",
            quoted(&node.id),
            quoted(&lines),
            quoted(&fill),
            quoted(style::kind_stroke(node.kind))
        );
    }
    for edge in &diagram.edges {
        let (from, to) = (&diagram.nodes[edge.from].id, &diagram.nodes[edge.to].id);
        let mut label = Diagram::edge_label(edge);
        let mut attributes = Vec::new();
        match &edge.counts {
            Some(counts) => {
                label.push('\n');
                label.push_str(&Diagram::edge_counts(counts));
                let colour = style::heat(counts.share);
                attributes.push(format!("color={}", quoted(&colour)));
                attributes.push(format!("fontcolor={}", quoted(&colour)));
                attributes.push(format!("penwidth={:.1}", style::width(counts.share)));
            }
            None => attributes.push(format!("color={}", quoted(style::plain_edge(edge.back)))),
        }
        if edge.back {
            attributes.push("style=dashed".to_owned());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, {}];",
            quoted(from),
            quoted(to),
            quoted(&label),
            attributes.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_dot_reads_specially() {
        assert_eq!(quoted("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
