//! Golden files: the DOT and Mermaid text of the default menu, without and with traffic, and of a
//! menu with the shapes the default one lacks.

use wabot_diagram::{Traffic, dot, mermaid};
use wabot_engine::{DEFAULT_MENU_TOML, Menu};

use crate::{check_file, here, menu};

/// Fixed traffic on the default menu: every figure the formats show, once.
pub fn traffic() -> Traffic {
    let mut traffic = Traffic {
        period: "the last 7 days".to_owned(),
        ..Traffic::default()
    };
    for (node, entered, left) in [
        ("main", 20, 4),
        ("orders", 10, 1),
        ("recent_orders", 6, 0),
        ("report_defect", 3, 2),
    ] {
        traffic.entered.insert(node.to_owned(), entered);
        traffic.left.insert(node.to_owned(), left);
    }
    for (menu, key, chosen) in [
        ("main", 1, 10),
        ("main", 2, 3),
        ("main", 5, 2),
        ("orders", 1, 6),
        ("orders", 4, 2),
    ] {
        traffic.chosen.insert((menu.to_owned(), key), chosen);
    }
    traffic
}

#[test]
fn the_default_menu_as_dot_and_mermaid() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    check_file(&here("tests/diagram/golden/default.dot"), &dot(&menu, None));
    check_file(
        &here("tests/diagram/golden/default.mmd"),
        &mermaid(&menu, None),
    );
}

#[test]
fn the_default_menu_with_traffic_as_dot_and_mermaid() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    let traffic = traffic();
    check_file(
        &here("tests/diagram/golden/traffic.dot"),
        &dot(&menu, Some(&traffic)),
    );
    check_file(
        &here("tests/diagram/golden/traffic.mmd"),
        &mermaid(&menu, Some(&traffic)),
    );
}

#[test]
fn other_shapes_as_dot_and_mermaid() {
    let menu = menu("shapes");
    check_file(&here("tests/diagram/golden/shapes.dot"), &dot(&menu, None));
    check_file(
        &here("tests/diagram/golden/shapes.mmd"),
        &mermaid(&menu, None),
    );
}

#[test]
fn the_svg_is_the_same_on_every_run() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    let traffic = traffic();
    let first = wabot_diagram::svg(&menu, Some(&traffic));
    for _ in 0..3 {
        assert_eq!(wabot_diagram::svg(&menu, Some(&traffic)), first);
    }
}

#[test]
fn the_dot_is_read_back_by_a_dot_parser() {
    let default = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    let traffic = traffic();
    for text in [
        dot(&default, None),
        dot(&default, Some(&traffic)),
        dot(&menu("shapes"), None),
    ] {
        let parsed = layout::gv::DotParser::new(&text).process();
        assert!(parsed.is_ok(), "{parsed:?}\n{text}");
    }
    // The parser does refuse broken DOT (an unclosed label, a dangling edge).
    for broken in [
        "digraph menu { \"a\" [label=\"x] }",
        "digraph menu { \"a\" -> ; }",
    ] {
        assert!(
            layout::gv::DotParser::new(broken).process().is_err(),
            "{broken}"
        );
    }
}
