//! Writes the placed diagram as SVG: a legend, the edges (two routes each, through their label),
//! the label boxes and the node boxes, every text a `<text>` element (searchable, selectable) and
//! every node and edge a `<g>` with an id (`node-ID`, `edge-MENU-KEY`) and a `<title>` tooltip.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::canvas::{Canvas, Rect, Route};
use crate::model::{Diagram, Edge, Kind, NodeBox};
use crate::style;
use crate::svg::{PADDING, TEXT_FONT, TEXT_LINE, TITLE_FONT, TITLE_LINE, label_lines};

const MARGIN: f64 = 20.0;
const STYLE: &str = "<style>
text { font-family: Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; fill: #111827; }
.title { font-size: 13px; font-weight: bold; }
.sub, .detail, .label, .legend { font-size: 11px; }
.sub { fill: #4b5563; }
.count { font-size: 11px; font-weight: bold; }
</style>
";

/// Text for XML content and attribute values.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate, to a tenth of a pixel (never `-0.0`).
fn n(value: f64) -> String {
    let text = format!("{value:.1}");
    if text == "-0.0" {
        "0.0".to_owned()
    } else {
        text
    }
}

/// An edge's colour and width.
fn edge_look(edge: &Edge) -> (String, f64) {
    match &edge.counts {
        Some(counts) => (style::heat(counts.share), style::width(counts.share)),
        None => (style::plain_edge(edge.back).to_owned(), 1.5),
    }
}

/// A colour as part of a marker id.
fn marker_id(colour: &str) -> String {
    colour.trim_start_matches('#').to_owned()
}

/// The `d` of a route moved by (`dx`, `dy`).
fn path_data(route: &Route, dx: f64, dy: f64) -> String {
    let p =
        |point: &layout::core::geometry::Point| format!("{} {}", n(point.x + dx), n(point.y + dy));
    let mut d = String::new();
    if let [(start, exit), (enter, end), rest @ ..] = route.path.as_slice() {
        d = format!("M {} C {}, {}, {}", p(start), p(exit), p(enter), p(end));
        for (control, point) in rest {
            d.push_str(&format!(" S {}, {}", p(control), p(point)));
        }
    }
    d
}

/// The top of a box's `line`-th line's baseline.
fn baseline(top: f64, line: usize) -> f64 {
    // A box has a handful of lines.
    #[allow(clippy::cast_precision_loss)]
    let below = if line == 0 {
        TITLE_FONT
    } else {
        TITLE_LINE + TEXT_LINE * (line - 1) as f64 + TEXT_FONT
    };
    top + PADDING + below
}

fn legend(out: &mut String, diagram: &Diagram) -> f64 {
    let mut x = MARGIN;
    let y = MARGIN;
    for kind in [
        Kind::Menu,
        Kind::Action,
        Kind::Form,
        Kind::Text,
        Kind::Handoff,
    ] {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\" stroke=\"{}\"/>\
             <text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>",
            n(x),
            n(y),
            style::kind_fill(kind),
            style::kind_stroke(kind),
            n(x + 17.0),
            n(y + 10.0),
            kind.name()
        );
        x += 70.0;
    }
    let _ = writeln!(
        out,
        "<path d=\"M {} {} H {}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\
         <text class=\"legend\" x=\"{}\" y=\"{}\">back (to the menu above)</text>",
        n(x),
        n(y + 6.0),
        n(x + 30.0),
        style::plain_edge(true),
        n(x + 36.0),
        n(y + 10.0)
    );
    let Some(period) = &diagram.period else {
        return 28.0;
    };
    let lines = [
        format!("Traffic of {period}."),
        "Options: times chosen · share of the menu's choices (grey, amber, red as the share grows)."
            .to_owned(),
        "Nodes: times entered · conversations that went quiet there, with their share of the \
         entries (redder: more left)."
            .to_owned(),
    ];
    for (line, text) in lines.iter().enumerate() {
        // Three lines.
        #[allow(clippy::cast_precision_loss)]
        let below = 30.0 + TEXT_LINE * line as f64;
        let _ = writeln!(
            out,
            "<text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>",
            n(MARGIN),
            n(y + below),
            xml(text)
        );
    }
    30.0 + TEXT_LINE * 3.0
}

fn node(out: &mut String, node: &NodeBox, at: Rect, dx: f64, dy: f64) {
    let (x, y) = (at.x + dx, at.y + dy);
    let fill = match (&node.counts, node.kind) {
        (Some(counts), Kind::Menu | Kind::Form) => style::drop_fill(counts.share),
        _ => style::kind_fill(node.kind).to_owned(),
    };
    let stroke = style::kind_stroke(node.kind);
    let _ = writeln!(
        out,
        "<g class=\"node {}\" id=\"node-{}\"><title>{} ({})</title>",
        node.kind.name(),
        xml(&node.id),
        xml(&node.id),
        node.kind.name()
    );
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
        n(x),
        n(y),
        n(at.width),
        n(at.height)
    );
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"5\" height=\"{}\" fill=\"{stroke}\"/>",
        n(x + 1.0),
        n(y + 6.0),
        n((at.height - 12.0).max(0.0))
    );
    let lines = Diagram::node_lines(node);
    let last = lines.len().saturating_sub(1);
    for (line, text) in lines.iter().enumerate() {
        let class = match line {
            0 => "title",
            1 => "sub",
            _ if node.counts.is_some() && line == last => "count",
            _ => "detail",
        };
        let _ = writeln!(
            out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}</text>",
            n(x + PADDING + 6.0),
            n(baseline(y, line)),
            xml(text)
        );
    }
    out.push_str("</g>\n");
}

