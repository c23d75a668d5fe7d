//! The outbox: one message in flight per recipient, in order; outcomes; statuses only move forward.

use chrono::TimeDelta;
use wabot_app::{
    Contacts, DeliveryStatus, Direction, Inbox, LeaseRequest, MessageStatus, Outbox, SendOutcome,
    StatusApplied, StatusUpdate,
};
use wabot_store::DieselStore;

use crate::support::{FIRST, LEASE, engine, event, first_outbound, noon, phone, say, status_item};

/// Two contacts with a menu reply each, and a second reply queued for the first contact.
async fn queued(store: &DieselStore) {
    let engine = engine();
    say(store, &engine, "111", "a1", "hi", noon()).await;
    say(store, &engine, "222", "b1", "hi", noon()).await;
    // "what" gets two replies (didn't understand + the menu): both queued for 111.
    say(store, &engine, "111", "a2", "what", noon()).await;
}

crate::both_backends!(
    one_message_in_flight_per_recipient_and_in_order,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        queued(&store).await;
        let first = store.claim_due("s1", noon(), LEASE, 10).await.unwrap();
        let contacts: Vec<i64> = first.iter().map(|job| job.contact_id).collect();
        assert_eq!(first.len(), 2, "one per recipient: {first:?}");
        assert_ne!(contacts[0], contacts[1]);
        // Nothing more while those are in flight, not even the next reply to 111.
        assert!(
            store
                .claim_due("s2", noon(), LEASE, 10)
                .await
                .unwrap()
                .is_empty()
        );
        for job in &first {
            let sent = SendOutcome::Sent {
                wa_message_id: format!("wamid.{}", job.outbox_id),
                wa_id: None,
            };
            store.record_outcome(job, "s1", noon(), sent).await.unwrap();
        }
        let second = store.claim_due("s2", noon(), LEASE, 10).await.unwrap();
        assert_eq!(second.len(), 1);
        let contact_111 = store.list_contacts(FIRST).await.unwrap()[0].id;
        assert_eq!(second[0].contact_id, contact_111);
    }
);

