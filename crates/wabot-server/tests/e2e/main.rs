//! End to end: the real `wabot` binary, a fake Graph API, signed webhooks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attachments;
mod backup;
mod browser;
mod campaign_browser;
mod campaign_cli;
mod campaign_load;
mod campaigns;
mod chromium;
mod cli;
// The store suite's throwaway PostgreSQL cluster, one way of starting it for both suites.
#[allow(dead_code)]
#[path = "../../../wabot-store/tests/store/cluster.rs"]
mod cluster;
mod commands;
mod console_traffic;
mod diagram;
mod handoff;
mod harness;
mod identity;
mod import;
mod languages;
mod lookup;
mod operations;
mod reload;
mod sandbox;
// Meta's request schema, as the Cloud API suite patches it.
#[path = "../../../wabot-cloud-api/tests/cloud_api/schema.rs"]
mod schema;
mod sending;
mod shared_rate;
mod ticket_photos;
mod tickets;
mod tls;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use harness::{
    PHONE, SECRET, TOKEN, VERIFY, Wabot, graph, list_reply, message_webhook, post_signed, scratch,
    sent, shown, text, wait_and_settle, wait_for,
};

const DEMO: &str = "15551234567";

/// Sends one message and waits for a reply (after the `before`-th sent message) that shows `needle`.
async fn exchange(
    client: &reqwest::Client,
    wabot: &Wabot,
    graph: &wiremock::MockServer,
    from: &str,
    id: &str,
    content: Value,
    needle: &str,
) {
    let before = sent(graph).await.len();
    let status = post_signed(
        client,
        &wabot.base,
        &message_webhook(from, id, content),
        SECRET,
    )
    .await;
    assert_eq!(status, 200);
    let started = std::time::Instant::now();
    loop {
        let bodies = sent(graph).await;
        if bodies[before.min(bodies.len())..]
            .iter()
            .any(|body| shown(body).contains(needle))
        {
            assert!(
                bodies[before..].iter().all(|body| body["to"] == from),
                "replies go to the sender"
            );
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no reply showing {needle:?} to {id}; got {:?}",
            &bodies[before.min(bodies.len())..]
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_customer_walks_the_tree_by_number_and_by_reply_id() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    assert!(
        wabot
            .run(&["seed-demo"])
            .contains("the demo data was written")
    );
    let client = reqwest::Client::new();
    let steps: &[(&str, Value, &str)] = &[
        ("d1", text("hi"), "Main Menu"),
        ("d2", text("1"), "Order Status"),
        ("d3", text("1"), "ORD-003"),
        (
            "d4",
            list_reply("m:orders:2", "Track order"),
            "order number",
        ),
        ("d5", text("ord 1"), "Left the regional depot"),
        ("d6", text("3"), "Expected deliveries"),
        ("d7", text("0"), "Main Menu"),
        (
            "d8",
            list_reply("m:main:2", "Report Defect"),
            "Report Defect",
        ),
        ("d9", text("2"), "DEF-001"),
        ("d10", text("3"), "ticket reference"),
        ("d11", text("def 1"), "Desk wobbles"),
        ("d12", text("1"), "Which order"),
        ("d13", text("skip"), "describe the problem"),
        (
            "d14",
            text("The chair arrived with a cracked seat."),
            "photo",
        ),
        ("d15", text("skip"), "Shall I send this report?"),
        ("d16", text("yes"), "DEF-002"),
        ("d17", text("menu"), "Main Menu"),
        ("d18", text("3"), "Schedule"),
        ("d19", text("1"), "Repair visit"),
        ("d20", text("2"), "Delivery"),
        ("d21", text("3"), "next appointments"),
        ("d22", text("back"), "Main Menu"),
        ("d23", text("4"), "Help"),
        ("d24", text("1"), "Frequently asked questions"),
        ("d25", text("2"), "in the queue for a person"),
        ("d25a", text("menu"), "Main Menu"),
        ("d25b", text("4"), "Help"),
        ("d26", text("3"), "feedback"),
        (
            "d27",
            text("Great service, thank you!"),
            "Thank you for your feedback",
        ),
        ("d28", text("5️⃣"), "didn't understand"),
        ("d29", text("0"), "Main Menu"),
        ("d30", text("5"), "Main Menu"),
    ];
    for (id, content, needle) in steps {
        exchange(&client, &wabot, &graph, DEMO, id, content.clone(), needle).await;
    }
    let requests = graph.received_requests().await.unwrap();
    for request in &requests {
        assert_eq!(request.url.path(), format!("/v23.0/{PHONE}/messages"));
        assert_eq!(
            request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap(),
            format!("Bearer {TOKEN}")
        );
    }
    let log = wabot.log();
    assert!(
        !log.contains(TOKEN) && !log.contains(SECRET) && !log.contains(DEMO),
        "a secret or phone number was logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_gets_not_found_for_the_demo_customers_order() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    wabot.run(&["seed-demo"]);
    let client = reqwest::Client::new();
    for (id, body, needle) in [
        ("s1", "hi", "Main Menu"),
        ("s2", "1", "Order Status"),
        ("s3", "2", "order number"),
        ("s4", "ORD-001", "couldn't find order"),
    ] {
        exchange(
            &client,
            &wabot,
            &graph,
            "15559990000",
            id,
            text(body),
            needle,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_and_bad_signatures_get_no_second_reply() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let body = message_webhook("15550001111", "dup1", text("hi"));
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    wait_for(&graph, 1).await;
    let forged = message_webhook("15550001111", "dup2", text("1"));
    assert_eq!(
        post_signed(&client, &wabot.base, &forged, "not-the-secret").await,
        401
    );
    let unsigned = client
        .post(format!("{}/webhook", wabot.base))
        .body(forged.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        sent(&graph).await.len(),
        1,
        "one reply for the duplicated message, none for the forged one"
    );
    let handshake = client
        .get(format!(
            "{}/webhook?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=987",
            wabot.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (handshake.status().as_u16(), handshake.text().await.unwrap()),
        (200, "987".to_owned())
    );
    let ready = client
        .get(format!("{}/ready", wabot.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ready.status().as_u16(),
        200,
        "{}",
        ready.text().await.unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_graph_api_is_retried_until_the_reply_arrives_exactly_once() {
    let graph = wiremock::MockServer::start().await;
    let graph_error = |code: i64, status: u16| {
        ResponseTemplate::new(status).set_body_json(json!({"error": {"message": "failing", "type": "OAuthException", "code": code, "fbtrace_id": "T"}}))
    };
    // The failures answer messages only (bodies with a recipient), not the read receipt.
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .and(body_string_contains("\"to\""))
        .respond_with(graph_error(131_000, 500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&graph)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .and(body_string_contains("\"to\""))
        .respond_with(graph_error(130_429, 429))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&graph)
        .await;
    harness::accept_all(&graph).await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let body = message_webhook("15550002222", "r1", text("hi"));
    assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    let bodies = wait_and_settle(&graph, 3, Duration::from_millis(500)).await;
    assert_eq!(
        bodies.len(),
        3,
        "two failures, then one success, and nothing after it"
    );
    assert!(
        bodies.iter().all(|b| b == &bodies[0]),
        "the same message each time"
    );
    // Each failed attempt is logged once, with its class, Meta's code and its number.
    let logs = harness::logs_in(&dir);
    for (class, code, attempt) in [("retry", 131_000, 1), ("throttled", 130_429, 2)] {
        let line = logs
            .lines()
            .find(|line| line.contains(&format!("\"code\":\"{code}\"")))
            .unwrap_or_else(|| panic!("no log line for code {code} in:\n{logs}"));
        assert!(line.contains("send failed; it will be retried"), "{line}");
        assert!(line.contains(&format!("\"class\":\"{class}\"")), "{line}");
        assert!(line.contains(&format!("\"attempt\":{attempt}")), "{line}");
        assert!(!line.contains("15550002222"), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_loses_no_acknowledged_message() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for n in 0..100 {
        let (client, base) = (client.clone(), wabot.base.clone());
        tasks.push(tokio::spawn(async move {
            let body = message_webhook(&format!("1555000{n:04}"), &format!("crash{n}"), text("hi"));
            post_signed(&client, &base, &body, SECRET).await
        }));
    }
    let mut acknowledged = 0;
    for task in tasks {
        if task.await.unwrap() == 200 {
            acknowledged += 1;
        }
    }
    assert_eq!(acknowledged, 100);
    // Crash while conversations are being answered.
    wait_for(&graph, 20).await;
    wabot.kill();
    let before_restart = sent(&graph).await.len();
    let restarted = Wabot::start(&dir, &graph);
    let bodies = wait_and_settle(&graph, 100, Duration::from_secs(3)).await;
    let mut per_customer: HashMap<String, usize> = HashMap::new();
    for body in &bodies {
        *per_customer
            .entry(body["to"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let duplicates: usize = per_customer.values().map(|n| n - 1).sum();
    eprintln!(
        "crash test: {before_restart} replies before the kill, {} after the restart, {duplicates} duplicate(s)",
        bodies.len() - before_restart
    );
    assert_eq!(
        per_customer.len(),
        100,
        "every acknowledged message was answered"
    );
    // A duplicate is only possible for a send that Meta accepted in the instant before the kill,
    // before its outcome was recorded; report them, and allow no more than the senders in flight.
    assert!(duplicates <= 2, "{duplicates} duplicates");
    drop(restarted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_nothing() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for n in 0..60 {
        let (client, base) = (client.clone(), wabot.base.clone());
        tasks.push(tokio::spawn(async move {
            let body = message_webhook(&format!("1666000{n:04}"), &format!("term{n}"), text("hi"));
            post_signed(&client, &base, &body, SECRET).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    wait_for(&graph, 10).await;
    let took = wabot.terminate();
    assert!(
        took < Duration::from_secs(12),
        "stopped within the shutdown timeout: {took:?}"
    );
    let restarted = Wabot::start(&dir, &graph);
    let bodies = wait_and_settle(&graph, 60, Duration::from_secs(3)).await;
    let recipients: std::collections::HashSet<&str> =
        bodies.iter().filter_map(|b| b["to"].as_str()).collect();
    assert_eq!(
        recipients.len(),
        60,
        "every acknowledged message was answered"
    );
    assert!(bodies.len() - 60 <= 2, "{} duplicates", bodies.len() - 60);
    drop(restarted);
}
