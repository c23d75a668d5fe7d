//! Conversation turns (`Conversations::step_next`): a contact's pending messages stepped in order in
//! one transaction, a failing step ending the turn with the messages
//! before it kept, and parallel instances never stepping one conversation twice.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use wabot_app::{Conversations, Inbox, StepData, StepRecord, StoreError, Turn};
use wabot_engine::{ConversationState, Engine};
use wabot_store::DieselStore;

use crate::support::{engine, engine_step, event, message_item, noon, phone, query};

/// One turn through the default menu.
async fn turn(store: &DieselStore, engine: &Arc<Engine>, at: DateTime<Utc>) -> Option<Turn> {
    let engine = Arc::clone(engine);
    store
        .step_next(at, 20, move |_customer, message, state, data| {
            engine_step(&engine, at, state, &message.input, data)
        })
        .await
        .unwrap()
}

/// A step that fails for a message saying `word` (as a business system that is down would) and
/// otherwise only counts the step in the state's version.
fn failing_on(
    word: &'static str,
) -> impl Fn(
    &str,
    &wabot_app::CustomerMessage,
    ConversationState,
    &mut StepData<'_>,
) -> Result<StepRecord, StoreError>
+ Copy
+ Send
+ 'static {
    move |_, message, mut state, _| {
        if format!("{:?}", message.input).contains(word) {
            return Err(StoreError::Database("the business system is down".into()));
        }
        state.version += 1;
        Ok(StepRecord {
            state,
            replies: vec![],
            events: vec![],
            handoff: None,
        })
    }
}

async fn say_all(store: &DieselStore, wa_id: &str, texts: &[&str]) {
    let items = texts
        .iter()
        .enumerate()
        .map(|(n, text)| message_item(phone(wa_id), &format!("{wa_id}.{n}"), text, noon()))
        .collect();
    store.ingest(event(items, noon())).await.unwrap();
}

async fn pending_count(url: &str) -> i64 {
    query(url, |c| {
        use diesel::prelude::*;
        use wabot_store::schema::inbound_items;
        inbound_items::table
            .filter(inbound_items::state.eq("pending"))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}

async fn outbox_count(url: &str) -> i64 {
    query(url, |c| {
        use diesel::prelude::*;
        use wabot_store::schema::outbox;
        outbox::table.count().get_result::<i64>(c).unwrap()
    })
    .await
}

crate::both_backends!(a_turn_steps_a_conversation_in_order, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let engine = engine();
    assert!(
        turn(&store, &engine, noon()).await.is_none(),
        "nothing pending"
    );
    say_all(&store, "501", &["hi", "1", "2"]).await;
    let done = turn(&store, &engine, noon()).await.unwrap();
    assert_eq!(done.steps, 3);
    assert!(done.failed.is_none());
    let state = store.session(done.contact_id).await.unwrap().unwrap();
    // hi -> main, 1 -> Order Status, 2 -> Track order (asks for the order number).
    assert_eq!(state.node.as_deref(), Some("track_order"), "{state:?}");
    assert_eq!(state.version, 3);
    assert_eq!(pending_count(&url).await, 0);
    assert_eq!(outbox_count(&url).await, 3, "one reply per step");
    assert!(turn(&store, &engine, noon()).await.is_none());
});

crate::both_backends!(
    a_failing_step_ends_the_turn_and_keeps_what_came_before,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        say_all(&store, "521", &["hi", "boom", "1"]).await;
        let step = failing_on("boom");
        let done = store.step_next(noon(), 20, step).await.unwrap().unwrap();
        assert_eq!(done.steps, 1);
        assert!(
            matches!(done.failed, Some(StoreError::Database(_))),
            "{done:?}"
        );
        assert_eq!(
            pending_count(&url).await,
            2,
            "boom and the message after it"
        );
        let state = store.session(done.contact_id).await.unwrap().unwrap();
        assert_eq!(state.version, 1, "the first step was kept");
    }
);

crate::both_backends!(
    parallel_turns_never_step_a_conversation_twice,
    |url| async move {
        let seed = DieselStore::open(&url, 2).await.unwrap();
        for n in 0..30 {
            say_all(&seed, &format!("53{n:02}"), &["hi", "1", "2"]).await;
        }
        let engine = engine();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let store = DieselStore::open(&url, 2).await.unwrap();
            let engine = Arc::clone(&engine);
            tasks.push(tokio::spawn(async move {
                let mut steps = 0;
                while let Some(done) = turn(&store, &engine, noon()).await {
                    assert!(done.failed.is_none(), "{done:?}");
                    steps += done.steps;
                }
                steps
            }));
        }
        let mut steps = 0;
        for task in tasks {
            steps += task.await.unwrap();
        }
        assert_eq!(steps, 90, "every message stepped exactly once");
        assert_eq!(pending_count(&url).await, 0);
        assert_eq!(outbox_count(&url).await, 90);
        let at_track_order = query(&url, |c| {
            use diesel::prelude::*;
            use wabot_store::schema::sessions;
            sessions::table
                .select(sessions::state)
                .load::<String>(c)
                .unwrap()
                .iter()
                .filter(|state| state.contains("\"track_order\""))
                .count()
        })
        .await;
        assert_eq!(at_track_order, 30, "each conversation's messages in order");
    }
);

