//! The business's records written from outside (`BusinessRecords`): upserts by business key that
//! count created / updated / unchanged and write nothing for an unchanged record; deletes; a
//! customer's records by any form of its number, never another's; rows linked to an existing
//! contact at once, and to a new one when it first writes; an imported order in the bot's answer.

use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use wabot_app::{
    BusinessRecords, Customer, OrderFields, OrderRecord, ScheduleFields, ScheduleRecord,
    WriteCounts,
};
use wabot_engine::{OrderStatus, Reply, ScheduleStatus};
use wabot_store::DieselStore;
use wabot_store::schema::{orders, schedule_entries};

use crate::support::{engine, noon, query, say};

fn today() -> NaiveDate {
    noon().date_naive()
}

fn order(customer: &str, number: &str, status: &str) -> OrderRecord {
    OrderFields {
        customer: Some(customer.into()),
        order_number: Some(number.into()),
        status: Some(status.into()),
        items: Some("2x chair".into()),
        expected_delivery: Some("2026-12-24".into()),
        ..OrderFields::default()
    }
    .check("ORD")
    .unwrap()
}

fn entry(reference: &str, customer: &str, starts: &str) -> ScheduleRecord {
    ScheduleFields {
        reference: Some(reference.into()),
        customer: Some(customer.into()),
        kind: Some("delivery".into()),
        date: Some(today().to_string()),
        starts: Some(starts.into()),
        ends: Some("18:00".into()),
        ..ScheduleFields::default()
    }
    .check()
    .unwrap()
}

fn counts(created: u64, updated: u64, unchanged: u64) -> WriteCounts {
    WriteCounts {
        created,
        updated,
        unchanged,
    }
}

/// Every order row as stored, in number order (to see that nothing moved).
async fn order_rows(url: &str) -> Vec<(String, String, String, Option<String>)> {
    query(url, |c| {
        orders::table
            .order(orders::number)
            .select((
                orders::number,
                orders::status,
                orders::placed_on,
                orders::tracking_url,
            ))
            .load(c)
            .unwrap()
    })
    .await
}

crate::both_backends!(orders_upsert_by_number, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let first = vec![
        order("+1 555 123 4567", "ORD-1", "processing"),
        order("15551234567", "ord 2", "shipped"),
    ];
    let written = store.put_orders(first.clone(), today()).await.unwrap();
    assert_eq!(written, counts(2, 0, 0));
    let before = order_rows(&url).await;
    assert_eq!(
        before[0].2,
        today().to_string(),
        "a new order without placed_on is today's"
    );

    // The same records again, a day later: nothing written, placed_on kept.
    let tomorrow = today().succ_opt().unwrap();
    let again = store.put_orders(first, tomorrow).await.unwrap();
    assert_eq!(again, counts(0, 0, 2));
    assert_eq!(order_rows(&url).await, before);

    // One changed, one new.
    let mut shipped = order("15551234567", "ORD-001", "shipped");
    shipped.order.tracking_url = Some("https://track.example/1".into());
    let changed = vec![shipped, order("15551234567", "ORD-3", "delivered")];
    assert_eq!(
        store.put_orders(changed, tomorrow).await.unwrap(),
        counts(1, 1, 0)
    );
    let stored = store.stored_order("ORD-001").await.unwrap().unwrap();
    assert_eq!(stored.order.status, OrderStatus::Shipped);
    assert_eq!(stored.order.placed_on, today());
    assert_eq!(
        stored.order.tracking_url.as_deref(),
        Some("https://track.example/1")
    );
    assert_eq!(stored.customer, "15551234567");

    assert!(store.delete_order("ORD-003").await.unwrap());
    assert!(!store.delete_order("ORD-003").await.unwrap());
    assert!(store.stored_order("ORD-003").await.unwrap().is_none());
    assert_eq!(order_rows(&url).await.len(), 2);
});

