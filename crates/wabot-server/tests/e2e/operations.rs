//! Operating the real binary: logs in both formats never show a secret or a phone number (customers
//! appear as keyed tags), and every `sh` example of docs/api.md runs against a started server.

use std::process::Command;
use std::time::Duration;

use crate::DEMO;
use crate::harness::{
    ADMIN, SECRET, TOKEN, VERIFY, Wabot, graph, logs_in, message_webhook, post_signed, scratch,
    text, wait_for,
};

/// The documented log tag of a customer, computed here from its definition: HMAC-SHA256 keyed by
/// HMAC-SHA256(app secret, "wabot contact log tag"), first 6 bytes in hex.
fn log_tag(app_secret: &str, id: &str) -> String {
    let derived = wabot_cloud_api::sign(app_secret.as_bytes(), b"wabot contact log tag");
    let key = hex::decode(derived.trim_start_matches("sha256=")).unwrap();
    let tag = wabot_cloud_api::sign(&key, id.as_bytes());
    format!("c-{}", &tag.trim_start_matches("sha256=")[..12])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_either_format_show_no_secret_and_only_tagged_phone_numbers() {
    for format in ["text", "json"] {
        let graph = graph().await;
        let dir = scratch();
        let env = [("WABOT__LOG__FORMAT", format), ("RUST_LOG", "debug")];
        let wabot = Wabot::start_with(&dir, &graph, &env);
        let client = reqwest::Client::new();
        let hello = message_webhook(DEMO, &format!("wamid.log-{format}"), text("hi"));
        assert_eq!(post_signed(&client, &wabot.base, &hello, SECRET).await, 200);
        assert_eq!(
            post_signed(&client, &wabot.base, &hello, "wrong").await,
            401
        );
        wait_for(&graph, 1).await;
        let handshake = format!(
            "{}/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=7",
            wabot.base
        );
        assert_eq!(client.get(&handshake).send().await.unwrap().status(), 200);
        for auth in [ADMIN, "a-wrong-token"] {
            let response = client
                .post(format!("{}/api/messages", wabot.base))
                .bearer_auth(auth)
                .json(&serde_json::json!({"to": DEMO, "template": {"name": "shipped", "language": "en"}}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status() == 202, auth == ADMIN);
        }
        wait_for(&graph, 2).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let elapsed = wabot.terminate();
        assert!(elapsed < Duration::from_secs(15));
        let log = logs_in(&dir);
        assert!(
            log.contains("webhook stored"),
            "{format}: nothing logged?\n{log}"
        );
        if format == "json" {
            assert!(log.lines().all(|line| line.starts_with('{')), "{log}");
        }
        for secret in [SECRET, TOKEN, VERIFY, ADMIN, DEMO] {
            assert!(!log.contains(secret), "{format} log shows {secret}:\n{log}");
        }
        let tag = log_tag(SECRET, DEMO);
        assert!(
            log.contains(&tag),
            "{format} log lacks the tag {tag}:\n{log}"
        );
    }
}

/// The `sh` blocks of a Markdown file, in order.
fn shell_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_in_the_api_docs_runs() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md");
    let blocks = shell_blocks(&std::fs::read_to_string(docs).unwrap());
    assert!(blocks.len() >= 10, "found only {} sh blocks", blocks.len());
    let graph = graph().await;
    // The attachment example uploads a file first.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(format!(
            "/v23.0/{}/media",
            crate::harness::PHONE
        )))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "DOCS-UPLOAD-1"})),
        )
        .mount(&graph)
        .await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let script = format!("set -e\n{}", blocks.join("\n"));
    let output = Command::new("bash")
        .args(["-x", "-c", &script])
        .env("WABOT_URL", &wabot.base)
        .env("ADMIN_TOKEN", ADMIN)
        .env("APP_SECRET", SECRET)
        .env("VERIFY_TOKEN", VERIFY)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "docs/api.md examples failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The webhook example was answered, and the two messages sent by hand went out.
    wait_for(&graph, 3).await;
}
