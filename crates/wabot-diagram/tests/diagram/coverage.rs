//! Every node and every option of a compiled menu appears in every format: walked from the
//! engine's outline, not from the diagram's own model.

use wabot_diagram::{dot, mermaid, svg};
use wabot_engine::{DEFAULT_MENU_TOML, Menu, OptionTarget, OutlineKind};

use crate::golden::traffic;
use crate::menu;

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG group that starts with `opening`, up to its `</g>`.
fn group<'s>(svg: &'s str, opening: &str) -> &'s str {
    let start = svg
        .find(opening)
        .unwrap_or_else(|| panic!("no {opening} in the SVG"));
    let end = svg[start..].find("</g>").unwrap();
    &svg[start..start + end]
}

fn every_node_and_edge_appears(menu: &Menu) {
    let outline = menu.outline();
    let traffic = traffic();
    let (picture, dot, mermaid) = (
        svg(menu, Some(&traffic)),
        dot(menu, None),
        mermaid(menu, None),
    );
    let position = |id: &str| outline.nodes.iter().position(|n| n.id == id).unwrap();
    let mut options = 0;
    for (at, node) in outline.nodes.iter().enumerate() {
        let boxed = group(&picture, &format!("id=\"node-{}\"", node.id));
        assert!(boxed.contains("<rect x="), "node {} has no box", node.id);
        assert!(boxed.contains(&format!(">{} · ", node.id)), "{boxed}");
        assert!(
            dot.contains(&format!("\n  \"{}\" [label=", node.id)),
            "{}",
            node.id
        );
        assert!(mermaid.contains(&format!("\n  n{at}[\"<b>")), "{}", node.id);
        let OutlineKind::Menu {
            header,
            options: choices,
            ..
        } = &node.kind
        else {
            if let OutlineKind::Form { fields, .. } = &node.kind {
                for field in fields {
                    assert!(boxed.contains(&format!(". {}: ", field.name)), "{boxed}");
                }
            }
            continue;
        };
        if let Some(header) = header {
            assert!(
                boxed.contains(&format!(">{}</text>", xml(header))),
                "{boxed}"
            );
        }
        for option in choices {
            options += 1;
            let (to, back) = match &option.target {
                OptionTarget::Node(to) => (to, false),
                OptionTarget::Back(to) => (to, true),
            };
            let label = format!("{} {}", option.key, option.title);
            let edge = group(&picture, &format!("id=\"edge-{}-{}\"", node.id, option.key));
            assert_eq!(edge.matches("<path d=\"M ").count(), 2, "{edge}");
            assert_eq!(edge.contains("stroke-dasharray"), back, "{edge}");
            let shown = group(
                &picture,
                &format!("id=\"label-{}-{}\"", node.id, option.key),
            );
            assert!(
                shown.contains(&format!(">{}</text>", xml(&label))),
                "{shown}"
            );
            let chosen = traffic.chosen(&node.id, option.key);
            assert!(shown.contains(&format!(">{chosen}× · ")), "{shown}");
            let line = format!(
                "\n  \"{}\" -> \"{to}\" [label=\"{}",
                node.id,
                label.replace('"', "\\\"")
            );
            assert!(dot.contains(&line), "no {line:?} in the DOT");
            let arrow = if back { "-.->" } else { "-->" };
            let line = format!("\n  n{at} {arrow}|\"{label}\"| n{}\n", position(to));
            assert!(mermaid.contains(&line), "no {line:?} in the Mermaid");
        }
    }
    assert_eq!(dot.matches(" -> ").count(), options);
    assert_eq!(picture.matches("<g class=\"edge").count(), options);
    assert_eq!(
        picture.matches("<g class=\"node ").count(),
        outline.nodes.len()
    );
}

#[test]
fn every_node_and_edge_of_the_default_menu_appears_in_every_format() {
    every_node_and_edge_appears(&Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap());
}

#[test]
fn every_node_and_edge_of_other_shapes_appears_in_every_format() {
    every_node_and_edge_appears(&menu("shapes"));
}
