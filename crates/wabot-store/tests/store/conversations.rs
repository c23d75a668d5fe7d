//! Conversation steps on the store: the engine answers from the database, a failed step writes
//! nothing and is taken again, and a stale session write is refused.

use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use wabot_app::{Conversations, StepRecord, StoreError};
use wabot_engine::{DEMO_CUSTOMER, Reply};
use wabot_store::{DieselStore, Seeded};

use crate::support::{engine, ingest_text, noon, say, unchanged};

fn text(replies: &[Reply]) -> String {
    replies
        .iter()
        .map(Reply::to_plain_text)
        .collect::<Vec<_>>()
        .join("\n---\n")
}

crate::both_backends!(
    the_demo_customer_walks_the_tree_on_real_data,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        assert_eq!(store.seed_demo(noon()).await.unwrap(), Seeded::Written);
        assert_eq!(store.seed_demo(noon()).await.unwrap(), Seeded::AlreadyThere);
        let engine = engine();
        let at = noon();
        let main = say(&store, &engine, DEMO_CUSTOMER, "w1", "hi", at).await;
        assert!(text(&main).contains("Main Menu"));
        say(&store, &engine, DEMO_CUSTOMER, "w2", "1", at).await;
        let recent = say(&store, &engine, DEMO_CUSTOMER, "w3", "1", at).await;
        let recent = text(&recent);
        assert!(
            recent.contains("ORD-003") && recent.contains("ORD-001") && recent.contains("ORD-002"),
            "{recent}"
        );
        say(&store, &engine, DEMO_CUSTOMER, "w4", "2", at).await;
        let tracked = text(&say(&store, &engine, DEMO_CUSTOMER, "w5", "ord 1", at).await);
        assert!(
            tracked.contains("In transit") && tracked.contains("Left the regional depot"),
            "{tracked}"
        );
        // Report a defect: the ticket is created in the same transaction as the step.
        for (id, input) in [
            ("w6", "0"),
            ("w7", "2"),
            ("w8", "1"),
            ("w9", "skip"),
            ("w10", "The chair's wheel broke off."),
            ("w11", "skip"),
        ] {
            say(&store, &engine, DEMO_CUSTOMER, id, input, at).await;
        }
        let created = text(&say(&store, &engine, DEMO_CUSTOMER, "w12", "yes", at).await);
        assert!(created.contains("registered as *DEF-002*"), "{created}");
        let history = text(&say(&store, &engine, DEMO_CUSTOMER, "w13", "2", at).await);
        assert!(
            history.contains("DEF-002") && history.contains("DEF-001"),
            "{history}"
        );
        // The schedule for today comes from the database too.
        say(&store, &engine, DEMO_CUSTOMER, "w14", "menu", at).await;
        say(&store, &engine, DEMO_CUSTOMER, "w15", "3", at).await;
        let today = text(&say(&store, &engine, DEMO_CUSTOMER, "w16", "1", at).await);
        assert!(
            today.contains("Repair visit") && today.contains("Confirmed"),
            "{today}"
        );
    }
);

crate::both_backends!(
    a_stranger_cannot_read_the_demo_customers_records,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        store.seed_demo(noon()).await.unwrap();
        let engine = engine();
        for (id, input) in [("s1", "hi"), ("s2", "1"), ("s3", "2")] {
            say(&store, &engine, "15559990000", id, input, noon()).await;
        }
        let order = text(&say(&store, &engine, "15559990000", "s4", "ORD-001", noon()).await);
        assert!(order.contains("couldn't find order *ORD-001*"), "{order}");
        for (id, input) in [("s5", "0"), ("s6", "2"), ("s7", "3")] {
            say(&store, &engine, "15559990000", id, input, noon()).await;
        }
        let ticket = text(&say(&store, &engine, "15559990000", "s8", "DEF-001", noon()).await);
        assert!(
            ticket.contains("couldn't find ticket *DEF-001*"),
            "{ticket}"
        );
        say(&store, &engine, "15559990000", "s9", "0", noon()).await;
        say(&store, &engine, "15559990000", "s10", "2", noon()).await;
        let recent = text(&say(&store, &engine, "15559990000", "s11", "2", noon()).await);
        assert!(recent.contains("not reported any defects"), "{recent}");
    }
);

