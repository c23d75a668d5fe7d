//! An operator's status change and the customer's notification: one transaction — the status, the
//! history row and the outbox rows together; what the notifier is told (the customer's key, their
//! conversation state and whether their window is open); a ticket without a contact is moved but
//! nobody is written to.

use std::sync::{Arc, Mutex};

use chrono::TimeDelta;
use diesel::prelude::*;
use wabot_app::{
    NoticeContext, Notification, Notified, OutboundDraft, OutboundKind, TicketDesk, TicketUpdate,
    TicketUpdates,
};
use wabot_engine::TicketStatus;
use wabot_store::DieselStore;
use wabot_store::schema::{contacts, defect_ticket_history, defect_tickets, messages, outbox};

use crate::support::{noon, query};

/// Contact 1 wrote an hour before noon (window open at noon), contact 2 two days before (closed);
/// ticket n belongs to contact n, ticket 3 to nobody.
fn write(connection: &mut wabot_store::AnyConnection) {
    let at = noon().naive_utc();
    for (id, wrote) in [(1_i64, TimeDelta::hours(1)), (2, TimeDelta::days(2))] {
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(id),
                contacts::wa_id.eq(format!("3460000000{id}")),
                contacts::first_seen_at.eq(at - wrote),
                contacts::last_seen_at.eq(at - wrote),
                contacts::last_inbound_at.eq(at - wrote),
            ))
            .execute(connection)
            .unwrap();
    }
    for (id, contact) in [(1_i64, Some(1_i64)), (2, Some(2)), (3, None)] {
        diesel::insert_into(defect_tickets::table)
            .values((
                defect_tickets::id.eq(id),
                defect_tickets::reference.eq(format!("DEF-{id:03}")),
                defect_tickets::customer.eq(format!("3460000000{id}")),
                defect_tickets::contact_id.eq(contact),
                defect_tickets::description.eq("scratched door"),
                defect_tickets::status.eq(TicketStatus::Open.as_str()),
                defect_tickets::opened_at.eq(at - TimeDelta::days(3)),
            ))
            .execute(connection)
            .unwrap();
    }
}

fn update(ticket_id: i64) -> TicketUpdate {
    TicketUpdate {
        ticket_id,
        status: TicketStatus::AwaitingParts,
        note: Some("part ordered".into()),
        by: "ana".into(),
        at: noon(),
    }
}

/// A notifier that records what it was told and answers with one text draft.
fn recording(seen: Arc<Mutex<Vec<NoticeContext>>>) -> impl FnOnce(&NoticeContext) -> Notification {
    move |context| {
        seen.lock().unwrap().push(context.clone());
        Notification {
            notified: Notified::Text,
            drafts: vec![OutboundDraft {
                kind: OutboundKind::Text,
                body: format!(r#"{{"to":"x","text":{{"body":"{}"}}}}"#, context.reference),
            }],
        }
    }
}

fn outbox_bodies(connection: &mut wabot_store::AnyConnection) -> Vec<(i64, String)> {
    outbox::table
        .inner_join(messages::table)
        .select((outbox::contact_id, messages::body))
        .order(outbox::id)
        .load(connection)
        .unwrap()
}

crate::both_backends!(
    a_status_change_queues_the_notification_with_it,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        query(&url, write).await;
        let seen = Arc::new(Mutex::new(Vec::new()));

        let changed = store
            .change_status(update(1), recording(Arc::clone(&seen)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(changed.reference, "DEF-001");
        assert_eq!(changed.previous, TicketStatus::Open);
        assert_eq!(changed.notified, Notified::Text);
        assert_eq!(changed.message_ids.len(), 1);
        store
            .change_status(update(2), recording(Arc::clone(&seen)))
            .await
            .unwrap()
            .unwrap();
        store
            .change_status(update(3), recording(Arc::clone(&seen)))
            .await
            .unwrap()
            .unwrap();

        let seen = seen.lock().unwrap().clone();
        let told: Vec<_> = seen
            .iter()
            .map(|c| {
                let key = c.customer.as_ref().map(|(state, key)| {
                    assert_eq!(&state.customer, key);
                    key.clone()
                });
                (c.reference.as_str(), c.previous, key, c.window_open)
            })
            .collect();
        assert_eq!(
            told,
            vec![
                (
                    "DEF-001",
                    TicketStatus::Open,
                    Some("34600000001".into()),
                    true
                ),
                (
                    "DEF-002",
                    TicketStatus::Open,
                    Some("34600000002".into()),
                    false
                ),
                ("DEF-003", TicketStatus::Open, None, false),
            ]
        );
        // One outbox row per ticket with a contact, queued to that contact.
        let rows = query(&url, outbox_bodies).await;
        assert_eq!(
            rows,
            vec![
                (1, r#"{"to":"x","text":{"body":"DEF-001"}}"#.to_owned()),
                (2, r#"{"to":"x","text":{"body":"DEF-002"}}"#.to_owned()),
            ]
        );
        let detail = store.ticket(3).await.unwrap().unwrap();
        assert_eq!(detail.ticket.status, TicketStatus::AwaitingParts);
        assert_eq!(
            detail
                .history
                .last()
                .and_then(|h| h.note.clone())
                .as_deref(),
            Some("part ordered — by ana")
        );
    }
);

crate::both_backends!(
    a_failed_change_leaves_no_notification_behind,
    |url| async move {
        let store = DieselStore::open(&url, 2).await.unwrap();
        query(&url, write).await;
        // The daily figures gone: queueing fails after the status, the history row and the outbox
        // row were written (a past day's figures are dropped last); all of it must roll back.
        query(&url, |c| {
            diesel::sql_query("DROP TABLE daily_figures")
                .execute(c)
                .unwrap()
        })
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        assert!(
            store
                .change_status(update(1), recording(seen))
                .await
                .is_err()
        );
        let status: String = query(&url, |c| {
            defect_tickets::table
                .find(1_i64)
                .select(defect_tickets::status)
                .first(c)
                .unwrap()
        })
        .await;
        assert_eq!(status, TicketStatus::Open.as_str());
        assert!(query(&url, outbox_bodies).await.is_empty());
        let history: i64 = query(&url, |c| {
            defect_ticket_history::table.count().get_result(c).unwrap()
        })
        .await;
        assert_eq!(history, 0);
    }
);

crate::both_backends!(two_changes_at_once_each_see_the_other, |url| async move {
    let store = DieselStore::open(&url, 4).await.unwrap();
    query(&url, write).await;
    let change = |status| {
        let store = store.clone();
        let update = TicketUpdate {
            status,
            ..update(1)
        };
        tokio::spawn(async move {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let changed = store.change_status(update, recording(seen)).await.unwrap();
            (status, changed.unwrap().previous)
        })
    };
    let (a, b) = (
        change(TicketStatus::InReview),
        change(TicketStatus::Resolved),
    );
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    // One went first and saw `open`; the other saw the status the first left.
    assert!(
        (a.1 == TicketStatus::Open && b.1 == a.0) || (b.1 == TicketStatus::Open && a.1 == b.0),
        "{a:?} {b:?}"
    );
});