crate::both_backends!(
    a_conversation_that_keeps_failing_holds_up_no_other,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        // The oldest pending message belongs to a conversation whose step always fails.
        say_all(&store, "541", &["broken"]).await;
        say_all(&store, "542", &["hi"]).await;
        let step = failing_on("broken");
        let first = store.step_next(noon(), 20, step).await.unwrap().unwrap();
        assert!(first.failed.is_some());
        // The next turn takes the other conversation instead of failing on the same one.
        let second = store.step_next(noon(), 20, step).await.unwrap().unwrap();
        assert_ne!(second.contact_id, first.contact_id);
        assert_eq!((second.steps, second.failed.is_none()), (1, true));
        assert!(store.step_next(noon(), 20, step).await.unwrap().is_none());
        // Each failure doubles the wait: 2 s, then 4 s, ... at most five minutes.
        let at = |seconds| noon() + chrono::TimeDelta::seconds(seconds);
        let retried = store.step_next(at(2), 20, step).await.unwrap().unwrap();
        assert_eq!(retried.contact_id, first.contact_id);
        assert!(store.step_next(at(5), 20, step).await.unwrap().is_none());
        assert!(store.step_next(at(6), 20, step).await.unwrap().is_some());
        assert_eq!(
            pending_count(&url).await,
            1,
            "the failing message is kept, never dropped"
        );
    }
);

crate::both_backends!(
    a_step_writes_its_replies_events_and_visits_in_order,
    |url| async move {
        use wabot_app::{OutboundDraft, OutboundKind};
        use wabot_engine::Event;
        let store = DieselStore::open(&url, 2).await.unwrap();
        say_all(&store, "561", &["hi"]).await;
        let step = move |_: &str,
                         _: &wabot_app::CustomerMessage,
                         mut state: ConversationState,
                         _: &mut StepData<'_>| {
            state.version += 1;
            state.node = Some("defect".into());
            let draft = |body: &str| OutboundDraft {
                kind: OutboundKind::Text,
                body: body.into(),
            };
            let node = |id: &str| Event::NodeEntered { node: id.into() };
            Ok(StepRecord {
                state,
                replies: vec![draft("first"), draft("second"), draft("third")],
                // `main` entered twice in one step: its visit is one row.
                events: vec![
                    Event::SessionStarted,
                    node("main"),
                    Event::OptionChosen {
                        node: "main".into(),
                        key: 2,
                    },
                    node("defect"),
                    node("main"),
                ],
                handoff: None,
            })
        };
        let done = store.step_next(noon(), 20, step).await.unwrap().unwrap();
        assert_eq!((done.steps, done.failed.is_none()), (1, true), "{done:?}");
        let (events, visits, queued) = query(&url, |c| {
            use diesel::prelude::*;
            use wabot_store::schema::{menu_events, messages, node_visits, outbox};
            let events = menu_events::table
                .order(menu_events::id)
                .select((
                    menu_events::event,
                    menu_events::node,
                    menu_events::option_key,
                ))
                .load::<(String, Option<String>, Option<i32>)>(c)
                .unwrap();
            let visits = node_visits::table
                .order(node_visits::node)
                .select(node_visits::node)
                .load::<String>(c)
                .unwrap();
            let queued = outbox::table
                .inner_join(messages::table)
                .order(outbox::id)
                .select((
                    messages::body,
                    outbox::origin_at.is_not_null(),
                    outbox::priority,
                ))
                .load::<(String, bool, i32)>(c)
                .unwrap();
            (events, visits, queued)
        })
        .await;
        let event = |name: &str, node: Option<&str>, key: Option<i32>| {
            (name.to_owned(), node.map(str::to_owned), key)
        };
        assert_eq!(
            events,
            [
                event("session_started", None, None),
                event("node_entered", Some("main"), None),
                event("option_chosen", Some("main"), Some(2)),
                event("node_entered", Some("defect"), None),
                event("node_entered", Some("main"), None),
            ]
        );
        assert_eq!(visits, ["defect", "main"]);
        let reply = wabot_app::OutboxPriority::Reply.rank();
        assert_eq!(
            queued,
            [
                ("first".to_owned(), true, reply),
                ("second".to_owned(), true, reply),
                ("third".to_owned(), true, reply),
            ],
            "replies queued in order, as replies to the message"
        );
        assert_eq!(pending_count(&url).await, 0, "the message is done");
        let state = store.session(done.contact_id).await.unwrap().unwrap();
        assert_eq!((state.version, state.node.as_deref()), (1, Some("defect")));
    }
);
