//! The diagram every output format draws: one box per node (title, id and kind, a form's fields, a
//! text's first line) and one edge per menu option (`goto` and `back`), each with its traffic when
//! there is some. Read from the engine's [`wabot_engine::Outline`], so it only ever shows a valid menu.

use wabot_engine::{Menu, OptionTarget, OutlineKind};

use crate::traffic::Traffic;

/// What a node is; each kind has its own colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Menu,
    Action,
    Form,
    Text,
    Handoff,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Menu => "menu",
            Kind::Action => "action",
            Kind::Form => "form",
            Kind::Text => "text",
            Kind::Handoff => "handoff",
        }
    }
}

/// A node's traffic: entered, left, and the share of entries that left there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct NodeCounts {
    pub entered: u64,
    pub left: u64,
    pub share: f64,
}

/// One node as a box.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NodeBox {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    /// `id · kind` and what the kind runs, plus `start` or `help word` where conversations enter.
    pub subtitle: String,
    /// A form's fields, a text's first line.
    pub details: Vec<String>,
    /// `Some` when the diagram shows traffic.
    pub counts: Option<NodeCounts>,
}

/// An edge's traffic: times chosen, and its share of all choices made at its menu.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct EdgeCounts {
    pub chosen: u64,
    pub share: f64,
}

/// One option of a menu as an edge.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Edge {
    /// Positions in [`Diagram::nodes`].
    pub from: usize,
    pub to: usize,
    pub key: u32,
    pub title: String,
    /// A `back = true` option.
    pub back: bool,
    pub counts: Option<EdgeCounts>,
}

/// Everything an output format draws.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Diagram {
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Edge>,
    /// The traffic's period, when the diagram shows traffic.
    pub period: Option<String>,
}

/// `part / whole`, 0 when nothing happened; at most 1.
pub(crate) fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return if part == 0 { 0.0 } else { 1.0 };
    }
    // Counts of a period stay far below 2^52, where u64 to f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    let ratio = part as f64 / whole as f64;
    ratio.min(1.0)
}

/// A share as a whole percentage.
pub(crate) fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// How a field kind reads in the picture.
fn field_kind(kind: &str) -> &str {
    match kind {
        "order_number" => "order number",
        "ticket_ref" => "ticket reference",
        "confirm" => "yes or no",
        "image" => "photo",
        other => other,
    }
}

/// The first line of a text with WhatsApp's `*bold*` and `_italic_` marks taken off, at most 40
/// characters.
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(|line| line.trim().trim_matches(['*', '_']).trim())
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    if line.chars().count() > 40 {
        let cut: String = line.chars().take(39).collect();
        format!("“{}…”", cut.trim_end())
    } else {
        format!("“{line}”")
    }
}

