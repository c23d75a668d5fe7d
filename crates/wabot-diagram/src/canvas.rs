//! [`Canvas`]: the layout crate's rendering backend, used only to learn where things went. It
//! records the box of every element this crate tagged (`node:N`, `label:N`) and the route of every
//! edge half (`edge:N`), and draws nothing itself: the SVG is written by `svg_write.rs` from these
//! places and the diagram's own text, so the output is ours (fonts, titles, searchable text) and
//! the same on every run.

use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;

/// A rectangle: top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// One half of an edge (menu → label, or label → target): a cubic Bézier route.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Route {
    /// The diagram's edge.
    pub edge: usize,
    /// The route as the layout gives it: the first pair is the start point and its control
    /// point, each later pair a control point and the point it leads into.
    pub path: Vec<(Point, Point)>,
    /// Whether the arrowhead is at the start (the layout reversed the half) or the end.
    pub head_at_start: bool,
    pub head_at_end: bool,
}

/// Where the layout put every tagged element.
#[derive(Debug, Default)]
pub(crate) struct Canvas {
    /// Node boxes by the diagram's node index.
    pub nodes: Vec<(usize, Rect)>,
    /// Edge label boxes by the diagram's edge index.
    pub labels: Vec<(usize, Rect)>,
    pub routes: Vec<Route>,
}

/// The index in a tag such as `node:3`, if `properties` is that tag.
fn tagged(properties: Option<&str>, tag: &str) -> Option<usize> {
    properties?
        .strip_prefix(tag)?
        .strip_prefix(':')?
        .parse()
        .ok()
}

impl Canvas {
    /// Every point the drawing covers (boxes' corners, routes' points), for its bounds.
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let corners = self
            .nodes
            .iter()
            .chain(&self.labels)
            .flat_map(|(_, r)| [(r.x, r.y), (r.x + r.width, r.y + r.height)]);
        let routes = self.routes.iter().flat_map(|route| {
            route
                .path
                .iter()
                .flat_map(|(a, b)| [(a.x, a.y), (b.x, b.y)])
        });
        corners.chain(routes)
    }
}

impl RenderBackend for Canvas {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        let rect = Rect {
            x: xy.x,
            y: xy.y,
            width: size.x,
            height: size.y,
        };
        let properties = properties.as_deref();
        if let Some(node) = tagged(properties, "node") {
            self.nodes.push((node, rect));
        } else if let Some(edge) = tagged(properties, "label") {
            self.labels.push((edge, rect));
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if let Some(edge) = tagged(properties.as_deref(), "edge") {
            self.routes.push(Route {
                edge,
                path: path.to_vec(),
                head_at_start: head.0,
                head_at_end: head.1,
            });
        }
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tags_of_the_right_name_and_a_number_count() {
        assert_eq!(tagged(Some("node:3"), "node"), Some(3));
        assert_eq!(tagged(Some("node:3"), "label"), None);
        assert_eq!(tagged(Some("nodes:3"), "node"), None);
        assert_eq!(tagged(Some("node:x"), "node"), None);
        assert_eq!(tagged(None, "node"), None);
    }
}
