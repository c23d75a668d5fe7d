//! Replies never wait behind a campaign: a 2,000-recipient campaign at 200 messages/s (ten
//! seconds of sending, against a fake Graph API answering each send after 100 ms) while 20
//! customers walk the menu. Every reply arrives, and each one within a small fraction of the
//! campaign's length: a reply queued behind the whole campaign would wait seconds. The latency
//! figures (p50, p99) are measured by `wabot-bench --scenario campaign` and recorded in
//! `docs/performance.md`; this test only prints them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::campaigns::{CAMPAIGN_ENV, campaign_until, create_csv, csv_of, sync};
use crate::console_traffic::{message, text};
use crate::harness::{PHONE, SECRET, Wabot, post_signed, scratch};

/// When each message reached the fake Graph API, and its body.
type Arrivals = Arc<Mutex<Vec<(Instant, Value)>>>;

/// Records every message's arrival; answers after `delay`.
async fn record_sends(graph: &MockServer, delay: Duration) -> Arrivals {
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
                .set_body_json(json!({
                "messaging_product": "whatsapp", "messages": [{"id": format!("wamid.l.{n}")}]}))
        })
        .with_priority(1)
        .mount(graph)
        .await;
    arrivals
}

/// Waits for the first non-template message to `to` that arrived after `since`; returns when.
async fn reply_to(arrivals: &Arrivals, to: &str, since: Instant) -> Instant {
    let started = Instant::now();
    loop {
        let found = arrivals
            .lock()
            .unwrap()
            .iter()
            .find(|(at, body)| *at >= since && body["to"] == to && body["type"] != "template")
            .map(|(at, _)| *at);
        if let Some(at) = found {
            return at;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no reply to {to}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_never_wait_behind_a_campaign() {
    const CUSTOMERS: usize = 20;
    let graph = crate::campaigns::campaign_graph(Duration::from_millis(100)).await;
    let arrivals = record_sends(&graph, Duration::from_millis(100)).await;
    let dir = scratch();
    let wabot = Wabot::start_with(&dir, &graph, &CAMPAIGN_ENV);
    sync(&wabot).await;
    let audience: Vec<String> = (0..2_000).map(|i| format!("1888{i:07}")).collect();
    let query = "name=Load&template=fall_sale&language=en_US&messages_per_second=200";
    let started = Instant::now();
    let (status, body) = create_csv(&wabot, query, csv_of(&audience)).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut walkers = Vec::new();
    for n in 0..CUSTOMERS {
        let (base, arrivals) = (wabot.base.clone(), Arc::clone(&arrivals));
        walkers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let from = format!("1999000{n:04}");
            let mut waits = Vec::new();
            for (k, said) in ["hi", "1", "menu", "2", "menu"].into_iter().enumerate() {
                let sent = Instant::now();
                let body = message(&from, "Walker", &format!("walk.{n}.{k}"), text(said));
                assert_eq!(post_signed(&client, &base, &body, SECRET).await, 200);
                waits.push(reply_to(&arrivals, &from, sent).await.duration_since(sent));
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            waits
        }));
    }
    let mut waits = Vec::new();
    for walker in walkers {
        waits.extend(walker.await.unwrap());
    }
    let campaign_running = campaign_until(&wabot, id, |_| true).await;
    let done = campaign_until(&wabot, id, |c| {
        c["state"] == "completed" && c["counts"]["queued"] == 0
    })
    .await;
    let length = started.elapsed();
    waits.sort();
    let p = |q: f64| waits[((waits.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{} replies during a 2,000-recipient campaign ({length:?}): p50 {:?}, p99 {:?}, max {:?}",
        waits.len(),
        p(0.5),
        p(0.99),
        p(1.0)
    );
    assert_eq!(waits.len(), CUSTOMERS * 5, "every reply arrived");
    assert_eq!(done["counts"]["sent"], 2_000, "{done}");
    assert!(
        length >= Duration::from_secs(9),
        "the campaign kept its pace: {length:?}"
    );
    // The customers walked while the campaign still had most of its recipients to go.
    assert!(campaign_running["counts"]["waiting"].as_i64() > Some(0));
    // No reply waited behind the campaign: each took a small fraction of its ten seconds.
    assert!(
        p(1.0) < Duration::from_secs(2),
        "a reply waited {:?}",
        p(1.0)
    );
}
