//! The stored daily figures (`daily_figures`): a past day is stored by the first overview that
//! reads it, and every late change to that day — a send outcome, a status (applied at ingest or
//! through the port), a message Meta delivers days late — deletes it in the same write, so the next
//! overview counts the change. The test's days (the 24th and 25th of November 2026) are past by the
//! clock, as the days a console reads from storage are.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use wabot_app::{
    DeliveryStatus, Inbox, Outbox, Overview, Period, SendOutcome, Statistics, StatusUpdate,
};
use wabot_store::DieselStore;
use wabot_store::schema::daily_figures;

use crate::support::{LEASE, engine, event, message_item, noon, phone, query, say, status_item};

/// The days stored (computed), in order.
async fn stored(url: &str) -> Vec<NaiveDate> {
    query(url, |c| {
        daily_figures::table
            .filter(daily_figures::computed_at.is_not_null())
            .select(daily_figures::day)
            .order(daily_figures::day)
            .load(c)
            .unwrap()
    })
    .await
}

/// The 24th and 25th, whole days.
fn period() -> Period {
    let midnight = noon() - TimeDelta::hours(12);
    Period {
        since: midnight,
        until: midnight + TimeDelta::days(2),
    }
}

async fn overview(store: &DieselStore) -> Overview {
    store.overview(period(), period().until).await.unwrap()
}

crate::both_backends!(
    late_changes_to_a_stored_day_delete_it_and_are_counted,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "111", "a1", "hi", noon()).await;
        let day = noon().date_naive();

        let first = overview(&store).await;
        assert_eq!(first.days[0].inbound, 1);
        assert_eq!((first.delivery.outbound, first.delivery.waiting), (1, 1));
        assert_eq!(first.reply_times.count, 0);
        assert_eq!(stored(&url).await, vec![day, day.succ_opt().unwrap()]);
        // Reached and customers who wrote: from node_visits and last_inbound_at, kept by the turn
        // and ingest.
        assert_eq!(first.active_conversations, 1);
        assert_eq!(
            first
                .funnel
                .iter()
                .find(|n| n.node == "main")
                .unwrap()
                .reached,
            1
        );

        // The reply is sent 300 ms after the message arrived: the day's row goes, the overview
        // counts it accepted with its reply time, and stores the day again.
        let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        let sent_at = noon() + TimeDelta::milliseconds(300);
        let outcome = SendOutcome::Sent {
            wa_message_id: "wamid.R1".into(),
            wa_id: None,
        };
        store
            .record_outcome(&jobs[0], "s", sent_at, outcome)
            .await
            .unwrap();
        assert!(!stored(&url).await.contains(&day));
        let sent = overview(&store).await;
        assert_eq!((sent.delivery.accepted, sent.delivery.waiting), (1, 0));
        assert_eq!(sent.reply_times.count, 1);
        assert!((sent.reply_times.p50_ms - 300).abs() <= 5);
        assert!(stored(&url).await.contains(&day));

        // A delivery status at ingest, then a read status through the port.
        let delivered = status_item(
            phone("111"),
            "wamid.R1",
            DeliveryStatus::Delivered,
            noon() + TimeDelta::minutes(1),
        );
        let later: DateTime<Utc> = noon() + TimeDelta::days(2);
        store.ingest(event(vec![delivered], later)).await.unwrap();
        assert!(!stored(&url).await.contains(&day));
        assert_eq!(overview(&store).await.delivery.delivered, 1);
        let read = StatusUpdate {
            message_id: "wamid.R1".into(),
            status: DeliveryStatus::Read,
            error_code: None,
            error_title: None,
        };
        store
            .apply_status(&read, noon() + TimeDelta::minutes(2))
            .await
            .unwrap();
        assert!(!stored(&url).await.contains(&day));
        assert_eq!(overview(&store).await.delivery.read, 1);

        // A message Meta delivers two days late, dated the 24th, from a new customer.
        let late = message_item(phone("222"), "b1", "hi", noon() + TimeDelta::hours(1));
        store.ingest(event(vec![late], later)).await.unwrap();
        assert!(!stored(&url).await.contains(&day));
        let last = overview(&store).await;
        assert_eq!(last.days[0].inbound, 2);
        assert_eq!(last.active_conversations, 2);
        assert!(stored(&url).await.contains(&day));

        // Read again from storage, the same figures.
        assert_eq!(overview(&store).await, last);
        // A status for a message that changes nothing (stale) keeps the row.
        store
            .apply_status(&read, noon() + TimeDelta::minutes(3))
            .await
            .unwrap();
        assert!(stored(&url).await.contains(&day));
    }
);

crate::both_backends!(
    a_period_that_does_not_start_at_midnight_reads_its_first_day_raw,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "111", "a1", "hi", noon()).await;
        say(
            &store,
            &engine,
            "111",
            "a2",
            "hi",
            noon() + TimeDelta::hours(2),
        )
        .await;
        let whole = overview(&store).await;
        assert_eq!(whole.days[0].inbound, 2);
        // From 13:00 on the 24th: one message of the stored day's two, with its replies.
        let part = Period {
            since: noon() + TimeDelta::hours(1),
            until: period().until,
        };
        let part = store.overview(part, period().until).await.unwrap();
        assert_eq!(part.days[0].inbound, 1);
        // The first message's one reply (the menu) is before it.
        assert_eq!(part.delivery.outbound, whole.delivery.outbound - 1);
    }
);
