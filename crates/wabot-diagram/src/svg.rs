//! The SVG diagram: every node and every edge label becomes a box of the size its text needs, the
//! layout crate places them left to right (ranks, fewer crossings, edge routes), and
//! `svg_write.rs` draws the result. An edge runs menu → its label box → target, so labels take
//! their own room and never sit on a node.

use layout::core::base::Orientation;
use layout::core::geometry::{Point, Position};
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use crate::canvas::Canvas;
use crate::model::{Diagram, Edge, NodeBox};

/// Font sizes, in pixels, and how wide a character of each is taken to be (generous, so the
/// widest common sans-serif font still fits).
pub(crate) const TITLE_FONT: f64 = 13.0;
pub(crate) const TEXT_FONT: f64 = 11.0;
const TITLE_CHAR: f64 = 8.2;
const TEXT_CHAR: f64 = 6.5;
/// Space between lines, around text, and around every box.
pub(crate) const TITLE_LINE: f64 = 18.0;
pub(crate) const TEXT_LINE: f64 = 15.0;
pub(crate) const PADDING: f64 = 10.0;
const HALO: f64 = 22.0;

/// The width of a line of text: `chars` characters of `per_char` pixels.
fn line_width(text: &str, per_char: f64) -> f64 {
    // A line holds far fewer than 2^52 characters, where usize to f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    let chars = text.chars().count() as f64;
    chars * per_char
}

/// The size of a node's box: its title and its other lines, padded.
pub(crate) fn node_size(node: &NodeBox) -> Point {
    let lines = Diagram::node_lines(node);
    let widest = lines
        .iter()
        .enumerate()
        .map(|(n, line)| line_width(line, if n == 0 { TITLE_CHAR } else { TEXT_CHAR }))
        .fold(120.0, f64::max);
    let rest = lines.len().saturating_sub(1);
    // A box has a handful of lines.
    #[allow(clippy::cast_precision_loss)]
    let height = 2.0 * PADDING + TITLE_LINE + TEXT_LINE * rest as f64;
    Point::new(widest + 2.0 * PADDING + 6.0, height)
}

/// The lines of an edge's label: key and title, and its traffic.
pub(crate) fn label_lines(edge: &Edge) -> Vec<String> {
    let mut lines = vec![Diagram::edge_label(edge)];
    lines.extend(edge.counts.as_ref().map(Diagram::edge_counts));
    lines
}

/// The size of an edge's label box.
pub(crate) fn label_size(edge: &Edge) -> Point {
    let lines = label_lines(edge);
    let widest = lines
        .iter()
        .map(|line| line_width(line, TEXT_CHAR))
        .fold(0.0, f64::max);
    #[allow(clippy::cast_precision_loss)]
    let height = PADDING + TEXT_LINE * lines.len() as f64;
    Point::new(widest + PADDING, height)
}

/// A box of `size` the canvas will know by `tag`.
fn element(tag: String, size: Point) -> Element {
    let mut element = Element::create_with_properties(
        ShapeKind::Box(String::new()),
        StyleAttr::simple(),
        Orientation::LeftToRight,
        size,
        tag,
    );
    element.pos = Position::new(Point::zero(), size, Point::zero(), Point::splat(HALO));
    element
}

/// One half of edge `edge`, with an arrowhead at its start, its end, or neither.
fn half(edge: usize, start: bool, end: bool) -> Arrow {
    let head = |on: bool| {
        if on {
            LineEndKind::Arrow
        } else {
            LineEndKind::None
        }
    };
    let mut arrow = Arrow::new(
        head(start),
        head(end),
        LineStyleKind::Normal,
        "",
        &StyleAttr::simple(),
        &None,
        &None,
    );
    arrow.properties = Some(format!("edge:{edge}"));
    arrow
}

/// Lays `diagram` out; the canvas knows where each node, label and edge went.
pub(crate) fn place(diagram: &Diagram) -> Canvas {
    let mut graph = VisualGraph::new(Orientation::LeftToRight);
    let nodes: Vec<_> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(at, node)| graph.add_node(element(format!("node:{at}"), node_size(node))))
        .collect();
    for (at, edge) in diagram.edges.iter().enumerate() {
        let label = graph.add_node(element(format!("label:{at}"), label_size(edge)));
        if edge.back {
            // Laid out from the menu above, so the label sits beside the way down to this menu.
            graph.add_edge(half(at, true, false), nodes[edge.to], label);
            graph.add_edge(half(at, false, false), label, nodes[edge.from]);
        } else {
            graph.add_edge(half(at, false, false), nodes[edge.from], label);
            graph.add_edge(half(at, false, true), label, nodes[edge.to]);
        }
    }
    let mut canvas = Canvas::default();
    graph.do_it(false, false, false, &mut canvas);
    canvas
}
