//! The console's conversation list: newest activity first, paged by cursor without gaps or repeats
//! (ties on `last_seen_at` included), searched by name in any case or by number, wildcards taken
//! literally, filtered by node and by when the customer last wrote; each row's latest message; a
//! contact's identity changes, oldest first.

use chrono::{NaiveDateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use wabot_app::{
    ActivityCursor, ConversationFilter, ConversationRow, ConversationsView, Direction,
};
use wabot_store::DieselStore;
use wabot_store::schema::{contact_changes, contacts, messages, sessions};

use crate::support::query;

fn t(minute: i64) -> NaiveDateTime {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .unwrap()
        .naive_utc()
        + TimeDelta::minutes(minute)
}

/// (id, name, wa_id, user_id, last seen minute, last inbound minute, node)
type Person = (
    i64,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    i64,
    Option<i64>,
    Option<&'static str>,
);

const PEOPLE: [Person; 7] = [
    (
        1,
        Some("Ana Souza"),
        Some("5511999990001"),
        None,
        10,
        Some(10),
        Some("main"),
    ),
    (
        2,
        Some("JOÃO ANAGRAMA"),
        Some("5511999990002"),
        None,
        30,
        Some(5),
        Some("orders"),
    ),
    (
        3,
        Some("Bruno"),
        Some("5521988880003"),
        Some("BR.ANA42"),
        30,
        None,
        Some("orders"),
    ),
    (
        4,
        Some("50% off_shop"),
        Some("5531977770004"),
        None,
        20,
        Some(20),
        None,
    ),
    (5, None, None, Some("US.77"), 40, Some(40), Some("main")),
    (
        6,
        Some("Carla"),
        Some("5541966660006"),
        None,
        30,
        Some(30),
        Some("main"),
    ),
    (7, Some("Zé"), Some("5551955550007"), None, 0, Some(0), None),
];

fn write(connection: &mut wabot_store::AnyConnection) {
    for (id, name, wa_id, user_id, seen, wrote, node) in PEOPLE {
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(id),
                contacts::wa_id.eq(wa_id),
                contacts::user_id.eq(user_id),
                contacts::profile_name.eq(name),
                contacts::first_seen_at.eq(t(0)),
                contacts::last_seen_at.eq(t(seen)),
                contacts::last_inbound_at.eq(wrote.map(t)),
            ))
            .execute(connection)
            .unwrap();
        if id != 7 {
            diesel::insert_into(sessions::table)
                .values((
                    sessions::contact_id.eq(id),
                    sessions::state.eq("{}"),
                    sessions::version.eq(1),
                    sessions::updated_at.eq(t(seen)),
                    sessions::node.eq(node),
                ))
                .execute(connection)
                .unwrap();
        }
        // Contact n has n messages, alternating, the last one inbound when n is odd; 7 has none.
        for m in 0..(if id == 7 { 0 } else { id }) {
            let direction = if m % 2 == 0 { "in" } else { "out" };
            diesel::insert_into(messages::table)
                .values((
                    messages::contact_id.eq(id),
                    messages::direction.eq(direction),
                    messages::kind.eq(if m == id - 1 { "interactive" } else { "text" }),
                    messages::body.eq("{}"),
                    messages::status.eq(if direction == "in" {
                        "received"
                    } else {
                        "sent"
                    }),
                    messages::status_rank.eq(1),
                    messages::created_at.eq(t(m)),
                ))
                .execute(connection)
                .unwrap();
        }
    }
    for (change, old, new, minute) in [
        ("user_id_changed", None, Some("US.77"), 3),
        ("number_changed", Some("5511000"), Some("5511999"), 1),
    ] {
        diesel::insert_into(contact_changes::table)
            .values((
                contact_changes::contact_id.eq(5),
                contact_changes::change.eq(change),
                contact_changes::old_value.eq(old),
                contact_changes::new_value.eq(new),
                contact_changes::at.eq(t(minute)),
            ))
            .execute(connection)
            .unwrap();
    }
}

