//! Customers are people, not numbers: replies go to the number each message came from, a user id
//! (BSUID) seen from a new number moves its contact there, a number written from with another user id
//! belongs to a new person, WhatsApp's number-change notice moves the contact and re-addresses what
//! is queued, and a status carrying only a user id settles its message.

use diesel::prelude::*;
use wabot_app::{
    ContactIds, Contacts, Conversations, DeliveryStatus, IdentityChange, InboundPayload, Inbox,
    MessageStatus, NewInboundItem, OutboundDraft, OutboundKind, Outbox, SendOutcome, StepRecord,
};
use wabot_store::DieselStore;
use wabot_store::schema::{contact_changes, contacts, messages, outbox};

use crate::support::{FIRST, LEASE, engine, event, message_item, noon, query, say_as, status_item};

fn ids(wa_id: Option<&str>, user_id: Option<&str>) -> ContactIds {
    ContactIds {
        wa_id: wa_id.map(str::to_owned),
        user_id: user_id.map(str::to_owned),
    }
}

/// Stores one message from `from` and takes every turn, each step answering with one draft
/// addressed as the worker addresses replies (`CustomerMessage::reply_address`).
async fn say(store: &DieselStore, from: ContactIds, message_id: &str) {
    store
        .ingest(event(
            vec![message_item(from, message_id, "hi", noon())],
            noon(),
        ))
        .await
        .unwrap();
    while let Some(turn) = store
        .step_next(noon(), 20, |customer, message, state, _| {
            Ok(StepRecord {
                state,
                replies: vec![OutboundDraft {
                    kind: OutboundKind::Text,
                    body: serde_json::json!({"to": message.reply_address(customer)}).to_string(),
                }],
                events: vec![],
                handoff: None,
            })
        })
        .await
        .unwrap()
    {
        assert!(turn.failed.is_none(), "{turn:?}");
    }
}

/// Stores WhatsApp's notice (message `key`) that the customer behind `old` moved to `new`.
async fn moved(store: &DieselStore, key: &str, old: ContactIds, new: ContactIds) {
    let notice = NewInboundItem {
        dedupe_key: key.to_owned(),
        contact: old,
        profile_name: None,
        occurred_at: noon(),
        payload: InboundPayload::IdentityChange(IdentityChange { new }),
    };
    store.ingest(event(vec![notice], noon())).await.unwrap();
}

/// Every contact as (wa_id, user_id), by id.
async fn all_contacts(url: &str) -> Vec<(Option<String>, Option<String>)> {
    query(url, |c| {
        contacts::table
            .order(contacts::id)
            .select((contacts::wa_id, contacts::user_id))
            .load(c)
            .unwrap()
    })
    .await
}

/// The recipients of the queued messages, in order.
async fn recipients(url: &str) -> Vec<String> {
    query(url, |c| {
        outbox::table
            .inner_join(messages::table)
            .order(outbox::id)
            .select(messages::body)
            .load::<String>(c)
            .unwrap()
            .iter()
            .map(|body| {
                serde_json::from_str::<serde_json::Value>(body).unwrap()["to"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    })
    .await
}

/// Every recorded change as (change, old, new).
async fn changes(url: &str) -> Vec<(String, Option<String>, Option<String>)> {
    query(url, |c| {
        contact_changes::table
            .order(contact_changes::id)
            .select((
                contact_changes::change,
                contact_changes::old_value,
                contact_changes::new_value,
            ))
            .load(c)
            .unwrap()
    })
    .await
}

crate::both_backends!(
    one_user_id_from_two_numbers_is_answered_at_each,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        say(&store, ids(Some("15550001001"), Some("US.1")), "a1").await;
        say(&store, ids(Some("15550001002"), Some("US.1")), "a2").await;
        assert_eq!(recipients(&url).await, ["15550001001", "15550001002"]);
        assert_eq!(
            all_contacts(&url).await,
            [(Some("15550001002".to_owned()), Some("US.1".to_owned()))],
            "one person, at the number seen last"
        );
        assert_eq!(
            changes(&url).await,
            [(
                "number_changed".to_owned(),
                Some("15550001001".to_owned()),
                Some("15550001002".to_owned())
            )]
        );
    }
);

crate::both_backends!(a_reused_number_is_a_new_person, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    say(&store, ids(Some("15550002001"), Some("US.old")), "b1").await;
    say(&store, ids(Some("15550002001"), Some("US.new")), "b2").await;
    assert_eq!(
        all_contacts(&url).await,
        [
            (None, Some("US.old".to_owned())),
            (Some("15550002001".to_owned()), Some("US.new".to_owned())),
        ]
    );
    let listed = store.list_contacts(FIRST).await.unwrap();
    let (old, new) = (listed[0].id, listed[1].id);
    // The new owner sees nothing of the previous one: their own message only, a session of their own.
    let history = store.history(new, FIRST).await.unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|m| m.status == MessageStatus::Received)
            .count(),
        1
    );
    assert_eq!(store.session(new).await.unwrap().unwrap().version, 0);
    assert_eq!(store.history(old, FIRST).await.unwrap().len(), 2);
    assert_eq!(changes(&url).await[0].0, "number_released");
});

