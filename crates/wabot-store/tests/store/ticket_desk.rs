//! The console's ticket desk: the list newest first, by status and paged by id; the counts by
//! status; one ticket with its history and the order it names (only the reporter's own order); an
//! operator's status change, kept in the history with who made it.

use chrono::TimeDelta;
use diesel::prelude::*;
use wabot_app::{
    NotNotified, Notification, Notified, StatusChanged, StoreError, TicketDesk, TicketSummary,
    TicketUpdate, TicketUpdates,
};
use wabot_engine::{OrderStatus, TicketStatus};
use wabot_store::DieselStore;
use wabot_store::schema::{contacts, defect_ticket_history, defect_tickets, orders};

use crate::support::{noon, query};

fn write(connection: &mut wabot_store::AnyConnection) {
    let at = noon().naive_utc();
    for id in [1_i64, 2] {
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(id),
                contacts::wa_id.eq(format!("55{id}")),
                contacts::first_seen_at.eq(at),
                contacts::last_seen_at.eq(at),
            ))
            .execute(connection)
            .unwrap();
    }
    // Both contacts have an order; only contact 1's is "A-1".
    for (contact, number) in [(1_i64, "A-1"), (2, "B-1")] {
        diesel::insert_into(orders::table)
            .values((
                orders::customer.eq(format!("55{contact}")),
                orders::contact_id.eq(contact),
                orders::number.eq(number),
                orders::status.eq(OrderStatus::Shipped.as_str()),
                orders::items.eq("1x chair"),
                orders::placed_on.eq("2026-11-20"),
            ))
            .execute(connection)
            .unwrap();
    }
    let tickets = [
        (1_i64, Some("A-1"), TicketStatus::Open),
        (2, Some("A-1"), TicketStatus::Open), // not contact 2's order
        (1, None, TicketStatus::Resolved),
        (2, Some("B-1"), TicketStatus::Open),
        (1, Some("A-1"), TicketStatus::InReview),
    ];
    for (n, (contact, order, status)) in tickets.into_iter().enumerate() {
        let opened = at + TimeDelta::minutes(n as i64);
        diesel::insert_into(defect_tickets::table)
            .values((
                defect_tickets::id.eq(n as i64 + 1),
                defect_tickets::reference.eq(format!("DEF-{:03}", n + 1)),
                defect_tickets::customer.eq(format!("55{contact}")),
                defect_tickets::contact_id.eq(contact),
                defect_tickets::order_number.eq(order),
                defect_tickets::description.eq("wobbly leg"),
                defect_tickets::status.eq(status.as_str()),
                defect_tickets::opened_at.eq(opened),
            ))
            .execute(connection)
            .unwrap();
        diesel::insert_into(defect_ticket_history::table)
            .values((
                defect_ticket_history::ticket_id.eq(n as i64 + 1),
                defect_ticket_history::status.eq(TicketStatus::Open.as_str()),
                defect_ticket_history::at.eq(opened),
            ))
            .execute(connection)
            .unwrap();
    }
}

/// A status change that tells nobody (what the customer hears is `ticket_updates`'s test).
async fn silently(
    store: &DieselStore,
    update: TicketUpdate,
) -> Result<Option<StatusChanged>, StoreError> {
    store
        .change_status(update, |_| Notification {
            notified: Notified::NotNotified(NotNotified::NoContact),
            drafts: Vec::new(),
        })
        .await
}

fn ids(tickets: &[TicketSummary]) -> Vec<i64> {
    tickets.iter().map(|t| t.id).collect()
}

crate::both_backends!(tickets_list_show_and_change, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    query(&url, write).await;

    assert_eq!(
        ids(&store.tickets(None, None, 50).await.unwrap()),
        vec![5, 4, 3, 2, 1]
    );
    let open = Some(TicketStatus::Open);
    assert_eq!(
        ids(&store.tickets(open, None, 2).await.unwrap()),
        vec![4, 2]
    );
    assert_eq!(
        ids(&store.tickets(open, Some(2), 2).await.unwrap()),
        vec![1]
    );
    assert!(store.tickets(open, Some(1), 2).await.unwrap().is_empty());
    let mut counts = store.ticket_counts().await.unwrap();
    counts.sort_by_key(|(status, _)| status.as_str());
    assert_eq!(
        counts,
        vec![
            (TicketStatus::InReview, 1),
            (TicketStatus::Open, 3),
            (TicketStatus::Resolved, 1),
        ]
    );

    let one = store.ticket(1).await.unwrap().unwrap();
    assert_eq!(
        (
            one.ticket.reference.as_str(),
            one.ticket.contact_id,
            one.ticket.customer.as_str()
        ),
        ("DEF-001", Some(1), "551")
    );
    assert_eq!(one.order.as_ref().map(|o| o.number.as_str()), Some("A-1"));
    assert_eq!(one.history.len(), 1);
    // Contact 2 names an order that is contact 1's: no order is shown.
    assert_eq!(store.ticket(2).await.unwrap().unwrap().order, None);
    assert_eq!(store.ticket(3).await.unwrap().unwrap().order, None);
    assert!(store.ticket(99).await.unwrap().is_none());

    let later = noon() + TimeDelta::hours(2);
    let update = |status, note: Option<&str>| TicketUpdate {
        ticket_id: 1,
        status,
        note: note.map(str::to_owned),
        by: "ana".into(),
        at: later,
    };
    let changed = silently(
        &store,
        update(TicketStatus::InReview, Some("called the customer")),
    );
    assert_eq!(changed.await.unwrap().unwrap().previous, TicketStatus::Open);
    let again = silently(&store, update(TicketStatus::InReview, None));
    assert_eq!(
        again.await.unwrap().unwrap().previous,
        TicketStatus::InReview
    );
    let detail = store.ticket(1).await.unwrap().unwrap();
    assert_eq!(detail.ticket.status, TicketStatus::InReview);
    let history: Vec<_> = detail
        .history
        .iter()
        .map(|h| (h.status, h.at, h.note.as_deref()))
        .collect();
    assert_eq!(
        history,
        vec![
            (TicketStatus::Open, noon(), None),
            (
                TicketStatus::InReview,
                later,
                Some("called the customer — by ana")
            ),
            (TicketStatus::InReview, later, Some("by ana")),
        ]
    );
    let missing = TicketUpdate {
        ticket_id: 99,
        ..update(TicketStatus::Closed, None)
    };
    assert!(silently(&store, missing).await.unwrap().is_none());
    assert_eq!(store.ticket_id("DEF-002").await.unwrap(), Some(2));
    assert_eq!(store.ticket_id("DEF-999").await.unwrap(), None);
    assert_eq!(
        ids(&store
            .tickets(Some(TicketStatus::InReview), None, 50)
            .await
            .unwrap()),
        vec![5, 1]
    );
});
