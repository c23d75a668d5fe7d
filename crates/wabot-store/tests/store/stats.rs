//! Statistics: counts by day, direction and status, menu usage, and reply times.

use chrono::TimeDelta;
use wabot_app::{Count, Outbox, SendOutcome, Statistics};
use wabot_store::DieselStore;

use crate::support::{LEASE, engine, noon, say};

fn labelled(counts: &[Count], labels: &[&str]) -> i64 {
    counts
        .iter()
        .find(|c| c.labels == labels)
        .map_or(0, |c| c.count)
}

crate::both_backends!(
    stats_count_messages_events_and_reply_times,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "111", "a1", "hi", noon()).await;
        say(&store, &engine, "222", "b1", "hi", noon()).await;
        say(&store, &engine, "222", "b2", "nonsense", noon()).await;
        // Send the first reply of each contact, 200 ms and 800 ms after the customer wrote.
        let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        assert_eq!(jobs.len(), 2);
        for (job, delay) in jobs.iter().zip([200, 800]) {
            let sent_at = noon() + TimeDelta::milliseconds(delay);
            let outcome = SendOutcome::Sent {
                wa_message_id: format!("wamid.{}", job.outbox_id),
            };
            store
                .record_outcome(job, "s", sent_at, outcome)
                .await
                .unwrap();
        }
        let stats = store.stats(noon() - TimeDelta::days(1)).await.unwrap();
        assert_eq!(stats.contacts, 2);
        assert_eq!(labelled(&stats.messages_by_day, &["2026-11-24", "in"]), 3);
        assert_eq!(labelled(&stats.messages_by_day, &["2026-11-24", "out"]), 4);
        assert_eq!(labelled(&stats.messages_by_status, &["out", "sent"]), 2);
        assert_eq!(labelled(&stats.messages_by_status, &["out", "pending"]), 2);
        assert_eq!(labelled(&stats.menu_events, &["node_entered", "main"]), 2);
        assert_eq!(labelled(&stats.menu_events, &["not_understood", "main"]), 1);
        assert_eq!(stats.response_times.count, 2);
        assert_eq!(
            (stats.response_times.p50_ms, stats.response_times.p99_ms),
            (200, 800)
        );
        // Nothing since tomorrow but the contacts themselves.
        let later = store.stats(noon() + TimeDelta::days(1)).await.unwrap();
        assert!(later.messages_by_day.is_empty() && later.menu_events.is_empty());
        assert_eq!(later.contacts, 2);
    }
);
