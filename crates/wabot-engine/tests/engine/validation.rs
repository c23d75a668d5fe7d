//! Menu validation: each file in `tests/menus/` breaks rules on purpose. A line that ends in
//! `# <- TEXT` (more than one may follow) must be reported at that line with TEXT in the message; `# file: TEXT` expects a
//! problem about the file as a whole. Every problem reported must be expected, and vice versa.

use std::path::Path;

use wabot_engine::{DEFAULT_MENU_TOML, Menu, MenuFile};

/// `(line, text)` pairs a broken menu file expects.
fn expectations(source: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (index, line) in source.lines().enumerate() {
        for text in line.split("# <- ").skip(1) {
            expected.push((index + 1, text.trim().to_owned()));
        }
        if let Some(text) = line.strip_prefix("# file: ") {
            expected.push((0, text.trim().to_owned()));
        }
    }
    expected
}

#[test]
fn every_broken_menu_is_refused_with_each_problem_at_its_line() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/menus");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 12, "expected one broken menu per rule");
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).unwrap();
        let expected = expectations(&source);
        assert!(!expected.is_empty(), "{name} expects nothing");
        let Err(errors) = Menu::from_toml_str(&source) else {
            failures.push(format!("{name}: compiled, but should have been refused"));
            continue;
        };
        let problems = errors.problems();
        for (line, text) in &expected {
            let found = problems
                .iter()
                .any(|p| p.line == *line && p.message.contains(text.as_str()));
            if !found {
                failures.push(format!(
                    "{name}: no problem at line {line} saying {text:?}; got:\n{errors}"
                ));
            }
        }
        for problem in problems {
            let wanted = expected.iter().any(|(line, text)| {
                problem.line == *line && problem.message.contains(text.as_str())
            });
            if !wanted {
                failures.push(format!("{name}: unexpected problem: {problem}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_default_menu_compiles_with_the_seed_tree() {
    let menu = Menu::from_toml_str(DEFAULT_MENU_TOML).unwrap();
    assert_eq!(menu.start(), "main");
    let ids: Vec<&str> = menu.node_ids().collect();
    for id in [
        "main",
        "orders",
        "defects",
        "schedule",
        "help",
        "track_order",
        "report_defect",
        "faqs",
    ] {
        assert!(ids.contains(&id), "missing node {id}");
    }
    assert_eq!(menu.idle_timeout(), chrono::TimeDelta::minutes(30));
}

#[test]
fn problems_print_with_their_line_numbers() {
    let source = "[[node]]\nid = \"main\"\nkind = \"menu\"\nbody = \"Hi\"\noptions = [{ key = 1, title = \"Go\", goto = \"nowhere\" }]\n";
    let errors = Menu::from_toml_str(source).unwrap_err();
    let text = errors.to_string();
    assert!(text.starts_with("the menu file has 1 problem:"), "{text}");
    assert!(
        text.contains("line 5: option goes to unknown node `nowhere`"),
        "{text}"
    );
}

#[test]
fn parsing_and_compiling_are_separate_steps() {
    let file = MenuFile::parse(DEFAULT_MENU_TOML).unwrap();
    assert!(Menu::compile(&file).is_ok());
    assert!(MenuFile::parse("[[node]\n").is_err());
}
