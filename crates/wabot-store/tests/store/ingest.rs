//! Ingest: idempotent by unique keys, contacts found by either id, statuses applied or kept.

use diesel::prelude::*;
use wabot_app::{ContactIds, ContactSummary, Contacts, Conversations, DeliveryStatus, Inbox, Page};
use wabot_store::DieselStore;

use crate::support::{FIRST, event, message_item, noon, phone, status_item};

crate::both_backends!(
    the_same_webhook_five_times_gives_one_set_of_items,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let items = vec![
            message_item(phone("111"), "wamid.A", "hi", noon()),
            message_item(phone("111"), "wamid.B", "1", noon()),
            message_item(phone("222"), "wamid.C", "hello", noon()),
        ];
        let first = store.ingest(event(items.clone(), noon())).await.unwrap();
        assert_eq!((first.new_items, first.duplicates), (3, 0));
        for _ in 0..4 {
            let again = store.ingest(event(items.clone(), noon())).await.unwrap();
            assert_eq!((again.new_items, again.duplicates), (0, 3));
        }
        let contacts = store
            .list_contacts(Page {
                limit: 10,
                after: None,
            })
            .await
            .unwrap();
        assert_eq!(contacts.len(), 2);
        let history = store
            .history(
                contacts[0].id,
                Page {
                    limit: 10,
                    after: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(history.len(), 2, "one inbound message row per message id");
        // Every delivery of the event itself is kept (5 raw events), each with its items counted once.
        // Each records what it brought: the first new items (to be processed), the re-deliveries
        // nothing new (processed at once).
        let events: Vec<(Option<String>, bool)> = crate::support::query(&url, |c| {
            use wabot_store::schema::webhook_events::dsl::*;
            webhook_events
                .order(id)
                .select((outcome, processed_at.is_not_null()))
                .load(c)
                .unwrap()
        })
        .await;
        assert_eq!(events.len(), 5);
        assert_eq!(events[0], (Some("new_items".into()), false));
        assert!(
            events[1..]
                .iter()
                .all(|e| *e == (Some("duplicate".into()), true))
        );
    }
);

crate::both_backends!(
    a_contact_known_first_by_user_id_then_by_phone_is_one_contact,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        let bsuid = ContactIds {
            wa_id: None,
            user_id: Some("US.1".into()),
        };
        let both = ContactIds {
            wa_id: Some("333".into()),
            user_id: Some("US.1".into()),
        };
        store
            .ingest(event(
                vec![message_item(bsuid, "wamid.1", "hi", noon())],
                noon(),
            ))
            .await
            .unwrap();
        store
            .ingest(event(
                vec![message_item(both, "wamid.2", "hi", noon())],
                noon(),
            ))
            .await
            .unwrap();
        store
            .ingest(event(
                vec![message_item(phone("333"), "wamid.3", "hi", noon())],
                noon(),
            ))
            .await
            .unwrap();
        let contacts = store
            .list_contacts(Page {
                limit: 10,
                after: None,
            })
            .await
            .unwrap();
        assert_eq!(contacts.len(), 1, "{contacts:?}");
        assert_eq!(
            contacts[0].ids,
            ContactIds {
                wa_id: Some("333".into()),
                user_id: Some("US.1".into())
            }
        );
        assert_eq!(contacts[0].profile_name.as_deref(), Some("Ana"));
        assert_eq!(contacts[0].last_inbound_at, Some(noon()));
    }
);

crate::both_backends!(
    a_status_for_an_unknown_message_stays_pending,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        let receipt = store
            .ingest(event(
                vec![status_item(
                    phone("111"),
                    "wamid.OUT",
                    DeliveryStatus::Delivered,
                    noon(),
                )],
                noon(),
            ))
            .await
            .unwrap();
        assert_eq!(receipt.new_items, 1);
        let pending: i64 = crate::support::query(&url, |c| {
            use wabot_store::schema::inbound_items;
            let pending = inbound_items::table.filter(inbound_items::state.eq("pending"));
            pending.count().get_result(c).unwrap()
        })
        .await;
        assert_eq!(pending, 1);
        // A status item is never handed to the conversation workers.
        let turn = store
            .step_next(noon(), 10, |_, _, _, _| {
                Err(wabot_app::StoreError::invalid(
                    "a status is not a conversation step",
                ))
            })
            .await
            .unwrap();
        assert!(turn.is_none(), "{turn:?}");
    }
);

