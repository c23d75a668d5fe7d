//! Sending at concurrency against a slow fake Graph API (every send answered after 200 ms, as Meta
//! takes 100–400 ms): each customer's replies still arrive one at a time and in order, no
//! one-second window sees more sends than the configured rate, and answered messages get read
//! receipts (or none, with `meta.mark_read = "never"`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::harness::{
    PHONE, SECRET, Wabot, graph, marked_read, message_webhook, post_signed, scratch, sent, shown,
    text, wait_for, wait_marked,
};

/// When each message (not read receipt) reached the fake Graph API, and its body.
type Arrivals = Arc<Mutex<Vec<(Instant, Value)>>>;

/// A fake Graph API that answers every POST after `delay` and records when each message arrived.
async fn slow_graph(delay: Duration) -> (MockServer, Arrivals) {
    let server = MockServer::start().await;
    let arrivals: Arrivals = Arc::default();
    let (seen, counter) = (Arc::clone(&arrivals), AtomicU64::new(1));
    Mock::given(method("POST"))
        .and(path(format!("/v23.0/{PHONE}/messages")))
        .respond_with(move |request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            if body["status"] != "read" {
                seen.lock().unwrap().push((Instant::now(), body));
            }
            let n = counter.fetch_add(1, Ordering::Relaxed);
            ResponseTemplate::new(200)
                .set_delay(delay)
                .set_body_json(json!({"messaging_product": "whatsapp",
                    "messages": [{"id": format!("wamid.slow.{n}")}], "success": true}))
        })
        .mount(&server)
        .await;
    (server, arrivals)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_graph_api_keeps_each_customers_order_and_the_pace() {
    const CUSTOMERS: usize = 100;
    const RATE: usize = 200;
    let (graph, arrivals) = slow_graph(Duration::from_millis(200)).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MESSAGES_PER_SECOND", "40")]);
    let client = reqwest::Client::new();
    // Each customer says three things at once: three replies queued together for each of them.
    let mut tasks = Vec::new();
    for n in 0..CUSTOMERS {
        let (client, base) = (client.clone(), wabot.base.clone());
        tasks.push(tokio::spawn(async move {
            let from = format!("1777000{n:04}");
            for (k, said) in ["hi", "1", "2"].into_iter().enumerate() {
                let body = message_webhook(&from, &format!("slow.{n}.{k}"), text(said));
                assert_eq!(post_signed(&client, &base, &body, SECRET).await, 200);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    wait_for(&graph, CUSTOMERS * 3).await;
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(
        arrivals.len(),
        CUSTOMERS * 3,
        "one reply per message, none twice"
    );
    // Per customer: the main menu, then Order Status, then the question for the order number.
    let mut per_customer: HashMap<String, Vec<(Instant, String)>> = HashMap::new();
    for (at, body) in &arrivals {
        let to = body["to"].as_str().unwrap().to_owned();
        per_customer.entry(to).or_default().push((*at, shown(body)));
    }
    for (customer, replies) in &per_customer {
        let order: Vec<bool> = ["Main Menu", "Order Status", "order number"]
            .iter()
            .zip(replies)
            .map(|(needle, (_, reply))| reply.contains(needle))
            .collect();
        assert_eq!(order, [true, true, true], "{customer}: {replies:?}");
        // One at a time: each reply left only after Meta had answered the one before it.
        for pair in replies.windows(2) {
            assert!(
                pair[1].0.duration_since(pair[0].0) >= Duration::from_millis(190),
                "{customer}: a reply was sent while the one before it was in flight"
            );
        }
    }
    let mut times: Vec<Instant> = arrivals.iter().map(|(at, _)| *at).collect();
    times.sort();
    let busiest = times
        .iter()
        .map(|start| {
            times
                .iter()
                .filter(|t| **t >= *start && t.duration_since(*start) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(
        busiest <= RATE,
        "{busiest} sends in one second at a rate of {RATE}/s"
    );
    // Sends overlapped (about rate × latency = 40 at once): 300 replies at 200 ms each took far less
    // than 300 × 200 ms.
    let span = times[times.len() - 1].duration_since(times[0]);
    assert!(
        span < Duration::from_secs(10),
        "the sends did not overlap: {span:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_messages_are_marked_read() {
    let graph = graph().await;
    let dir = scratch();
    let wabot = Wabot::start(&dir, &graph);
    let client = reqwest::Client::new();
    let hello = message_webhook("15550001111", "wamid.read.1", text("hi"));
    assert_eq!(post_signed(&client, &wabot.base, &hello, SECRET).await, 200);
    wait_for(&graph, 1).await;
    assert_eq!(wait_marked(&graph, 1).await, ["wamid.read.1"]);
    assert_eq!(sent(&graph).await.len(), 1, "a receipt is not a message");
    // The receipt carries no typing indicator: it usually follows the answer, and "typing…" shown
    // after the answer would linger for 25 s.
    let requests = graph.received_requests().await.unwrap();
    let receipt: Value = requests
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
        .find(|body| body["status"] == "read")
        .unwrap();
    assert_eq!(receipt["messaging_product"], "whatsapp");
    assert!(receipt.get("typing_indicator").is_none(), "{receipt}");

    let quiet = crate::harness::graph().await;
    let dir = scratch();
    let never = Wabot::start_with(&dir, &quiet, &[("WABOT__META__MARK_READ", "never")]);
    let hello = message_webhook("15550002222", "wamid.read.2", text("hi"));
    assert_eq!(post_signed(&client, &never.base, &hello, SECRET).await, 200);
    wait_for(&quiet, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(marked_read(&quiet).await.is_empty(), "mark_read = never");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_sends_in_flight_finish_so_none_goes_twice() {
    const CUSTOMERS: usize = 20;
    let (graph, arrivals) = slow_graph(Duration::from_millis(700)).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    let client = reqwest::Client::new();
    for n in 0..CUSTOMERS {
        let body = message_webhook(&format!("1778000{n:04}"), &format!("term.{n}"), text("hi"));
        assert_eq!(post_signed(&client, &wabot.base, &body, SECRET).await, 200);
    }
    // Stop while the sends are under way (the fake answers each after 700 ms).
    let started = Instant::now();
    while arrivals.lock().unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nothing was sent"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    wabot.terminate();
    // The restarted server sends what was left, and nothing Meta had accepted again (the lease
    // is 2 s in these tests: a send cut short would come back within the wait below).
    let restarted = Wabot::start_with(&dir, &graph, &[("WABOT__META__MARK_READ", "never")]);
    wait_for(&graph, CUSTOMERS).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut per_customer: HashMap<String, usize> = HashMap::new();
    for (_, body) in arrivals.lock().unwrap().iter() {
        *per_customer
            .entry(body["to"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_customer.len(), CUSTOMERS);
    assert!(per_customer.values().all(|n| *n == 1), "{per_customer:?}");
    drop(restarted);
}
