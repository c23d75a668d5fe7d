//! Any valid menu can be drawn: random trees of menus and texts, with cross links, loops back up and
//! `back` options, go through every format without a panic and with every node and option in them.

use proptest::prelude::*;
use wabot_engine::Menu;

/// A random valid menu file: `parents[i]` is the menu above menu `i + 1` (always an earlier one),
/// `texts[i]` the menu text `i` hangs under, and `links` extra options `(from menu, to node)`.
fn menu_file(parents: &[usize], texts: &[usize], links: &[(usize, usize)]) -> String {
    let menus = parents.len() + 1;
    let node = |at: usize| {
        if at < menus {
            format!("m{at}")
        } else {
            format!("t{}", at - menus)
        }
    };
    let mut options: Vec<Vec<String>> = vec![Vec::new(); menus];
    for (child, &parent) in parents.iter().enumerate() {
        options[parent % (child + 1)].push(node(child + 1));
    }
    for (text, &menu) in texts.iter().enumerate() {
        options[menu % menus].push(node(menus + text));
    }
    for &(from, to) in links {
        let target = node(to % (menus + texts.len()));
        let from = &mut options[from % menus];
        if !from.contains(&target) {
            from.push(target);
        }
    }
    let mut file = String::from("[settings]\nstart = \"m0\"\n");
    for (at, targets) in options.iter().enumerate() {
        let mut lines: Vec<String> = targets
            .iter()
            .take(if at == 0 { 10 } else { 9 })
            .enumerate()
            .map(|(n, to)| {
                format!(
                    "  {{ key = {}, title = \"Go {to}\", goto = \"{to}\" }},",
                    n + 1
                )
            })
            .collect();
        if at > 0 {
            lines.push("  { key = 10, title = \"Back\", back = true },".to_owned());
        }
        if lines.is_empty() {
            lines.push("  { key = 1, title = \"Again\", goto = \"m0\" },".to_owned());
        }
        file.push_str(&format!(
            "\n[[node]]\nid = \"m{at}\"\nkind = \"menu\"\nbody = \"Menu {at}\"\noptions = [\n{}\n]\n",
            lines.join("\n")
        ));
    }
    for text in 0..texts.len() {
        file.push_str(&format!(
            "\n[[node]]\nid = \"t{text}\"\nkind = \"text\"\ntext = \"Text {text}\"\n"
        ));
    }
    file
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_valid_menu_is_drawn_with_every_node_and_option(
        parents in prop::collection::vec(0usize..8, 0..6),
        texts in prop::collection::vec(0usize..8, 0..12),
        links in prop::collection::vec((0usize..8, 0usize..20), 0..6),
    ) {
        let source = menu_file(&parents, &texts, &links);
        // A generated menu the rules refuse (a title reused, too many options) is not this test's
        // business; most are valid.
        let Ok(menu) = Menu::from_toml_str(&source) else {
            return Ok(());
        };
        let outline = menu.outline();
        let options: usize = outline
            .nodes
            .iter()
            .map(|node| match &node.kind {
                wabot_engine::OutlineKind::Menu { options, .. } => options.len(),
                _ => 0,
            })
            .sum();
        let svg = wabot_diagram::svg(&menu, None);
        prop_assert_eq!(svg.matches("<g class=\"node ").count(), outline.nodes.len());
        prop_assert_eq!(svg.matches("<g class=\"edge").count(), options);
        prop_assert_eq!(svg.matches("<g class=\"label\"").count(), options);
        // Two routes per option, and the legend's sample of a back link.
        prop_assert_eq!(svg.matches("<path d=\"M ").count(), 2 * options + 1, "{}", source);
        prop_assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}", source);
        prop_assert_eq!(wabot_diagram::dot(&menu, None).matches(" -> ").count(), options);
        prop_assert_eq!(wabot_diagram::mermaid(&menu, None).matches("|\"").count(), options);
    }
}
