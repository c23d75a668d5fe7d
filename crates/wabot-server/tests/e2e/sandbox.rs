//! Sandbox mode (no access token) made visible: each recorded reply is logged with its text (the
//! one exception to "no message text in logs", for development only), never its recipient, and
//! sandboxed messages are `sandboxed` — in the admin API's history and in the metrics — not `sent`.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{ADMIN, SECRET, Wabot, graph, message_webhook, post_signed, scratch, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_replies_are_logged_with_their_text_and_counted_as_sandboxed() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__ACCESS_TOKEN", "")]);
    let client = reqwest::Client::new();
    let from = "15550007777";
    let body = message_webhook(from, "s1", text("hi"));
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    let started = Instant::now();
    let log = loop {
        let log = wabot.log();
        if log.contains("sandbox: reply recorded, not sent") && log.contains("Main Menu") {
            break log;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{log}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(!log.contains(from), "the recipient is never logged:\n{log}");
    assert!(
        graph
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );

    let get = |path: String| {
        let client = client.clone();
        async move {
            client
                .get(path)
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let contacts = get(format!("{}/api/contacts", wabot.base)).await;
    let id = &contacts["items"][0]["id"];
    // The reply is logged when it is recorded in the sandbox; its outcome is written a moment
    // later, with the other outcomes of that cycle of the sender.
    let reply = loop {
        let messages = get(format!("{}/api/contacts/{id}/messages", wabot.base)).await;
        let reply = messages["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["direction"] == "out")
            .cloned()
            .unwrap_or_else(|| panic!("no reply in {messages}"));
        if reply["status"] != "pending" || started.elapsed() > Duration::from_secs(10) {
            break reply;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(reply["status"], "sandboxed", "{reply}");
    assert_eq!(reply["statuses"][0]["status"], "sandboxed", "{reply}");
    let metrics = crate::harness::metrics(&wabot).await;
    assert!(
        metrics.contains("wabot_sends_total{outcome=\"sandboxed\",class=\"none\"} 1"),
        "{metrics}"
    );
}
