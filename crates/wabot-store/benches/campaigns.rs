//! Campaigns at 100,000 recipients: creating one (the CSV read, every recipient's values checked
//! and its body made, then the campaign and all its rows in one write), feeding them all into the
//! outbox while a sender drains it (each round's messages claimed and recorded as sent, as in
//! production, where the outbox holds about a window of a campaign's messages, not all of them),
//! and reading its counts. Goal: creation ≤ 5 s on SQLite.
//!
//! ```sh
//! cargo bench -p wabot-store --bench campaigns              # SQLite and PostgreSQL
//! cargo bench -p wabot-store --bench campaigns -- sqlite    # one backend
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

#[path = "../tests/store/backends.rs"]
#[allow(dead_code)]
mod backends;
#[path = "../tests/store/cluster.rs"]
#[allow(dead_code)]
mod cluster;

use std::time::{Duration, Instant};

use chrono::{TimeDelta, TimeZone, Utc};
use serde_json::json;
use wabot_app::{
    Audience, CampaignPace, CampaignRequest, Campaigns, Outbox, SendOutcome, SyncedTemplate,
    launch_campaign, read_csv,
};
use wabot_store::DieselStore;

const RECIPIENTS: usize = 100_000;

fn csv() -> Vec<u8> {
    let mut csv = String::from("phone,1,2\n");
    for i in 0..RECIPIENTS {
        csv.push_str(&format!("+1 555 {i:07},Customer {i},FALL{}\n", i % 97));
    }
    csv.into_bytes()
}

async fn run(backend: &str, url: String) {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
    let template = SyncedTemplate {
        meta_id: Some("1".into()),
        name: "fall_sale".into(),
        language: "en_US".into(),
        category: "MARKETING".into(),
        status: "APPROVED".into(),
        parameter_format: None,
        components: json!([{"type": "BODY", "text": "Hi {{1}}, use promo code {{2}}"}]),
    };
    store.store_templates(vec![template], now).await.unwrap();
    let bytes = csv();
    let started = Instant::now();
    let rows = read_csv(&bytes).unwrap();
    let read = started.elapsed();
    let request = CampaignRequest {
        name: "Bench".into(),
        template: "fall_sale".into(),
        language: "en_US".into(),
        audience: Audience::Rows(rows),
        starts_at: None,
        messages_per_second: Some(100_000.0),
    };
    let pace = CampaignPace {
        default_per_second: 20.0,
        max_per_second: 100_000.0,
    };
    let campaign = launch_campaign(&store, request, pace, now).await.unwrap();
    let created = started.elapsed();
    assert_eq!(campaign.counts.waiting, RECIPIENTS as i64);
    let counts = time_counts(&store, campaign.id).await;
    // Feed everyone: one round per simulated second, 100,000 a round at most.
    let started = Instant::now();
    let mut fed = 0;
    let mut at = now;
    while fed < RECIPIENTS {
        at += TimeDelta::seconds(1);
        fed += store.feed_campaigns(at, 1_000).await.unwrap().fed;
        let lease = std::time::Duration::from_secs(30);
        for job in store.claim_due("bench", at, lease, 1_000).await.unwrap() {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.bench.{}", job.outbox_id),
                wa_id: None,
            };
            store.record_outcome(&job, "bench", at, sent).await.unwrap();
        }
    }
    let feeding = started.elapsed();
    let fed_counts = time_counts(&store, campaign.id).await;
    println!(
        "{backend}: {RECIPIENTS} recipients — CSV read {read:?}, created (read + checked + bodies + one write) {created:?}; \
         counts {counts:?} unfed, {fed_counts:?} all fed; fed into the outbox and sent in {feeding:?} ({:.0}/s)",
        RECIPIENTS as f64 / feeding.as_secs_f64()
    );
}

/// The median of 5 reads of a campaign's counts.
async fn time_counts(store: &DieselStore, id: i64) -> Duration {
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        store.campaign(id).await.unwrap().unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    times[2]
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if wanted("sqlite") {
        runtime.block_on(run("sqlite", backends::sqlite_url()));
    }
    if wanted("postgres") {
        runtime.block_on(run("postgres", backends::postgres_url()));
    }
}
