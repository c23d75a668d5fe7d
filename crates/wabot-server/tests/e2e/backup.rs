//! `wabot backup`: a copy of the live SQLite database taken while webhooks keep coming, restored
//! into a fresh server, holds every message acknowledged before the backup began and the ticket
//! made before it; PostgreSQL and an existing file are refused with a clear word.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{
    ADMIN, SECRET, Wabot, graph, list_reply, message_webhook, post_signed, scratch, text, wait_for,
};

const DEMO: &str = "15551234567";

/// Sends `said` from the demo customer and waits until a reply after the `before`-th shows `needle`.
async fn ask(wabot: &Wabot, graph: &wiremock::MockServer, id: &str, said: Value, needle: &str) {
    let client = reqwest::Client::new();
    let before = crate::harness::sent(graph).await.len();
    let body = message_webhook(DEMO, id, said);
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    for _ in 0..600 {
        let sent = crate::harness::sent(graph).await;
        if sent[before..]
            .iter()
            .any(|reply| crate::harness::shown(reply).contains(needle))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no reply showing {needle:?} to {id}");
}

/// A fake Graph API whose message ids differ from the first one's (Meta's never repeat).
async fn fresh_ids_graph() -> wiremock::MockServer {
    use wiremock::matchers::{method, path};
    let server = wiremock::MockServer::start().await;
    let counter = std::sync::atomic::AtomicU64::new(1);
    wiremock::Mock::given(method("POST"))
        .and(path(format!("/v23.0/{}/messages", crate::harness::PHONE)))
        .respond_with(move |_: &wiremock::Request| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "messaging_product": "whatsapp",
                "messages": [{"id": format!("wamid.restored.{n}")}]
            }))
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_every_acknowledged_message_and_ticket() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    wabot.run(&["seed-demo"]);
    // A ticket: the demo customer reports a defect (DEF-002).
    let report: [(&str, Value, &str); 9] = [
        ("b1", text("hi"), "Main Menu"),
        (
            "b2",
            list_reply("m:main:2", "Report Defect"),
            "Report Defect",
        ),
        ("b3", text("2"), "DEF-001"),
        ("b4", text("3"), "ticket reference"),
        ("b5", text("def 1"), "Desk wobbles"),
        ("b6", text("1"), "Which order"),
        ("b7", text("skip"), "describe the problem"),
        ("b8", text("The lamp arrived with a bent neck."), "photo"),
        ("b9", text("skip"), "Shall I send this report?"),
    ];
    for (id, said, needle) in report {
        ask(&wabot, &graph, id, said, needle).await;
    }
    ask(&wabot, &graph, "b10", text("yes"), "DEF-002").await;
    // Load: customers keep writing while the backup runs; each acknowledged message is noted.
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut lanes = Vec::new();
    for lane in 0..4 {
        let (acked, stop, base) = (Arc::clone(&acked), Arc::clone(&stop), wabot.base.clone());
        lanes.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let from = format!("17790{lane}{n:05}");
                let id = format!("load.{lane}.{n}");
                let body = message_webhook(&from, &id, text("hi"));
                if post_signed(&client, &base, &body, SECRET).await == 200 {
                    acked.lock().unwrap().push((from, id));
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before_backup: Vec<(String, String)> = acked.lock().unwrap().clone();
    let copy = dir.join("backup.db");
    let said = wabot.run(&["backup", copy.to_str().unwrap()]);
    assert!(said.contains("backed up to"), "{said}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for lane in lanes {
        lane.await.unwrap();
    }
    let during = acked.lock().unwrap().len() - before_backup.len();
    assert!(
        before_backup.len() >= 20 && during >= 5,
        "load: {} before, {during} during and after the backup",
        before_backup.len()
    );
    // A second backup to the same file is refused.
    let again = wabot.command(&["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    drop(wabot);

    // Restore into a fresh server: the copy becomes its database file.
    let fresh = scratch();
    std::fs::copy(&copy, fresh.join("wabot.db")).unwrap();
    let quiet = fresh_ids_graph().await;
    // (It answers the load's customers first: their replies were queued before the backup.)
    let restored = Wabot::start_with(
        &fresh,
        &quiet,
        &[("WABOT__META__MESSAGES_PER_SECOND", "1000")],
    );
    let client = reqwest::Client::new();
    for (from, id) in &before_backup {
        let page: Value = client
            .get(format!("{}/api/contacts/{from}/messages", restored.base))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let kept = page.to_string().contains(&format!("\"{id}\""));
        assert!(kept, "{from}: message {id} is missing: {page}");
    }
    // The ticket is there: the customer looks it up on the restored server.
    ask(&restored, &quiet, "r1", text("menu"), "Main Menu").await;
    ask(
        &restored,
        &quiet,
        "r2",
        list_reply("m:main:2", "Report Defect"),
        "Report Defect",
    )
    .await;
    ask(&restored, &quiet, "r3", text("2"), "DEF-002").await;
    wait_for(&quiet, 3).await;
}

#[tokio::test]
async fn backup_refuses_postgres_with_the_pg_dump_way() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let output = wabot.command_with(
        &["backup", "/tmp/never.db"],
        &[("WABOT__DATABASE__URL", "postgres://wabot@127.0.0.1:1/wabot")],
    );
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("pg_dump"), "{said}");
}
