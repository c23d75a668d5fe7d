//! Throughput of the store, printed as figures: webhook ingest (events/s) and conversation
//! turns (steps/s: a contact's pending messages stepped in one write, as the workers do), on SQLite (durable: WAL, synchronous = FULL) and on a
//! PostgreSQL cluster the bench starts itself.
//!
//! `cargo bench -p wabot-store --bench throughput` (add `-- sqlite` or `-- postgres` for one backend).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

#[path = "../tests/store/backends.rs"]
// The bench uses the shared databases only, not the private cluster some tests stop.
#[allow(dead_code)]
mod backends;
// The throwaway PostgreSQL cluster `backends` starts.
#[path = "../tests/store/cluster.rs"]
#[allow(dead_code)]
mod cluster;

use std::sync::Arc;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use wabot_app::{
    ContactIds, Conversations, CustomerMessage, InboundPayload, Inbox, NewInboundItem,
    NewWebhookEvent, StepRecord,
};
use wabot_engine::Input;
use wabot_store::DieselStore;

const EVENTS: usize = 4_000;
const PRODUCERS: usize = 32;
const WORKERS: usize = 8;

fn event(n: usize) -> NewWebhookEvent {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let body = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messages":[{{"from":"1{n:010}","id":"wamid.{n}","timestamp":"1","type":"text","text":{{"body":"hi"}}}}]}}}}]}}]}}"#
    );
    let contact = ContactIds {
        wa_id: Some(format!("1{:010}", n % 500)),
        user_id: None,
    };
    NewWebhookEvent {
        received_at: at,
        body,
        items: vec![NewInboundItem {
            dedupe_key: format!("wamid.{n}"),
            contact: contact.clone(),
            profile_name: Some("Bench".into()),
            occurred_at: at,
            payload: InboundPayload::Message(CustomerMessage {
                message_id: format!("wamid.{n}"),
                kind: "text".into(),
                input: Input::text("hi"),
                reply_to: contact,
            }),
        }],
        account_updates: Vec::new(),
    }
}

async fn ingest(store: &DieselStore) -> f64 {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for producer in 0..PRODUCERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for n in (producer..EVENTS).step_by(PRODUCERS) {
                store.ingest(event(n)).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    EVENTS as f64 / started.elapsed().as_secs_f64()
}

async fn converse(store: &DieselStore) -> (f64, usize) {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..WORKERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut steps = 0;
            // The turns the conversation workers take: a contact's pending messages in one write.
            while let Some(turn) = store
                .step_next(now, 20, |_, _, mut state, _| {
                    state.version += 1;
                    Ok(StepRecord {
                        state,
                        replies: Vec::new(),
                        events: Vec::new(),
                        handoff: None,
                    })
                })
                .await
                .unwrap()
            {
                assert!(turn.failed.is_none(), "{turn:?}");
                steps += turn.steps;
            }
            steps
        }));
    }
    let mut steps = 0;
    for task in tasks {
        steps += task.await.unwrap();
    }
    (steps as f64 / started.elapsed().as_secs_f64(), steps)
}

async fn measure(name: &str, url: &str) {
    let store = DieselStore::open(url, 8).await.unwrap();
    let ingested = ingest(&store).await;
    let (stepped, steps) = converse(&Arc::new(store).as_ref().clone()).await;
    println!(
        "{name:<10} ingest: {ingested:>8.0} events/s ({EVENTS} events, {PRODUCERS} concurrent producers)"
    );
    println!("{name:<10} turns: {stepped:>8.0} steps/s ({steps} steps, {WORKERS} workers)");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if wants("sqlite") {
        measure("sqlite", &backends::sqlite_url()).await;
    }
    if wants("postgres") {
        measure("postgres", &backends::postgres_url()).await;
    }
}