crate::both_backends!(
    a_number_known_without_a_user_id_gains_one,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        say(&store, ids(Some("15550003001"), None), "c1").await;
        say(&store, ids(Some("15550003001"), Some("US.3")), "c2").await;
        assert_eq!(
            all_contacts(&url).await,
            [(Some("15550003001".to_owned()), Some("US.3".to_owned()))]
        );
        // Without a user id, the number still decides (older payloads).
        say(&store, ids(Some("15550003001"), None), "c3").await;
        assert_eq!(all_contacts(&url).await.len(), 1);
        // A username user with no number at all is answered at the user id.
        say(&store, ids(None, Some("US.nophone")), "c4").await;
        assert_eq!(recipients(&url).await.last().unwrap(), "US.nophone");
    }
);

crate::both_backends!(
    a_number_change_moves_the_contact_and_what_is_queued,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        say(&store, ids(Some("15550004001"), Some("US.4")), "d1").await;
        say(&store, ids(Some("15550004001"), Some("US.4")), "d2").await;
        // The first reply is in flight (leased), the second still queued.
        let in_flight = store.claim_due("s", noon(), LEASE, 1).await.unwrap();
        assert_eq!(in_flight.len(), 1);
        moved(
            &store,
            "d-system",
            ids(Some("15550004001"), Some("US.4")),
            ids(Some("15550004999"), None),
        )
        .await;
        assert_eq!(
            recipients(&url).await,
            ["15550004001", "15550004999"],
            "the queued one follows"
        );
        assert_eq!(
            all_contacts(&url).await,
            [(Some("15550004999".to_owned()), Some("US.4".to_owned()))]
        );
        // A message from the new number without a user id finds the same person.
        say(&store, ids(Some("15550004999"), None), "d3").await;
        assert_eq!(all_contacts(&url).await.len(), 1);
        assert_eq!(recipients(&url).await.last().unwrap(), "15550004999");
    }
);

crate::both_backends!(
    a_status_with_only_a_user_id_settles_its_message,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        say(&store, ids(None, Some("US.5")), "e1").await;
        let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
        let sent = SendOutcome::Sent {
            wa_message_id: "wamid.out.e1".to_owned(),
            wa_id: None,
        };
        store
            .record_outcome(&jobs[0], "s", noon(), sent)
            .await
            .unwrap();
        let status = status_item(
            ids(None, Some("US.5")),
            "wamid.out.e1",
            DeliveryStatus::Delivered,
            noon(),
        );
        store.ingest(event(vec![status], noon())).await.unwrap();
        let contact = store.list_contacts(FIRST).await.unwrap()[0].id;
        let out = store.history(contact, FIRST).await.unwrap();
        assert_eq!(
            out[1].status,
            MessageStatus::Delivery(DeliveryStatus::Delivered)
        );
    }
);

