//! Statistics: counts by day, direction and status, menu usage, and reply times.

use chrono::TimeDelta;
use wabot_app::{Count, Inbox, Outbox, SendOutcome, Statistics};
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
        // Send the first reply of each contact, 200 ms and 800 ms after the customer wrote; the second
        // reply of 222 fails with 131026.
        let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        assert_eq!(jobs.len(), 2);
        // Each reply knows when the message it answers reached the webhook.
        assert!(jobs.iter().all(|job| job.origin_at == Some(noon())));
        for (job, delay) in jobs.iter().zip([200, 800]) {
            let sent_at = noon() + TimeDelta::milliseconds(delay);
            let outcome = SendOutcome::Sent {
                wa_message_id: format!("wamid.{}", job.outbox_id),
                wa_id: None,
            };
            store
                .record_outcome(job, "s", sent_at, outcome)
                .await
                .unwrap();
        }
        let second = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        let failed = SendOutcome::Failed {
            code: Some(131026),
            title: "Message undeliverable".into(),
        };
        store
            .record_outcome(&second[0], "s", noon(), failed)
            .await
            .unwrap();
        let day_before = noon() - TimeDelta::days(1);
        let stats = store.stats(day_before, noon()).await.unwrap();
        assert_eq!(stats.contacts, 2);
        assert_eq!(labelled(&stats.messages_by_day, &["2026-11-24", "in"]), 3);
        assert_eq!(labelled(&stats.messages_by_day, &["2026-11-24", "out"]), 4);
        assert_eq!(labelled(&stats.messages_by_status, &["out", "sent"]), 2);
        assert_eq!(labelled(&stats.messages_by_status, &["out", "pending"]), 1);
        assert_eq!(
            stats.failures_by_code,
            vec![Count {
                labels: vec!["131026".into()],
                count: 1
            }]
        );
        // Nobody is idle yet at noon; an hour later both conversations were left at the main menu.
        assert!(stats.drop_off.is_empty());
        let idle = store
            .stats(day_before, noon() + TimeDelta::hours(1))
            .await
            .unwrap();
        assert_eq!(
            idle.drop_off,
            vec![Count {
                labels: vec!["main".into()],
                count: 2
            }]
        );
        assert_eq!(labelled(&stats.menu_events, &["node_entered", "main"]), 2);
        assert_eq!(labelled(&stats.menu_events, &["not_understood", "main"]), 1);
        assert_eq!(stats.response_times.count, 2);
        // From a histogram: within 1.5 % of 200 and 800 ms.
        let (p50, p99) = (stats.response_times.p50_ms, stats.response_times.p99_ms);
        assert!(
            (p50 - 200).abs() <= 3 && (p99 - 800).abs() <= 12,
            "{p50} {p99}"
        );
        // Nothing since tomorrow but the contacts themselves.
        let tomorrow = noon() + TimeDelta::days(1);
        let later = store.stats(tomorrow, tomorrow).await.unwrap();
        assert!(later.messages_by_day.is_empty() && later.menu_events.is_empty());
        assert_eq!(later.contacts, 2);
    }
);

crate::both_backends!(stats_count_each_option_by_menu_and_key, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let engine = engine();
    // 111: main → 1 orders → 4 back → 1 orders; 222: main → 2 defects, then a word (no option).
    for (id, text) in [
        ("a1", "hi"),
        ("a2", "1"),
        ("a3", "4"),
        ("a4", "Order Status"),
    ] {
        say(&store, &engine, "111", id, text, noon()).await;
    }
    for (id, text) in [("b1", "hi"), ("b2", "2"), ("b3", "back")] {
        say(&store, &engine, "222", id, text, noon()).await;
    }
    let stats = store
        .stats(noon() - TimeDelta::days(1), noon())
        .await
        .unwrap();
    let chosen = |labels: &[&str]| labelled(&stats.options_chosen, labels);
    assert_eq!(chosen(&["main", "1"]), 2);
    assert_eq!(chosen(&["main", "2"]), 1);
    assert_eq!(chosen(&["orders", "4"]), 1);
    assert_eq!(stats.options_chosen.len(), 3, "{:?}", stats.options_chosen);
    assert_eq!(labelled(&stats.menu_events, &["option_chosen", "main"]), 3);
});

crate::both_backends!(backlog_counts_what_waits_and_its_age, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let empty = store.backlog(noon()).await.unwrap();
    assert_eq!(empty, wabot_app::Backlog::default());
    let engine = engine();
    say(&store, &engine, "111", "a1", "hi", noon()).await;
    let later = noon() + TimeDelta::minutes(5);
    store
        .ingest(crate::support::event(
            vec![crate::support::message_item(
                crate::support::phone("222"),
                "b1",
                "hi",
                later,
            )],
            later,
        ))
        .await
        .unwrap();
    let backlog = store.backlog(noon()).await.unwrap();
    assert_eq!(
        (backlog.inbox_pending, backlog.inbox_oldest),
        (1, Some(later))
    );
    assert_eq!(
        (backlog.outbox_pending, backlog.outbox_oldest),
        (1, Some(noon()))
    );
    assert_eq!(backlog.sessions_active, 1);
    let quiet = store.backlog(later).await.unwrap();
    assert_eq!(quiet.sessions_active, 0);
});