fn edge(out: &mut String, diagram: &Diagram, at: usize, canvas: &Canvas, dx: f64, dy: f64) {
    let edge = &diagram.edges[at];
    let (from, to) = (&diagram.nodes[edge.from].id, &diagram.nodes[edge.to].id);
    let (colour, width) = edge_look(edge);
    let dash = if edge.back {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<g class=\"edge{}\" id=\"edge-{}-{}\"><title>{} option {}: {} → {}</title>",
        if edge.back { " back" } else { "" },
        xml(from),
        edge.key,
        xml(from),
        edge.key,
        xml(&edge.title),
        xml(to)
    );
    for route in canvas.routes.iter().filter(|route| route.edge == at) {
        let id = marker_id(&colour);
        let start = if route.head_at_start {
            format!(" marker-start=\"url(#start-{id})\"")
        } else {
            String::new()
        };
        let end = if route.head_at_end {
            format!(" marker-end=\"url(#end-{id})\"")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width:.1}\"{dash}{start}{end}/>",
            path_data(route, dx, dy)
        );
    }
    out.push_str("</g>\n");
}

fn label(out: &mut String, diagram: &Diagram, at: usize, canvas: &Canvas, dx: f64, dy: f64) {
    let edge = &diagram.edges[at];
    let (colour, _) = edge_look(edge);
    let _ = writeln!(
        out,
        "<g class=\"label\" id=\"label-{}-{}\">",
        xml(&diagram.nodes[edge.from].id),
        edge.key
    );
    if let Some((_, rect)) = canvas.labels.iter().find(|(edge, _)| *edge == at) {
        let (x, y) = (rect.x + dx, rect.y + dy);
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" stroke=\"{colour}\"/>",
            n(x),
            n(y),
            n(rect.width),
            n(rect.height)
        );
        for (line, text) in label_lines(edge).iter().enumerate() {
            // Two lines at most.
            #[allow(clippy::cast_precision_loss)]
            let below = PADDING / 2.0 + TEXT_LINE * line as f64 + TEXT_FONT;
            let class = if line == 0 { "label" } else { "count" };
            let fill = if line == 0 {
                String::new()
            } else {
                format!(" style=\"fill: {colour}\"")
            };
            let _ = writeln!(
                out,
                "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\"{fill}>{}</text>",
                n(x + rect.width / 2.0),
                n(y + below),
                xml(text)
            );
        }
    }
    out.push_str("</g>\n");
}

/// The whole SVG document.
pub(crate) fn write(diagram: &Diagram, canvas: &Canvas) -> String {
    let (mut min_x, mut min_y) = (f64::MAX, f64::MAX);
    let (mut max_x, mut max_y) = (f64::MIN, f64::MIN);
    for (x, y) in canvas.points() {
        (min_x, min_y) = (min_x.min(x), min_y.min(y));
        (max_x, max_y) = (max_x.max(x), max_y.max(y));
    }
    if min_x > max_x {
        (min_x, min_y, max_x, max_y) = (0.0, 0.0, 0.0, 0.0);
    }
    let mut head = String::new();
    let legend_height = legend(&mut head, diagram);
    let legend_width = if diagram.period.is_some() {
        640.0
    } else {
        480.0
    };
    let width = (max_x - min_x + 2.0 * MARGIN).max(legend_width + 2.0 * MARGIN);
    let height = max_y - min_y + 2.0 * MARGIN + legend_height;
    let (dx, dy) = (MARGIN - min_x, MARGIN + legend_height - min_y);

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">",
        width.ceil(),
        height.ceil(),
        width.ceil(),
        height.ceil()
    );
    out.push_str("<title>wabot menu</title>\n");
    out.push_str(STYLE);
    let colours: BTreeSet<String> = diagram.edges.iter().map(|e| edge_look(e).0).collect();
    out.push_str("<defs>\n");
    for colour in &colours {
        let id = marker_id(colour);
        let _ = writeln!(
            out,
            "<marker id=\"end-{id}\" markerUnits=\"userSpaceOnUse\" markerWidth=\"12\" markerHeight=\"9\" refX=\"12\" refY=\"4.5\" orient=\"auto\"><polygon points=\"0 0, 12 4.5, 0 9\" fill=\"{colour}\"/></marker>\n\
             <marker id=\"start-{id}\" markerUnits=\"userSpaceOnUse\" markerWidth=\"12\" markerHeight=\"9\" refX=\"0\" refY=\"4.5\" orient=\"auto\"><polygon points=\"12 0, 12 9, 0 4.5\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    out.push_str(&head);
    for at in 0..diagram.edges.len() {
        edge(&mut out, diagram, at, canvas, dx, dy);
    }
    for at in 0..diagram.edges.len() {
        label(&mut out, diagram, at, canvas, dx, dy);
    }
    for (at, rect) in &canvas.nodes {
        if let Some(node_box) = diagram.nodes.get(*at) {
            node(&mut out, node_box, *rect, dx, dy);
        }
    }
    out.push_str("</svg>\n");
    out
}
