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
