//! The one-shot subcommands: `check-config`, `migrate`, `seed-demo`.

use std::path::Path;
use std::process::Command;

/// Runs the binary from the repository root; whether it succeeded, and all it printed.
pub fn wabot(args: &[&str], envs: &[(&str, &str)]) -> (bool, String) {
    wabot_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
        args,
        envs,
    )
}

/// Runs the binary in `cwd`; whether it succeeded, and all it printed.
pub fn wabot_in(cwd: &Path, args: &[&str], envs: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_wabot"))
        .args(args)
        .current_dir(cwd)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn check_config_reports_every_problem_with_secrets_masked() {
    let (ok, text) = wabot(&["check-config"], &[]);
    assert!(ok, "{text}");
    assert!(
        text.contains("sandbox") && text.contains("no problems found"),
        "{text}"
    );
    let broken = [
        ("WABOT__META__ACCESS_TOKEN", "EAAG-very-secret-token"),
        (
            "WABOT__MENU__PATH",
            "crates/wabot-engine/tests/menus/unknown_reference.toml",
        ),
        ("WABOT__DATABASE__URL", "postgress://db/wabot"),
    ];
    let (ok, text) = wabot(&["check-config"], &broken);
    assert!(!ok, "{text}");
    for expected in [
        "meta.app_secret is still the development value",
        "meta.verify_token is still the development value",
        "meta.phone_number_id is empty",
        "unknown_reference.toml:6: option goes to unknown node `ordres`",
        "unsupported database URL scheme `postgress`",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("EAAG-very-secret-token") && !text.contains("dev-app-secret"),
        "{text}"
    );
}

#[test]
fn migrate_and_seed_demo_are_idempotent() {
    let dir = crate::harness::scratch();
    let url = format!("sqlite://{}", dir.join("cmd.db").display());
    let env = [("WABOT__DATABASE__URL", url.as_str())];
    let migrations = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../migrations/sqlite"
    ))
    .unwrap()
    .count();
    let (ok, text) = wabot(&["migrate"], &env);
    let applied = format!("{migrations} migration(s) applied");
    assert!(ok && text.contains(&applied), "{text}");
    let (ok, text) = wabot(&["migrate"], &env);
    assert!(ok && text.contains("0 migration(s) applied"), "{text}");
    let (ok, text) = wabot(&["seed-demo"], &env);
    assert!(ok && text.contains("the demo data was written"), "{text}");
    let (ok, text) = wabot(&["seed-demo"], &env);
    assert!(
        ok && text.contains("the demo data was already there"),
        "{text}"
    );
    let (ok, text) = wabot(&["frobnicate"], &env);
    assert!(
        !ok && text.contains("unrecognized subcommand 'frobnicate'"),
        "{text}"
    );
}

#[test]
fn chat_walks_the_tree_from_a_piped_script() {
    use std::io::Write;
    let dir = crate::harness::scratch();
    let url = format!("sqlite://{}", dir.join("chat.db").display());
    let env = [
        ("WABOT__DATABASE__URL", url.as_str()),
        ("WABOT__LOG__LEVEL", "warn"),
    ];
    assert!(wabot(&["seed-demo"], &env).0);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wabot"))
        .args(["chat", "--from", "15551234567"])
        .current_dir(repo)
        .envs(env)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let script = "hi\n1\n/tap m:orders:2\nord 1\n0\n2\n1\nskip\nThe chair arrived with a cracked seat.\n/image PHOTO-1\nyes\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "1. Order Status",
        "[tap: m:main:1]",
        "Please send your order number",
        "Left the regional depot",
        "Photo: attached",
        "(Yes)   [tap: f:report_defect:3:yes]",
        "registered as *DEF-002*",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
