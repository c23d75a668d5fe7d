//! Menu reload under a running server, from a configuration folder of its own (`--config`): a new
//! option answers after SIGHUP; a broken file is refused (the old menu still answers, the log and
//! the metric say why); and the same through `POST /api/menu/reload`, whose 422 names the problems.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::exchange;
use crate::harness::{ADMIN, Wabot, graph, scratch, text};

/// The main menu's last option, and one more that answers a new text (in both of the menu's
/// languages: a translation left out would be refused).
const LAST_OPTION: &str = r#"{ key = 5, title = { en = "Back to Menu", es = "Volver al menú" }, description = { en = "Show this menu again", es = "Mostrar este menú otra vez" }, goto = "main" },"#;
const NEW_OPTION: &str =
    r#"{ key = 6, title = { en = "Opening hours", es = "Horario" }, goto = "hours" },"#;
const NEW_NODE: &str = "\n[[node]]\nid = \"hours\"\nkind = \"menu\"\n\
     body = { en = \"We are open from 8 to 18.\", es = \"Abrimos de 8 a 18.\" }\n\
     options = [{ key = 1, title = { en = \"Back\", es = \"Volver\" }, back = true }]\n";
const MAIN_HEADER: &str = r#"header = { en = "Main Menu", es = "Menú principal" }"#;

/// Waits until the log holds `needle`.
fn wait_logged(wabot: &Wabot, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let log = wabot.log();
        if log.contains(needle) {
            return log;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{needle:?} not logged:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_reloads_on_sighup_and_on_request_and_a_broken_one_is_refused() {
    let graph = graph().await;
    let dir = scratch();
    crate::cli::config_folder(&dir);
    let menu_path = dir.join("menu.toml");
    let original = std::fs::read_to_string(&menu_path).unwrap();
    assert!(original.contains(LAST_OPTION));
    let folder = dir.to_str().unwrap().to_owned();
    let wabot = Wabot::start_args(&dir, &graph, &["--config", &folder, "serve"], &[]);
    let client = reqwest::Client::new();
    let from = "15550009999";
    exchange(&client, &wabot, &graph, from, "h1", text("hi"), "Main Menu").await;
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "h2",
        text("6"),
        "didn't understand",
    )
    .await;

    // A new option, then SIGHUP: it answers.
    let extended = original.replace(LAST_OPTION, &format!("{LAST_OPTION}\n  {NEW_OPTION}"));
    std::fs::write(&menu_path, format!("{extended}{NEW_NODE}")).unwrap();
    wabot.hangup();
    wait_logged(&wabot, "menu reloaded");
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "h3",
        text("hi"),
        "Opening hours",
    )
    .await;
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "h4",
        text("6"),
        "open from 8 to 18",
    )
    .await;

    // Broken (two mistakes), then SIGHUP: refused, and the running menu still answers.
    let broken = extended
        .replace("goto = \"hours\"", "goto = \"hourz\"")
        .replace(MAIN_HEADER, &format!("{MAIN_HEADER}\nbdy = \"typo\""));
    std::fs::write(&menu_path, format!("{broken}{NEW_NODE}")).unwrap();
    wabot.hangup();
    let log = wait_logged(&wabot, "menu reload refused");
    assert!(
        log.contains("hourz") && log.contains("unknown field `bdy`"),
        "{log}"
    );
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "h5",
        text("6"),
        "open from 8 to 18",
    )
    .await;

    // The same through the admin API: 422 with the problems, then 200 once the file is fixed.
    let reload = || {
        client
            .post(format!("{}/api/menu/reload", wabot.base))
            .bearer_auth(ADMIN)
            .send()
    };
    let answer = reload().await.unwrap();
    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert!(body["problems"].to_string().contains("hourz"), "{body}");
    std::fs::write(&menu_path, &original).unwrap();
    let answer = reload().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["status"], "reloaded", "{body}");
    // The customer stood at `hours`, which the menu no longer has: back to the main menu, told why.
    exchange(
        &client,
        &wabot,
        &graph,
        from,
        "h6",
        text("ok"),
        "menu has changed",
    )
    .await;
    let metrics = crate::harness::metrics(&wabot).await;
    for line in [
        "wabot_menu_reloads_total{outcome=\"applied\"} 2",
        "wabot_menu_reloads_total{outcome=\"refused\"} 2",
    ] {
        assert!(metrics.contains(line), "missing {line} in:\n{metrics}");
    }
}