fn ids(rows: &[ConversationRow]) -> Vec<i64> {
    rows.iter().map(|row| row.contact.id).collect()
}

fn search(text: &str) -> ConversationFilter {
    ConversationFilter {
        search: Some(text.to_owned()),
        ..ConversationFilter::default()
    }
}

crate::both_backends!(conversations_page_search_and_filter, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    query(&url, write).await;
    // Newest activity first; the three at minute 30 by id, highest first.
    let all = store
        .conversations(ConversationFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(ids(&all), vec![5, 6, 3, 2, 4, 1, 7]);
    // Pages of two, each after the last row of the one before, give the same rows once each.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .conversations(ConversationFilter::default(), after, 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(ActivityCursor {
            last_seen_at: last.contact.last_seen_at,
            contact_id: last.contact.id,
        });
        paged.extend(ids(&page));
    }
    assert_eq!(paged, ids(&all));

    // The node and the latest message of each row.
    let five = &all[0];
    assert_eq!(five.node.as_deref(), Some("main"));
    let last = five.last_message.as_ref().unwrap();
    assert_eq!(
        (last.direction, last.kind.as_str(), last.created_at),
        (Direction::In, "interactive", t(4).and_utc())
    );
    let two = all.iter().find(|row| row.contact.id == 2).unwrap();
    assert_eq!(two.last_message.as_ref().unwrap().direction, Direction::Out);
    let seven = all.last().unwrap();
    assert_eq!((&seven.node, &seven.last_message), (&None, &None));

    // A name in any case, a part of a number, a user id; wildcards match themselves.
    let found = |text: &'static str| {
        let store = store.clone();
        async move { ids(&store.conversations(search(text), None, 100).await.unwrap()) }
    };
    assert_eq!(found("ana").await, vec![3, 2, 1]);
    assert_eq!(found(" SOUZA ").await, vec![1]);
    assert_eq!(found("99990").await, vec![2, 1]);
    assert_eq!(found("us.7").await, vec![5]);
    assert_eq!(found("%").await, vec![4]);
    assert_eq!(found("f_s").await, vec![4]);
    assert_eq!(found("nobody").await, Vec::<i64>::new());
    assert_eq!(found("").await, ids(&all));

    // By node, and by when the customer last wrote; combined with a search and a cursor.
    let at_orders = ConversationFilter {
        node: Some("orders".into()),
        ..ConversationFilter::default()
    };
    let orders = store.conversations(at_orders.clone(), None, 100).await;
    assert_eq!(ids(&orders.unwrap()), vec![3, 2]);
    let after_three = ActivityCursor {
        last_seen_at: t(30).and_utc(),
        contact_id: 3,
    };
    let rest = store.conversations(at_orders, Some(after_three), 100).await;
    assert_eq!(ids(&rest.unwrap()), vec![2]);
    let recent = ConversationFilter {
        wrote_since: Some(t(20).and_utc()),
        ..ConversationFilter::default()
    };
    let wrote = store.conversations(recent, None, 100).await.unwrap();
    assert_eq!(ids(&wrote), vec![5, 6, 4]);
    let combined = ConversationFilter {
        search: Some("a".into()),
        node: Some("main".into()),
        wrote_since: Some(t(10).and_utc()),
    };
    let both = store.conversations(combined, None, 100).await.unwrap();
    assert_eq!(ids(&both), vec![6, 1]);

    // Identity changes, oldest first; none for a contact without any.
    let changes = store.contact_changes(5).await.unwrap();
    let listed: Vec<_> = changes
        .iter()
        .map(|c| (c.change.as_str(), c.new_value.as_deref(), c.at))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("number_changed", Some("5511999"), t(1).and_utc()),
            ("user_id_changed", Some("US.77"), t(3).and_utc()),
        ]
    );
    assert!(store.contact_changes(1).await.unwrap().is_empty());
});