impl Diagram {
    /// The diagram of `menu`, with `traffic` on it when given.
    pub fn of(menu: &Menu, traffic: Option<&Traffic>) -> Self {
        let outline = menu.outline();
        let position = |id: &str| outline.nodes.iter().position(|node| node.id == id);
        // A node without a header is titled by the first option that leads to it, preferring its
        // parent's.
        let option_title = |id: &str, parent: Option<&str>| {
            let target = OptionTarget::Node(id.to_owned());
            let leading: Vec<(&str, &str)> = outline
                .nodes
                .iter()
                .flat_map(|node| match &node.kind {
                    OutlineKind::Menu { options, .. } => options
                        .iter()
                        .filter(|option| option.target == target)
                        .map(|option| (node.id.as_str(), option.title.as_str()))
                        .collect(),
                    _ => Vec::new(),
                })
                .collect();
            leading
                .iter()
                .find(|(menu, _)| Some(*menu) == parent)
                .or(leading.first())
                .map(|(_, title)| (*title).to_owned())
        };
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for (at, node) in outline.nodes.iter().enumerate() {
            let parent = node.parent.as_deref();
            let titled = || option_title(&node.id, parent).unwrap_or_else(|| node.id.clone());
            let (kind, title, runs, details) = match &node.kind {
                OutlineKind::Menu {
                    header,
                    body,
                    options,
                } => {
                    for option in options {
                        let (to, back) = match &option.target {
                            OptionTarget::Node(to) => (to, false),
                            OptionTarget::Back(to) => (to, true),
                        };
                        if let Some(to) = position(to) {
                            let counts = traffic.map(|traffic| {
                                let chosen = traffic.chosen(&node.id, option.key);
                                EdgeCounts {
                                    chosen,
                                    share: share(chosen, traffic.chosen_at(&node.id)),
                                }
                            });
                            edges.push(Edge {
                                from: at,
                                to,
                                key: option.key,
                                title: option.title.clone(),
                                back,
                                counts,
                            });
                        }
                    }
                    let title = header
                        .clone()
                        .or_else(|| option_title(&node.id, parent))
                        .unwrap_or_else(|| first_line(body));
                    (Kind::Menu, title, String::new(), Vec::new())
                }
                OutlineKind::Action { action } => {
                    (Kind::Action, titled(), format!(" {action}"), Vec::new())
                }
                OutlineKind::Form { action, fields } => {
                    let details = fields
                        .iter()
                        .enumerate()
                        .map(|(n, field)| {
                            let optional = if field.optional { ", optional" } else { "" };
                            let kind = field_kind(field.kind);
                            format!("{}. {}: {kind}{optional}", n + 1, field.name)
                        })
                        .collect();
                    (Kind::Form, titled(), format!(" → {action}"), details)
                }
                OutlineKind::Text { text } => {
                    (Kind::Text, titled(), String::new(), vec![first_line(text)])
                }
                OutlineKind::Handoff { text } => {
                    let details = text.iter().map(|text| first_line(text)).collect();
                    (Kind::Handoff, titled(), " → a person".to_owned(), details)
                }
            };
            let mut subtitle = format!("{} · {}{runs}", node.id, kind.name());
            if node.id == outline.start {
                subtitle.push_str(" · start");
            }
            if outline.help_node.as_deref() == Some(node.id.as_str()) {
                subtitle.push_str(" · help word");
            }
            let counts = traffic.map(|traffic| {
                let (entered, left) = (traffic.entered(&node.id), traffic.left(&node.id));
                NodeCounts {
                    entered,
                    left,
                    share: share(left, entered),
                }
            });
            nodes.push(NodeBox {
                id: node.id.clone(),
                title,
                kind,
                subtitle,
                details,
                counts,
            });
        }
        Diagram {
            nodes,
            edges,
            period: traffic.map(|traffic| traffic.period.clone()),
        }
    }

    /// An edge's label: its key and title.
    pub fn edge_label(edge: &Edge) -> String {
        format!("{} {}", edge.key, edge.title)
    }

    /// An edge's traffic line, e.g. `12× · 40%`.
    pub fn edge_counts(counts: &EdgeCounts) -> String {
        format!("{}× · {}", counts.chosen, percent(counts.share))
    }

    /// A node's traffic line: what entered, and for menus and forms (where conversations rest)
    /// what left there.
    pub fn node_counts(node: &NodeBox, counts: &NodeCounts) -> String {
        match node.kind {
            Kind::Menu | Kind::Form => format!(
                "entered {} · left {} ({})",
                counts.entered,
                counts.left,
                percent(counts.share)
            ),
            Kind::Action | Kind::Text | Kind::Handoff => format!("entered {}", counts.entered),
        }
    }

    /// Every line of a node's box, title first.
    pub fn node_lines(node: &NodeBox) -> Vec<String> {
        let mut lines = vec![node.title.clone(), node.subtitle.clone()];
        lines.extend(node.details.iter().cloned());
        if let Some(counts) = &node.counts {
            lines.push(Self::node_counts(node, counts));
        }
        lines
    }
}