crate::both_backends!(business_data_follows_the_person, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    store.seed_demo(noon()).await.unwrap();
    let engine = engine();
    let text = |replies: Vec<wabot_engine::Reply>| {
        replies
            .iter()
            .map(wabot_engine::Reply::to_plain_text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let demo = wabot_engine::DEMO_CUSTOMER;
    let person = ids(Some(demo), Some("US.demo"));
    for (id, said) in [("f1", "hi"), ("f2", "1"), ("f3", "2")] {
        say_as(&store, &engine, person.clone(), id, said, noon()).await;
    }
    let found = text(say_as(&store, &engine, person.clone(), "f4", "ord 1", noon()).await);
    assert!(found.contains("In transit"), "{found}");
    // WhatsApp moves the person to a new number: their orders come along.
    moved(
        &store,
        "f-system",
        person.clone(),
        ids(Some("15559990001"), None),
    )
    .await;
    let moved = ids(Some("15559990001"), Some("US.demo"));
    say_as(&store, &engine, moved.clone(), "f5", "2", noon()).await;
    let found = text(say_as(&store, &engine, moved, "f6", "ord 1", noon()).await);
    assert!(found.contains("In transit"), "{found}");
    // Someone else gets the old number: they see none of it.
    let stranger = ids(Some(demo), Some("US.stranger"));
    for (id, said) in [("f7", "hi"), ("f8", "1"), ("f9", "2")] {
        say_as(&store, &engine, stranger.clone(), id, said, noon()).await;
    }
    let refused = text(say_as(&store, &engine, stranger, "f10", "ord 1", noon()).await);
    assert!(refused.contains("couldn't find order"), "{refused}");
});

crate::both_backends!(a_contact_is_found_by_any_of_its_ids, |url| async move {
    use wabot_app::ContactRef;
    let store = DieselStore::open(&url, 2).await.unwrap();
    say(&store, ids(Some("15550006001"), Some("US.6")), "g1").await;
    let found = |by| {
        let store = store.clone();
        async move { store.find_contact(by).await.unwrap().map(|c| c.id) }
    };
    let id = store.list_contacts(FIRST).await.unwrap()[0].id;
    assert_eq!(
        found(ContactRef::Phone("15550006001".into())).await,
        Some(id)
    );
    assert_eq!(found(ContactRef::UserId("US.6".into())).await, Some(id));
    assert_eq!(found(ContactRef::Id(id)).await, Some(id));
    // An all-digit "number" no contact has is tried as an id.
    assert_eq!(found(ContactRef::Phone(id.to_string())).await, Some(id));
    assert_eq!(found(ContactRef::Phone("15550006999".into())).await, None);
    assert_eq!(found(ContactRef::UserId("US.other".into())).await, None);
});

crate::both_backends!(
    a_number_that_is_all_its_holder_has_stays_with_it,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        // A contact from before user ids at one number, a person with a user id at another.
        say(&store, ids(Some("15550007001"), None), "h1").await;
        say(&store, ids(Some("15550007002"), Some("US.7")), "h2").await;
        // The person writes from the first number: the ingest must not fail (the old contact would be
        // left with no id at all), and the reply still goes where the message came from.
        say(&store, ids(Some("15550007001"), Some("US.7")), "h3").await;
        assert_eq!(
            all_contacts(&url).await,
            [
                (Some("15550007001".to_owned()), None),
                (Some("15550007002".to_owned()), Some("US.7".to_owned())),
            ]
        );
        assert_eq!(recipients(&url).await.last().unwrap(), "15550007001");
        // The same holds for WhatsApp's number-change notice.
        moved(
            &store,
            "h-system",
            ids(Some("15550007002"), Some("US.7")),
            ids(Some("15550007001"), None),
        )
        .await;
        assert_eq!(all_contacts(&url).await.len(), 2);
    }
);

crate::both_backends!(
    a_redelivered_or_late_message_moves_no_number_back,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        let early = noon() - chrono::TimeDelta::minutes(5);
        let first = message_item(ids(Some("15550008001"), Some("US.8")), "k1", "hi", early);
        store
            .ingest(event(vec![first.clone()], early))
            .await
            .unwrap();
        say(&store, ids(Some("15550008002"), Some("US.8")), "k2").await;
        // Meta delivers the first webhook again, and a message from the old number arrives late.
        store.ingest(event(vec![first], noon())).await.unwrap();
        let late = message_item(ids(Some("15550008001"), Some("US.8")), "k0", "hi", early);
        store.ingest(event(vec![late], noon())).await.unwrap();
        assert_eq!(
            all_contacts(&url).await,
            [(Some("15550008002".to_owned()), Some("US.8".to_owned()))]
        );
    }
);

crate::both_backends!(
    a_released_numbers_queued_replies_follow_their_person,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        // The old owner's reply is still queued (its send failed and waits to be tried again)...
        store
            .ingest(event(
                vec![message_item(
                    ids(Some("15550009001"), Some("US.9a")),
                    "m1",
                    "hi",
                    noon(),
                )],
                noon(),
            ))
            .await
            .unwrap();
        store
            .step_next(noon(), 20, |customer, message, state, _| {
                Ok(StepRecord {
                    state,
                    replies: vec![OutboundDraft {
                        kind: OutboundKind::Text,
                        body: serde_json::json!({"to": message.reply_address(customer)})
                            .to_string(),
                    }],
                    events: vec![],
                    handoff: None,
                })
            })
            .await
            .unwrap();
        // ... when a new owner writes from that number: the old owner's reply goes to its user id.
        say(&store, ids(Some("15550009001"), Some("US.9b")), "m2").await;
        assert_eq!(recipients(&url).await, ["US.9a", "15550009001"]);
    }
);