crate::both_backends!(
    a_bad_event_among_concurrent_ingests_fails_alone,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..50 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let contact = if n == 25 {
                    ContactIds::default()
                } else {
                    phone(&format!("7{n:03}"))
                };
                store
                    .ingest(event(
                        vec![message_item(contact, &format!("g{n}"), "hi", noon())],
                        noon(),
                    ))
                    .await
            }));
        }
        let mut failures = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(receipt) => assert_eq!(receipt.new_items, 1),
                Err(error) => {
                    failures += 1;
                    assert!(
                        error.to_string().contains("without any contact id"),
                        "{error}"
                    );
                }
            }
        }
        assert_eq!(failures, 1);
        let contacts = store
            .list_contacts(Page {
                limit: 100,
                after: None,
            })
            .await
            .unwrap();
        assert_eq!(contacts.len(), 49);
    }
);

crate::both_backends!(
    the_latest_messages_are_the_last_ones_oldest_first,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        let items: Vec<_> = (0..5)
            .map(|n| {
                message_item(
                    phone("333"),
                    &format!("wamid.L{n}"),
                    &format!("m{n}"),
                    noon(),
                )
            })
            .collect();
        store.ingest(event(items, noon())).await.unwrap();
        let contact = store
            .list_contacts(Page {
                limit: 10,
                after: None,
            })
            .await
            .unwrap()[0]
            .id;
        let all = store
            .history(
                contact,
                Page {
                    limit: 10,
                    after: None,
                },
            )
            .await
            .unwrap();
        let latest = store.latest_messages(contact, 2).await.unwrap();
        let ids = |messages: &[wabot_app::MessageRecord]| {
            messages.iter().map(|m| m.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&latest), ids(&all[3..]));
        assert_eq!(
            ids(&store.latest_messages(contact, 50).await.unwrap()),
            ids(&all)
        );
    }
);

crate::both_backends!(
    only_a_later_message_moves_the_24_hour_window_and_a_name_stays_until_meta_sends_another,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        let hours = |n| noon() + chrono::TimeDelta::hours(n);
        let say = |item: wabot_app::NewInboundItem, at| {
            let store = store.clone();
            async move {
                store.ingest(event(vec![item], at)).await.unwrap();
                store.list_contacts(FIRST).await.unwrap().remove(0)
            }
        };
        let times = |contact: ContactSummary| (contact.last_inbound_at, contact.last_seen_at);
        let message = |id: &str, at| message_item(phone("444"), id, "hi", at);
        let first = message("wamid.W1", hours(0));
        assert_eq!(say(first, hours(0)).await.last_inbound_at, Some(hours(0)));
        // Meta delivers an older message late: the window stays where the newer one opened it.
        let late = message("wamid.W0", hours(-1));
        assert_eq!(say(late, hours(-1)).await.last_inbound_at, Some(hours(0)));
        // A status is no message from the customer: seen, but the window does not move.
        let status = status_item(phone("444"), "wamid.OUT", DeliveryStatus::Read, hours(1));
        assert_eq!(
            times(say(status, hours(1)).await),
            (Some(hours(0)), hours(1))
        );
        // A later message moves it, and a new profile name comes with it; none keeps the old one.
        let mut renamed = message("wamid.W2", hours(2));
        renamed.profile_name = Some("Ana Maria".into());
        assert_eq!(
            times(say(renamed, hours(2)).await),
            (Some(hours(2)), hours(2))
        );
        let mut unnamed = message("wamid.W3", hours(3));
        unnamed.profile_name = None;
        let contact = say(unnamed, hours(3)).await;
        assert_eq!(contact.profile_name.as_deref(), Some("Ana Maria"));
        assert_eq!(times(contact), (Some(hours(3)), hours(3)));
    }
);
