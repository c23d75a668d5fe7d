//! The tree as a whole: parents by a walk from the roots, unreachable nodes, and menus with no way back.

use std::collections::{HashMap, VecDeque};

use crate::compile::Checker;
use crate::menu::{Node, NodeKind, Target};

/// Walks the tree from its roots: the first menu that leads to a node becomes its parent. Reports
/// unreachable nodes and menus without a way back to an earlier menu.
pub(crate) fn link_parents(
    check: &mut Checker<'_>,
    nodes: &mut [Node],
    index: &HashMap<String, usize>,
    roots: impl Iterator<Item = usize>,
) {
    let mut seen = vec![false; nodes.len()];
    let mut queue = VecDeque::new();
    let mut root_ids = Vec::new();
    for root in roots {
        root_ids.push(root);
        if !seen[root] {
            seen[root] = true;
            queue.push_back(root);
        }
    }
    while let Some(at) = queue.pop_front() {
        let NodeKind::Menu(menu) = &nodes[at].kind else {
            continue;
        };
        let next: Vec<usize> = menu
            .choices
            .iter()
            .filter_map(|choice| match choice.target {
                Target::Node(to) => Some(to),
                Target::Back => None,
            })
            .collect();
        for to in next {
            if !seen[to] {
                seen[to] = true;
                nodes[to].parent = Some(at);
                queue.push_back(to);
            }
        }
    }
    let start = root_ids.first().copied();
    for (at, node) in nodes.iter().enumerate() {
        let line = check.file.node_line(at);
        if index.get(&node.id) != Some(&at) {
            continue; // a duplicate or missing id, already reported
        }
        if !seen[at] {
            check.problem(
                line,
                format!("node `{}` cannot be reached from the start menu", node.id),
            );
            continue;
        }
        let NodeKind::Menu(menu) = &node.kind else {
            continue;
        };
        if Some(at) == start {
            continue;
        }
        let ancestors = ancestors(nodes, at, start);
        let has_way_back = menu.choices.iter().any(|choice| match choice.target {
            Target::Back => true,
            Target::Node(to) => ancestors.contains(&to),
        });
        if !has_way_back {
            check.problem(
                line,
                format!(
                    "menu `{}` has no way back: add an option with `back = true`",
                    node.id
                ),
            );
        }
    }
}

/// The menus above `at`, up to and including the start menu.
fn ancestors(nodes: &[Node], at: usize, start: Option<usize>) -> Vec<usize> {
    let mut found = Vec::new();
    let mut current = nodes[at].parent;
    while let Some(parent) = current {
        if found.contains(&parent) {
            break;
        }
        found.push(parent);
        current = nodes[parent].parent;
    }
    found.extend(start);
    found
}
