//! The command line and strict settings on the real binary: `--version`, unknown flags refused,
//! `--help` on a subcommand, every natural mistake in a setting named with its nearest valid key,
//! and running from another directory with `--config` (or `WABOT_CONFIG_DIR`).

use std::path::Path;

use crate::commands::{wabot, wabot_in};

/// A configuration folder of its own: settings that name the menu and database beside them.
pub fn config_folder(dir: &Path) {
    let menu = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/menu.toml");
    std::fs::copy(menu, dir.join("menu.toml")).unwrap();
    std::fs::write(
        dir.join("local.toml"),
        "[menu]\npath = \"menu.toml\"\n\n[database]\nurl = \"sqlite://wabot.db\"\n",
    )
    .unwrap();
}

#[test]
fn version_help_and_unknown_flags() {
    let (ok, text) = wabot(&["--version"], &[]);
    assert!(
        ok && text.contains(concat!("wabot ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    let (ok, text) = wabot(&["chat", "--help"], &[]);
    assert!(
        ok && text.contains("Usage: wabot chat") && text.contains("--from"),
        "{text}"
    );
    assert!(!text.contains("Chatting as"), "{text}");
    // --from is a phone number (written any usual way) or a user id, and nothing else.
    let (ok, text) = wabot(&["chat", "--from", "somebody"], &[]);
    assert!(
        !ok && text.contains("is not a phone number or a user id"),
        "{text}"
    );
    let dir = crate::harness::scratch();
    config_folder(&dir);
    let config = dir.display().to_string();
    for (from, shown) in [("+1 555-000-7777", "15550007777"), ("US.4242", "US.4242")] {
        let (ok, text) = wabot(&["--config", &config, "chat", "--from", from], &[]);
        assert!(
            ok && text.contains(&format!("Chatting as {shown}.")),
            "{text}"
        );
    }
    for (args, flag) in [
        (&["serve", "--port", "9000"][..], "--port"),
        (&["migrate", "--revert"][..], "--revert"),
        (&["--verbose"][..], "--verbose"),
    ] {
        let (ok, text) = wabot(args, &[]);
        assert!(
            !ok && text.contains(&format!("unexpected argument '{flag}'")),
            "{text}"
        );
    }
}

#[test]
fn every_mistake_in_a_setting_is_named_with_the_nearest_key() {
    let mistakes: [(&str, &str, &str); 7] = [
        (
            "WABOT__ADMIN__TOKEN",
            "x",
            "did you mean `WABOT__ADMIN__API_TOKEN`?",
        ),
        (
            "WABOT__SERVER__PORT",
            "9090",
            "did you mean `WABOT__SERVER__BIND`?",
        ),
        (
            "WABOT__LOG__LEVEL",
            "verbose",
            "log.level (from WABOT__LOG__LEVEL) `verbose` is not a log filter",
        ),
        (
            "WABOT__SERVER__BIND",
            "9090",
            "server.bind (from WABOT__SERVER__BIND) `9090` is not an address and port",
        ),
        (
            "WABOT__DATABASE__URL",
            "sqlite:data/wabot.db",
            "write `sqlite://data/wabot.db`",
        ),
        (
            "WABOT__DATABASE__URL",
            "sqlite://nodir/x.db",
            "the folder nodir does not exist",
        ),
        (
            "WABOT__META__MARK_READ",
            "sometimes",
            "`meta.mark_read` (from env WABOT__META__MARK_READ)",
        ),
    ];
    for (name, value, expected) in mistakes {
        for command in ["check-config", "serve"] {
            let (ok, text) = wabot(&[command], &[(name, value)]);
            assert!(!ok, "{command} with {name}={value} passed:\n{text}");
            assert!(
                text.contains(expected),
                "{command}: missing {expected:?} in:\n{text}"
            );
        }
    }
    assert!(
        !Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../nodir")
            .exists()
    );
    // One underscore: only a warning (the variable may be meant for something else).
    let (ok, text) = wabot(&["check-config"], &[("WABOT_ADMIN_API_TOKEN", "x")]);
    assert!(ok, "{text}");
    assert!(
        text.contains("warning: environment variable `WABOT_ADMIN_API_TOKEN` is ignored"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `WABOT__ADMIN__API_TOKEN`?"),
        "{text}"
    );
    // Every setting is printed with its source.
    let (_, text) = wabot(&["check-config"], &[("WABOT__WORKERS__CONVERSATIONS", "3")]);
    assert!(text.contains("env WABOT__WORKERS__CONVERSATIONS"), "{text}");
    assert!(
        text.contains("workers.lease_seconds") && text.contains("meta.mark_read"),
        "{text}"
    );
}

#[test]
fn a_config_folder_elsewhere_is_read_with_its_paths_and_its_mistakes() {
    let dir = crate::harness::scratch();
    config_folder(&dir);
    let elsewhere = crate::harness::scratch();
    let folder = dir.to_str().unwrap();
    let (ok, text) = wabot_in(&elsewhere, &["--config", folder, "check-config"], &[]);
    assert!(ok && text.contains("no problems found"), "{text}");
    assert!(
        text.contains(&format!("configuration folder   {folder}")),
        "{text}"
    );
    assert!(text.contains(&format!("{folder}/menu.toml")), "{text}");
    let (ok, text) = wabot_in(&elsewhere, &["seed-demo"], &[("WABOT_CONFIG_DIR", folder)]);
    assert!(ok && text.contains("the demo data was written"), "{text}");
    assert!(dir.join("wabot.db").exists() && !elsewhere.join("data").exists());
    // A mistyped key in a file, and a folder that does not exist.
    std::fs::write(dir.join("local.toml"), "[admin]\ntoken = \"x\"\n").unwrap();
    let (ok, text) = wabot_in(&elsewhere, &["check-config", "--config", folder], &[]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("unknown key `admin.token`; did you mean `admin.api_token`?"),
        "{text}"
    );
    let (ok, text) = wabot_in(
        &elsewhere,
        &["--config", "/nonexistent/wabot", "migrate"],
        &[],
    );
    assert!(
        !ok && text.contains("/nonexistent/wabot does not exist"),
        "{text}"
    );
}

#[test]
fn a_port_in_use_names_the_setting_to_change() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let dir = crate::harness::scratch();
    let url = format!("sqlite://{}", dir.join("port.db").display());
    let (ok, text) = wabot(
        &["serve"],
        &[
            ("WABOT__SERVER__BIND", bind.as_str()),
            ("WABOT__DATABASE__URL", url.as_str()),
        ],
    );
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("cannot listen on {bind}"))
            && text.contains("server.bind (or WABOT__SERVER__BIND)"),
        "{text}"
    );
}