crate::both_backends!(
    a_failed_step_writes_nothing_and_the_item_stays_pending,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        ingest_text(&store, "444", "m1", "hi", noon()).await;
        let failed = store
            .step_next(noon(), 10, |_, _, _, _| {
                Err(StoreError::Database("boom".into()))
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(failed.steps, 0);
        assert!(matches!(failed.failed, Some(StoreError::Database(_))));
        assert_eq!(store.session(failed.contact_id).await.unwrap(), None);
        // The item is still pending, and waits a little (2 s after a first failure) before the
        // same step is taken again.
        let refused = store
            .step_next(noon(), 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap();
        assert!(refused.is_none(), "{refused:?}");
        let later = noon() + chrono::TimeDelta::seconds(2);
        let engine = engine();
        let done = store
            .step_next(later, 10, move |_, message, state, data| {
                crate::support::engine_step(&engine, later, state, &message.input, data)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((done.contact_id, done.steps), (failed.contact_id, 1));
        let state = store.session(done.contact_id).await.unwrap().unwrap();
        assert_eq!(state.version, 1);
        // A done message is never stepped twice.
        let again = store
            .step_next(later, 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap();
        assert!(again.is_none(), "{again:?}");
    }
);

crate::both_backends!(a_concurrent_session_write_is_never_lost, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let engine = engine();
    say(&store, &engine, "666", "m1", "hi", noon()).await;
    ingest_text(&store, "666", "m2", "1", noon()).await;
    let contact = only_contact(&store).await;
    let before = written(&url).await;
    let other_outcome = Arc::new(Mutex::new(None));
    let (other_writer, seen) = (url.clone(), Arc::clone(&other_outcome));
    let turn = store
        .step_next(noon(), 10, move |_, _, mut state, _| {
            // Another instance tries to save this conversation after we loaded it.
            let mut other = crate::support::connect(&other_writer);
            other.batch_execute("PRAGMA busy_timeout = 100").ok();
            let outcome = other.batch_execute(&format!(
                "UPDATE sessions SET version = 99 WHERE contact_id = {contact}"
            ));
            *seen.lock().unwrap() = Some(outcome.is_ok());
            state.version += 1;
            // Written with the session (one statement on PostgreSQL): kept only with it.
            Ok(StepRecord {
                state,
                replies: vec![wabot_app::OutboundDraft {
                    kind: wabot_app::OutboundKind::Text,
                    body: "a reply".into(),
                }],
                events: vec![wabot_engine::Event::NodeEntered {
                    node: "schedule".into(),
                }],
                handoff: None,
            })
        })
        .await
        .unwrap()
        .unwrap();
    let other_wrote = other_outcome.lock().unwrap().unwrap();
    let after = written(&url).await;
    let stored_version = stored_version(&url, contact).await;
    if url.starts_with("postgres") {
        // PostgreSQL: the other write lands first; ours is refused, not written over it.
        assert!(other_wrote);
        assert!(
            matches!(turn.failed, Some(StoreError::StaleSession { expected: 1 })),
            "{turn:?}"
        );
        assert_eq!(stored_version, 99);
        assert_eq!(
            after, before,
            "nothing of the refused step is kept; its message waits"
        );
    } else {
        // SQLite: the turn holds the write lock from its start, so the other writer is refused.
        assert!(!other_wrote);
        assert_eq!((turn.steps, stored_version), (1, 2), "{turn:?}");
        let (outbox, events, visits, pending) = before;
        assert_eq!(after, (outbox + 1, events + 1, visits + 1, pending - 1));
    }
});

/// What a step writes, counted: outbox rows, menu events, node visits, pending items.
async fn written(url: &str) -> (i64, i64, i64, i64) {
    crate::support::query(url, |c| {
        use diesel::prelude::*;
        use wabot_store::schema::{inbound_items, menu_events, node_visits, outbox};
        (
            outbox::table.count().get_result(c).unwrap(),
            menu_events::table.count().get_result(c).unwrap(),
            node_visits::table.count().get_result(c).unwrap(),
            inbound_items::table
                .filter(inbound_items::state.eq("pending"))
                .count()
                .get_result(c)
                .unwrap(),
        )
    })
    .await
}

async fn only_contact(store: &DieselStore) -> i64 {
    use wabot_app::{Contacts, Page};
    store
        .list_contacts(Page {
            limit: 1,
            after: None,
        })
        .await
        .unwrap()[0]
        .id
}

async fn stored_version(url: &str, contact: i64) -> i64 {
    use diesel::prelude::*;
    use wabot_store::schema::sessions;
    crate::support::query(url, move |c| {
        sessions::table
            .find(contact)
            .select(sessions::version)
            .first::<i64>(c)
            .unwrap()
    })
    .await
}

crate::both_backends!(a_write_says_whether_more_may_wait, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    let at = noon();
    let messages = [("711", "m1"), ("712", "m2"), ("713", "m3"), ("713", "m4")];
    for (n, (wa_id, id)) in messages.iter().enumerate() {
        ingest_text(
            &store,
            wa_id,
            id,
            "hi",
            at + chrono::TimeDelta::seconds(n as i64),
        )
        .await;
    }
    // As many conversations as the write may take: more may wait (713 does).
    let turn = store
        .step_waiting(noon(), 2, 10, |_, _, state, _| unchanged(state))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((turn.steps, turn.more_waiting), (2, true), "{turn:?}");
    // As many of one conversation's messages as it may take: more may wait (its second).
    let turn = store
        .step_waiting(noon(), 16, 1, |_, _, state, _| unchanged(state))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((turn.steps, turn.more_waiting), (1, true), "{turn:?}");
    // Fewer than allowed: nothing else waited, so the worker may sleep until woken.
    let turn = store
        .step_waiting(noon(), 16, 10, |_, _, state, _| unchanged(state))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((turn.steps, turn.more_waiting), (1, false), "{turn:?}");
    assert!(
        store
            .step_waiting(noon(), 16, 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap()
            .is_none()
    );
});

crate::both_backends!(
    several_conversations_share_one_write_and_it_stops_at_a_failure,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let at = noon();
        for (n, wa_id) in ["701", "702", "703", "704"].iter().enumerate() {
            let later = at + chrono::TimeDelta::seconds(n as i64);
            ingest_text(&store, wa_id, &format!("s{n}"), "hi", later).await;
        }
        // The third conversation's step fails: the first two stay stepped, the rest wait.
        let seen = Arc::new(Mutex::new(Vec::new()));
        let customers = Arc::clone(&seen);
        let turn = store
            .step_waiting(noon(), 16, 10, move |customer, _, state, _| {
                let mut customers = customers.lock().unwrap();
                customers.push(customer.to_owned());
                if customers.len() == 3 {
                    return Err(StoreError::Database("boom".into()));
                }
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(turn.steps, 2, "{turn:?}");
        assert!(matches!(turn.failed, Some(StoreError::Database(_))));
        assert!(turn.more_waiting, "the fourth was found and not stepped");
        assert_eq!(*seen.lock().unwrap(), ["701", "702", "703"]);
        assert_eq!(store.session(turn.contact_id).await.unwrap(), None);
        // The failed one waits for its retry; the fourth goes on in the next write, then nothing.
        let next = store
            .step_waiting(noon(), 16, 10, |customer, _, state, _| {
                assert_eq!(customer, "704");
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((next.steps, next.failed.is_none()), (1, true), "{next:?}");
        let none = store
            .step_waiting(noon(), 16, 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap();
        assert!(none.is_none(), "{none:?}");
    }
);

crate::both_backends!(
    each_message_of_a_turn_meets_the_session_the_one_before_saved,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        ingest_text(&store, "777", "t1", "first", noon()).await;
        ingest_text(&store, "777", "t2", "second", noon()).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let turn = store
            .step_next(noon(), 10, move |_, message, mut state, _| {
                log.lock()
                    .unwrap()
                    .push((state.version, state.node.clone()));
                state.version += 1;
                if let wabot_engine::Input::Text { body } = &message.input {
                    state.node = Some(body.clone());
                }
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(turn.steps, 2, "{turn:?}");
        assert_eq!(
            *seen.lock().unwrap(),
            [(0, None), (1, Some("first".to_owned()))],
            "the second step starts where the first one left the session"
        );
        let contact = only_contact(&store).await;
        assert_eq!(stored_version(&url, contact).await, 2);
        // A later turn reads it back from the database.
        ingest_text(&store, "777", "t3", "third", noon()).await;
        let again = Arc::new(Mutex::new(None));
        let read = Arc::clone(&again);
        store
            .step_next(noon(), 10, move |_, _, state, _| {
                *read.lock().unwrap() = Some((state.version, state.node.clone()));
                unchanged(state)
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(*again.lock().unwrap(), Some((2, Some("second".to_owned()))));
    }
);

crate::both_backends!(
    a_session_that_does_not_read_fails_its_step_alone,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let engine = engine();
        say(&store, &engine, "888", "r1", "hi", noon()).await;
        let broken = only_contact(&store).await;
        crate::support::query(&url, move |c| {
            c.batch_execute(&format!(
                "UPDATE sessions SET state = '{{not json' WHERE contact_id = {broken}"
            ))
            .unwrap();
        })
        .await;
        ingest_text(&store, "888", "r2", "1", noon()).await;
        ingest_text(&store, "999", "r3", "hi", noon()).await;
        let failed = store
            .step_waiting(noon(), 2, 10, |_, _, state, _| unchanged(state))
            .await
            .expect("the write commits: the failure is the step's")
            .unwrap();
        assert_eq!(failed.contact_id, broken);
        assert!(
            matches!(failed.failed, Some(StoreError::Corrupt { .. })),
            "{failed:?}"
        );
        // The broken conversation backs off; the other one is stepped by the next write.
        let next = store
            .step_waiting(noon(), 2, 10, |_, _, state, _| unchanged(state))
            .await
            .unwrap()
            .unwrap();
        assert_ne!(next.contact_id, broken);
        assert_eq!((next.steps, next.failed.is_none()), (1, true), "{next:?}");
    }
);