crate::both_backends!(retries_wait_and_failures_are_recorded, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let engine = engine();
    say(&store, &engine, "111", "a1", "hi", noon()).await;
    let job = store
        .claim_due("s", noon(), LEASE, 10)
        .await
        .unwrap()
        .remove(0);
    let retry_at = noon() + TimeDelta::seconds(5);
    store
        .record_outcome(
            &job,
            "s",
            noon(),
            SendOutcome::Retry {
                at: retry_at,
                error: "HTTP 500".into(),
            },
        )
        .await
        .unwrap();
    assert!(
        store
            .claim_due("s", noon() + TimeDelta::seconds(4), LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_due("s", retry_at, LEASE, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!((again.outbox_id, again.attempts), (job.outbox_id, 1));
    // A worker whose lease was taken over cannot record an outcome.
    let stolen = store
        .record_outcome(
            &again,
            "someone-else",
            retry_at,
            SendOutcome::Sent {
                wa_message_id: "x".into(),
                wa_id: None,
            },
        )
        .await;
    assert!(
        matches!(stolen, Err(wabot_app::StoreError::LeaseLost)),
        "{stolen:?}"
    );
    let failed = SendOutcome::Failed {
        code: Some(131_047),
        title: "outside the 24-hour window".into(),
    };
    store
        .record_outcome(&again, "s", retry_at, failed)
        .await
        .unwrap();
    assert!(
        store
            .claim_due("s", retry_at + TimeDelta::hours(1), LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let history = store.history(again.contact_id, FIRST).await.unwrap();
    let out = history
        .iter()
        .find(|m| m.direction == Direction::Out)
        .unwrap();
    assert_eq!(
        (out.status.as_str(), out.error_code),
        ("failed", Some(131_047))
    );
    assert_eq!(
        out.error_title.as_deref(),
        Some("outside the 24-hour window")
    );
});

crate::both_backends!(statuses_only_move_forward, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let engine = engine();
    say(&store, &engine, "111", "a1", "hi", noon()).await;
    let job = store
        .claim_due("s", noon(), LEASE, 10)
        .await
        .unwrap()
        .remove(0);
    store
        .record_outcome(
            &job,
            "s",
            noon(),
            SendOutcome::Sent {
                wa_message_id: "wamid.OUT".into(),
                wa_id: None,
            },
        )
        .await
        .unwrap();
    let update = |status| StatusUpdate {
        message_id: "wamid.OUT".into(),
        status,
        error_code: None,
        error_title: None,
    };
    let t = |s| noon() + TimeDelta::seconds(s);
    // In arrival order: read first; late "delivered" and "sent" change nothing; failed is terminal.
    let arrivals = [
        (DeliveryStatus::Read, 3, StatusApplied::Applied),
        (DeliveryStatus::Delivered, 2, StatusApplied::Stale),
        (DeliveryStatus::Sent, 1, StatusApplied::Stale),
        (DeliveryStatus::Failed, 4, StatusApplied::Applied),
        (DeliveryStatus::Read, 5, StatusApplied::Stale),
    ];
    for (status, second, expected) in arrivals {
        let applied = store
            .apply_status(&update(status), t(second))
            .await
            .unwrap();
        assert_eq!(applied, expected, "{status:?} at {second} s");
    }
    let unknown = StatusUpdate {
        message_id: "wamid.NOPE".into(),
        ..update(DeliveryStatus::Read)
    };
    assert_eq!(
        store.apply_status(&unknown, t(6)).await.unwrap(),
        StatusApplied::UnknownMessage
    );
    let out = first_outbound(&store, job.contact_id).await;
    assert_eq!(out.status, MessageStatus::Delivery(DeliveryStatus::Failed));
    assert_eq!(
        (out.sent_at, out.read_at, out.failed_at),
        (Some(noon()), Some(t(3)), Some(t(4)))
    );
    assert_eq!(
        out.delivered_at, None,
        "the late 'delivered' did not move it back"
    );
    // Statuses arriving by webhook are applied at ingest, and duplicates are ignored.
    let receipt = store
        .ingest(event(
            vec![status_item(
                phone("111"),
                "wamid.OUT",
                DeliveryStatus::Read,
                t(7),
            )],
            t(7),
        ))
        .await
        .unwrap();
    assert_eq!(receipt.new_items, 1);
});

crate::both_backends!(
    a_status_that_overtook_its_send_is_applied_later,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "111", "a1", "hi", noon()).await;
        say(&store, &engine, "222", "b1", "hi", noon()).await;
        say(&store, &engine, "333", "c1", "hi", noon()).await;
        let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        assert_eq!(jobs.len(), 3);
        // Meta's "delivered" arrives before we recorded the send.
        let early = status_item(
            phone("111"),
            "wamid.LATE",
            DeliveryStatus::Delivered,
            noon() + TimeDelta::seconds(1),
        );
        store.ingest(event(vec![early], noon())).await.unwrap();
        // A status for a message that never shows up waits, then is given up after the wait.
        let orphan = status_item(phone("111"), "wamid.NEVER", DeliveryStatus::Read, noon());
        store.ingest(event(vec![orphan], noon())).await.unwrap();
        let record = |n: usize, id: &str, at, settle| {
            let (store, job) = (store.clone(), jobs[n].clone());
            let sent = SendOutcome::Sent {
                wa_message_id: id.into(),
                wa_id: None,
            };
            let lease = LeaseRequest {
                owner: "s",
                lease: LEASE,
                limit: 0,
            };
            async move {
                let written = store
                    .record_and_claim(vec![(job, sent)], lease, at, settle)
                    .await
                    .unwrap();
                assert!(written.recorded.iter().all(Result::is_ok), "{written:?}");
            }
        };
        let status = |n: usize| {
            let (store, contact_id) = (store.clone(), jobs[n].contact_id);
            async move { first_outbound(&store, contact_id).await.status }
        };
        let wait = Some(std::time::Duration::from_secs(3600));
        // Recorded without settling: the early status still waits.
        record(0, "wamid.LATE", noon(), None).await;
        assert_eq!(
            status(0).await,
            MessageStatus::Delivery(DeliveryStatus::Sent)
        );
        assert_eq!(crate::support::pending_statuses(&url).await, 2);
        // The next write that records an accepted send settles it.
        record(1, "wamid.B", noon(), wait).await;
        assert_eq!(
            status(0).await,
            MessageStatus::Delivery(DeliveryStatus::Delivered)
        );
        assert_eq!(
            crate::support::pending_statuses(&url).await,
            1,
            "the orphan still waits"
        );
        // Two hours on (the lease is not checked for its time, only its owner).
        record(2, "wamid.C", noon() + TimeDelta::hours(2), wait).await;
        assert_eq!(
            crate::support::pending_statuses(&url).await,
            0,
            "given up after the wait"
        );
    }
);

crate::both_backends!(
    sandboxed_messages_are_done_in_order_and_never_resent,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        queued(&store).await;
        let mut recorded = 0;
        // Three replies (two for 111, in order): each round claims one per recipient.
        for round in 0..3 {
            let jobs = store.claim_due("s1", noon(), LEASE, 10).await.unwrap();
            for job in &jobs {
                let sandboxed = SendOutcome::Sandboxed {
                    wa_message_id: format!("sandbox.{}", job.outbox_id),
                };
                store
                    .record_outcome(job, "s1", noon(), sandboxed)
                    .await
                    .unwrap();
                recorded += 1;
            }
            assert!(!jobs.is_empty() || round == 2, "round {round}");
        }
        assert!(recorded >= 3, "{recorded}");
        let later = noon() + TimeDelta::hours(1);
        assert!(
            store
                .claim_due("s2", later, LEASE, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let contact = store.list_contacts(FIRST).await.unwrap()[0].id;
        let reply = first_outbound(&store, contact).await;
        assert_eq!(
            reply.status,
            MessageStatus::Delivery(DeliveryStatus::Sandboxed)
        );
        assert!(reply.sent_at.is_some());
    }
);

crate::both_backends!(
    the_outbox_keeps_its_copy_of_a_body_only_where_a_previous_version_may_send_it,
    |url| async move {
        use diesel::prelude::*;
        use diesel::sql_types::{BigInt, Text};
        let store = DieselStore::open(&url, 4).await.unwrap();
        say(&store, &engine(), "111", "c1", "hi", noon()).await;
        #[derive(QueryableByName, Debug)]
        struct Copy {
            #[diesel(sql_type = Text)]
            outbox: String,
            #[diesel(sql_type = Text)]
            message: String,
        }
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let postgres = url.starts_with("postgres");
        let (copies, body_columns) = crate::support::query(&url, move |c| {
            let copies = if postgres {
                diesel::sql_query(
                    "SELECT o.body AS outbox, m.body AS message \
                     FROM outbox o JOIN messages m ON m.id = o.message_id",
                )
                .load::<Copy>(c)
                .unwrap()
            } else {
                Vec::new()
            };
            let columns = if postgres {
                "SELECT count(*) AS n FROM information_schema.columns \
                 WHERE table_name = 'outbox' AND column_name = 'body'"
            } else {
                "SELECT count(*) AS n FROM pragma_table_info('outbox') WHERE name = 'body'"
            };
            let n = diesel::sql_query(columns).get_result::<Count>(c).unwrap().n;
            (copies, n)
        })
        .await;
        if postgres {
            // A rolling upgrade runs the previous version beside this one: it sends this copy.
            assert_eq!(body_columns, 1);
            assert_eq!(copies.len(), 1, "{copies:?}");
            assert!(copies[0].outbox.contains("Main Menu"), "{copies:?}");
            assert_eq!(copies[0].outbox, copies[0].message);
        } else {
            assert_eq!(body_columns, 0, "one process: the copy is gone");
        }
    }
);
