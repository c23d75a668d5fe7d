//! Messages sent by hand: the 24-hour window is checked in the queueing transaction; templates may
//! reach new numbers.

use chrono::TimeDelta;
use wabot_app::{Contacts, ManualMessage, OutboundDraft, OutboundKind, Outbox, Outreach, Queued};
use wabot_store::DieselStore;

use crate::support::{FIRST, LEASE, engine, noon, say};

fn manual(to: &str, window_required: bool) -> ManualMessage {
    ManualMessage {
        to: to.to_owned(),
        draft: OutboundDraft {
            kind: if window_required {
                OutboundKind::Text
            } else {
                OutboundKind::Template
            },
            body: format!(r#"{{"to":"{to}"}}"#),
        },
        window_required,
    }
}

crate::both_backends!(
    text_needs_an_open_window_templates_do_not,
    |url| async move {
        let store = DieselStore::open(&url, 4).await.unwrap();
        say(&store, &engine(), "111", "a1", "hi", noon()).await;
        let page = FIRST;

        // Within the window: queued behind the bot's own reply, for the same sender.
        let within = noon() + TimeDelta::hours(23);
        let Queued::Accepted {
            message_id,
            contact_id,
        } = store
            .queue_message(manual("111", true), within)
            .await
            .unwrap()
        else {
            panic!("queued within the window")
        };
        let history = store.history(contact_id, page).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!((last.id, last.status.as_str()), (message_id, "pending"));

        // After 24 hours, or to someone who never wrote: refused, and nothing stored.
        let after = noon() + TimeDelta::hours(24);
        assert_eq!(
            store
                .queue_message(manual("111", true), after)
                .await
                .unwrap(),
            Queued::OutsideWindow {
                last_inbound_at: Some(noon())
            }
        );
        assert_eq!(
            store
                .queue_message(manual("999", true), after)
                .await
                .unwrap(),
            Queued::OutsideWindow {
                last_inbound_at: None
            }
        );
        assert_eq!(store.list_contacts(page).await.unwrap().len(), 1);

        // A template goes anywhere, creating the contact it is sent to.
        let Queued::Accepted { contact_id, .. } = store
            .queue_message(manual("999", false), after)
            .await
            .unwrap()
        else {
            panic!("a template is always queued")
        };
        let contact = store.contact(contact_id).await.unwrap().unwrap();
        assert_eq!(contact.ids.wa_id.as_deref(), Some("999"));
        assert_eq!(contact.last_inbound_at, None);
        let jobs = store.claim_due("s", after, LEASE, 10).await.unwrap();
        // The bot's reply to 111 (whose manual message waits behind it) and the template to 999.
        assert_eq!(jobs.len(), 2);
        assert!(
            jobs.iter()
                .any(|job| job.contact_id == contact_id && job.origin_at.is_none())
        );
    }
);

crate::both_backends!(
    a_number_written_the_local_way_reaches_the_known_contact,
    |url| async move {
        use wabot_app::ContactRef;
        let store = DieselStore::open(&url, 2).await.unwrap();
        let engine = engine();
        // WhatsApp knows this Brazilian customer with the ninth digit; an operator types it without.
        say(&store, &engine, "5511987654321", "br1", "hi", noon()).await;
        let known = store
            .find_contact(ContactRef::Phone("551187654321".into()))
            .await
            .unwrap();
        assert_eq!(known.unwrap().ids.wa_id.as_deref(), Some("5511987654321"));
        let queued = store
            .queue_message(manual("551187654321", true), noon())
            .await
            .unwrap();
        let Queued::Accepted { contact_id, .. } = queued else {
            panic!("{queued:?}")
        };
        let listed = store.list_contacts(FIRST).await.unwrap();
        assert_eq!(listed.len(), 1, "no second contact for the other form");
        assert_eq!(listed[0].id, contact_id);
        // The manual message (the last queued) goes to the number WhatsApp knows.
        let last_body = crate::support::query(&url, |c| {
            use diesel::prelude::*;
            use wabot_store::schema::{messages, outbox};
            outbox::table
                .inner_join(messages::table)
                .order(outbox::id.desc())
                .select(messages::body)
                .first::<String>(c)
                .unwrap()
        })
        .await;
        let body: serde_json::Value = serde_json::from_str(&last_body).unwrap();
        assert_eq!(body["to"], "5511987654321");
    }
);

/// Sends a template to `to` and records Meta's answer naming the recipient `named`; returns the
/// (only) contact's number afterwards.
async fn send_named(store: &DieselStore, to: &str, named: &str) -> Option<String> {
    store
        .queue_message(manual(to, false), noon())
        .await
        .unwrap();
    let jobs = store.claim_due("s", noon(), LEASE, 10).await.unwrap();
    let sent = wabot_app::SendOutcome::Sent {
        wa_message_id: format!("wamid.{to}.{named}"),
        wa_id: Some(named.to_owned()),
    };
    store
        .record_outcome(&jobs[0], "s", noon(), sent)
        .await
        .unwrap();
    store.list_contacts(FIRST).await.unwrap()[0]
        .ids
        .wa_id
        .clone()
}

crate::both_backends!(
    the_number_meta_names_in_its_answer_is_the_contacts_from_then_on,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        // A template to a Mexican number typed without the mobile 1: a new contact in that form;
        // Meta names WhatsApp's form in its answer, and the contact is known by it from then on.
        let number = send_named(&store, "525512345678", "5215512345678").await;
        assert_eq!(number.as_deref(), Some("5215512345678"));
        // An answer naming a number that is not a form of this one moves nobody.
        let number = send_named(&store, "5215512345678", "15550000000").await;
        assert_eq!(number.as_deref(), Some("5215512345678"));
        // The customer answers from WhatsApp's form: the same contact.
        let engine = engine();
        say(&store, &engine, "5215512345678", "mx1", "hi", noon()).await;
        let listed = store.list_contacts(FIRST).await.unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
    }
);
