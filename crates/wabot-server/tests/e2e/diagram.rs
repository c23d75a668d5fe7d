//! `wabot menu diagram`: the menu file as DOT, Mermaid or SVG, refused like `check-config` when it
//! has problems, and with `--stats` the counts the store keeps for a scripted set of conversations.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::commands::wabot;
use crate::exchange;
use crate::harness::{ADMIN, Wabot, graph, scratch, text};

#[test]
fn the_diagram_is_drawn_in_each_format_and_an_invalid_menu_is_refused_like_check_config() {
    let (ok, dot) = wabot(&["menu", "diagram", "--format", "dot"], &[]);
    assert!(ok && dot.starts_with("digraph menu {"), "{dot}");
    assert!(
        dot.contains("\"main\" -> \"orders\" [label=\"1 Order Status\""),
        "{dot}"
    );
    let (ok, mermaid) = wabot(&["menu", "diagram", "--format", "mermaid"], &[]);
    assert!(ok && mermaid.starts_with("flowchart LR"), "{mermaid}");
    let out = scratch().join("menu.svg");
    let (ok, said) = wabot(&["menu", "diagram", "--out", out.to_str().unwrap()], &[]);
    assert!(ok, "{said}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.starts_with("<svg ") && svg.contains(">Order Status</text>"),
        "{svg}"
    );

    let broken = [(
        "WABOT__MENU__PATH",
        "crates/wabot-engine/tests/menus/unknown_reference.toml",
    )];
    let (ok, refused) = wabot(&["menu", "diagram"], &broken);
    assert!(!ok, "{refused}");
    let (_, checked) = wabot(&["check-config"], &broken);
    let problem = "unknown_reference.toml:6: option goes to unknown node `ordres`";
    assert!(
        refused.contains(problem) && checked.contains(problem),
        "{refused}\n{checked}"
    );
    for line in checked
        .lines()
        .filter(|line| line.contains("unknown_reference.toml:"))
    {
        assert!(
            refused.contains(line.trim()),
            "{line:?} missing in:\n{refused}"
        );
    }
    for wrong in [&["--stats", "0"][..], &["--format", "png"]] {
        let args = [&["menu", "diagram"][..], wrong].concat();
        let (ok, said) = wabot(&args, &[]);
        assert!(!ok && said.contains("invalid value"), "{said}");
    }
}

/// `(menu, key) -> times chosen` and `node -> entered`, read back from the DOT labels.
fn counts(dot: &str) -> (BTreeMap<(String, u32), u64>, BTreeMap<String, u64>) {
    let mut edges = BTreeMap::new();
    let mut entered = BTreeMap::new();
    for line in dot.lines().map(str::trim) {
        let Some((from, rest)) = line.strip_prefix('"').and_then(|l| l.split_once('"')) else {
            continue;
        };
        let label = rest.split("label=\"").nth(1).unwrap_or_default();
        if rest.starts_with(" -> ") {
            let key = label.split(' ').next().unwrap().parse().unwrap();
            let chosen = label
                .split("\\n")
                .nth(1)
                .unwrap()
                .split('×')
                .next()
                .unwrap();
            edges.insert((from.to_owned(), key), chosen.parse().unwrap());
        } else if let Some(at) = label.find("entered ") {
            let number: String = label[at + 8..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            entered.insert(from.to_owned(), number.parse().unwrap());
        }
    }
    (edges, entered)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counts_on_the_diagram_are_the_stores_for_a_scripted_set_of_conversations() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let conversations: [(&str, &[(&str, &str)]); 3] = [
        // main → 1 orders → 1 view recent → 4 back → 2 defects
        (
            "15550100001",
            &[
                ("hi", "Main Menu"),
                ("1", "Order Status"),
                ("1", "no orders"),
                ("4", "Main Menu"),
                ("2", "Report Defect"),
            ],
        ),
        // main → 1 orders → 2 track order (a form, where the conversation stays)
        (
            "15550100002",
            &[
                ("hi", "Main Menu"),
                ("1", "Order Status"),
                ("2", "order number"),
            ],
        ),
        // main → 4 help → 1 faqs → 4 back
        (
            "15550100003",
            &[
                ("hi", "Main Menu"),
                ("4", "Help"),
                ("1", "Frequently asked"),
                ("4", "Main Menu"),
            ],
        ),
    ];
    for (from, steps) in conversations {
        for (n, (said, needle)) in steps.iter().enumerate() {
            let id = format!("{from}-{n}");
            exchange(&client, &wabot, &graph, from, &id, text(said), needle).await;
        }
    }
    let dot = wabot.run(&["menu", "diagram", "--format", "dot", "--stats", "1"]);
    assert!(dot.contains("label=\"Traffic of the last day:"), "{dot}");
    let (edges, entered) = counts(&dot);
    let chosen = |menu: &str, key: u32| edges.get(&(menu.to_owned(), key)).copied().unwrap();
    for (menu, key, times) in [
        ("main", 1, 2),
        ("main", 2, 1),
        ("main", 4, 1),
        ("orders", 1, 1),
        ("orders", 2, 1),
        ("orders", 4, 1),
        ("help", 1, 1),
        ("help", 4, 1),
        ("main", 3, 0),
        ("defects", 1, 0),
    ] {
        assert_eq!(chosen(menu, key), times, "{menu} option {key} in\n{dot}");
    }
    assert!(
        dot.contains("[label=\"1 Order Status\\n2× · 50%\""),
        "{dot}"
    );
    assert_eq!(edges.values().sum::<u64>(), 9);

    // The same figures as the store's statistics (`/api/stats`): entries by node, and the choices
    // made at each menu.
    let stats: Value = client
        .get(format!("{}/api/stats?days=1", wabot.base))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let usage = stats["menu_usage"].as_array().unwrap();
    let mut checked = 0;
    for tally in usage {
        let (event, node) = (
            tally["labels"]["event"].as_str().unwrap(),
            tally["labels"]["node"].as_str().unwrap(),
        );
        let count = tally["count"].as_u64().unwrap();
        match event {
            "node_entered" => assert_eq!(entered[node], count, "{node} entered"),
            "option_chosen" => {
                let at_menu: u64 = edges
                    .iter()
                    .filter(|((menu, _), _)| menu == node)
                    .map(|(_, n)| n)
                    .sum();
                assert_eq!(at_menu, count, "options chosen at {node}");
            }
            _ => continue,
        }
        checked += 1;
    }
    assert!(checked >= 8, "{usage:?}");
    assert_eq!(entered["track_order"], 1);

    let svg = wabot.run(&["menu", "diagram", "--stats", "1"]);
    assert!(
        svg.contains(">2× · 50%</text>") && svg.contains("Traffic of the last day."),
        "{svg}"
    );
}
