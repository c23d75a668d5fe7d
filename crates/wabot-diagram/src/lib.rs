#![doc = include_str!("../README.md")]

mod canvas;
mod dot;
mod mermaid;
mod model;
mod style;
mod svg;
mod svg_write;
mod traffic;

use wabot_engine::Menu;

pub use traffic::Traffic;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A picture, laid out here: [`svg()`].
    Svg,
    /// Graphviz DOT text: [`dot()`].
    Dot,
    /// A Mermaid flowchart: [`mermaid()`].
    Mermaid,
}

/// `menu` as an SVG picture, with `traffic` on it when given.
pub fn svg(menu: &Menu, traffic: Option<&Traffic>) -> String {
    let diagram = model::Diagram::of(menu, traffic);
    let canvas = svg::place(&diagram);
    svg_write::write(&diagram, &canvas)
}

/// `menu` as Graphviz DOT text, with `traffic` on it when given.
pub fn dot(menu: &Menu, traffic: Option<&Traffic>) -> String {
    dot::write(&model::Diagram::of(menu, traffic))
}

/// `menu` as a Mermaid flowchart, with `traffic` on it when given.
pub fn mermaid(menu: &Menu, traffic: Option<&Traffic>) -> String {
    mermaid::write(&model::Diagram::of(menu, traffic))
}

/// `menu` in `format`, with `traffic` on it when given.
pub fn render(format: Format, menu: &Menu, traffic: Option<&Traffic>) -> String {
    match format {
        Format::Svg => svg(menu, traffic),
        Format::Dot => dot(menu, traffic),
        Format::Mermaid => mermaid(menu, traffic),
    }
}