crate::both_backends!(a_customers_orders_and_no_one_elses, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let brazil_with_nine = "5511987654321";
    let records = vec![
        order(brazil_with_nine, "ORD-10", "shipped"),
        order("US.13491208655302741918", "ORD-11", "shipped"),
        order("15550000000", "ORD-12", "shipped"),
    ];
    store.put_orders(records, today()).await.unwrap();
    // The number written the other way finds the same orders.
    let other_form = Customer::Phone("551187654321".into());
    let mine = store.customer_orders(&other_form, 50).await.unwrap();
    let numbers: Vec<&str> = mine.iter().map(|o| o.order.number.as_str()).collect();
    assert_eq!(numbers, ["ORD-010"]);
    let by_id = Customer::UserId("US.13491208655302741918".into());
    let theirs = store.customer_orders(&by_id, 50).await.unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].order.number, "ORD-011");
    let nobody = Customer::Phone("15559999999".into());
    assert!(store.customer_orders(&nobody, 50).await.unwrap().is_empty());

    // The customer writes from the number's other form: the next write of the order links it.
    say(&store, &engine(), "551187654321", "wamid.br", "hi", noon()).await;
    let again = vec![order(brazil_with_nine, "ORD-10", "shipped")];
    assert_eq!(
        store.put_orders(again.clone(), today()).await.unwrap(),
        counts(0, 1, 0)
    );
    let linked = store.stored_order("ORD-010").await.unwrap().unwrap();
    assert!(linked.contact_id.is_some());
    assert_eq!(
        store.put_orders(again, today()).await.unwrap(),
        counts(0, 0, 1)
    );
});

crate::both_backends!(schedule_upsert_by_reference, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let entries = vec![
        entry("V-1", "15551234567", "09:00"),
        entry("V-2", "15551234567", "08:00"),
    ];
    assert_eq!(
        store.put_schedule(entries.clone()).await.unwrap(),
        counts(2, 0, 0)
    );
    assert_eq!(store.put_schedule(entries).await.unwrap(), counts(0, 0, 2));
    let mut moved = entry("V-1", "15551234567", "10:00");
    moved.entry.status = ScheduleStatus::Confirmed;
    assert_eq!(
        store.put_schedule(vec![moved]).await.unwrap(),
        counts(0, 1, 0)
    );

    let customer = Customer::Phone("15551234567".into());
    let listed = store.customer_schedule(&customer, 50).await.unwrap();
    let refs: Vec<_> = listed.iter().map(|e| e.reference.as_deref()).collect();
    assert_eq!(refs, [Some("V-2"), Some("V-1")], "in time order");
    let v1 = store.stored_schedule_entry("V-1").await.unwrap().unwrap();
    assert_eq!(v1.entry.starts, NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    assert_eq!(v1.entry.status, ScheduleStatus::Confirmed);

    assert!(store.delete_schedule_entry("V-2").await.unwrap());
    assert!(!store.delete_schedule_entry("V-2").await.unwrap());
    let left: i64 = query(&url, |c| {
        schedule_entries::table.count().get_result(c).unwrap()
    })
    .await;
    assert_eq!(left, 1);
});

crate::both_backends!(imported_orders_reach_the_customer, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let engine = engine();
    // A customer who already wrote: the order is linked to them at once.
    say(&store, &engine, "15551112222", "wamid.a1", "hi", noon()).await;
    let mut known = order("+1 555 111 2222", "ORD-21", "in_transit");
    known.order.tracking_url = Some("https://track.example/21".into());
    // A customer who never wrote: linked when they first do.
    let later = order("15553334444", "ORD-22", "processing");
    store.put_orders(vec![known, later], today()).await.unwrap();
    let linked = store.stored_order("ORD-021").await.unwrap().unwrap();
    assert!(linked.contact_id.is_some());
    assert!(
        store
            .stored_order("ORD-022")
            .await
            .unwrap()
            .unwrap()
            .contact_id
            .is_none()
    );

    // Menu → 1 Order Status → 2 Track order → the number, as customers type it.
    for (n, text) in ["1", "2"].iter().enumerate() {
        say(
            &store,
            &engine,
            "15551112222",
            &format!("wamid.b{n}"),
            text,
            noon(),
        )
        .await;
    }
    let replies = say(&store, &engine, "15551112222", "wamid.c", "ord 21", noon()).await;
    let text = replies_text(&replies);
    assert!(text.contains("ORD-021"), "{text}");
    assert!(text.contains("https://track.example/21"), "{text}");

    say(&store, &engine, "15553334444", "wamid.d", "hi", noon()).await;
    let adopted = store.stored_order("ORD-022").await.unwrap().unwrap();
    assert!(
        adopted.contact_id.is_some(),
        "adopted when the customer first wrote"
    );
});

fn replies_text(replies: &[Reply]) -> String {
    replies
        .iter()
        .map(|reply| format!("{reply:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}
