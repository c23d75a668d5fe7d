//! The console's overview: every figure checked against the same figure computed here, in plain
//! Rust, from the rows the test wrote (messages each way on several days, replies with their
//! origin, every delivery status, failures, menu events and sessions), around the period's edges.
//! The period ends "now" (after the last row), as the console asks: customers who wrote and
//! reached per node are counted since its start (`contacts.last_inbound_at`, `node_visits`, kept
//! here as ingest and the turn keep them). Reply times come from a histogram: each percentile is
//! the exact one's bucket (within 1.5 %). The past days are stored in `daily_figures` on the first
//! overview and read from there by the second, which must agree.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Utc};
use diesel::prelude::*;
use wabot_app::{Count, DayTraffic, DeliveryCounts, FunnelNode, Period, ResponseTimes, Statistics};
use wabot_store::DieselStore;
use wabot_store::schema::{contacts, menu_events, messages, node_visits, outbox, sessions};

use crate::support::query;

/// An outbound message as written: contact, made at, status, sent at, error code, and the arrival
/// of the message it answers.
struct Out {
    contact: i64,
    at: NaiveDateTime,
    status: &'static str,
    sent_at: Option<NaiveDateTime>,
    code: Option<i64>,
    origin: Option<NaiveDateTime>,
}

fn t(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
        .naive_utc()
}

const STATUSES: [&str; 7] = [
    "pending",
    "sent",
    "sandboxed",
    "delivered",
    "read",
    "failed",
    "read",
];

/// Writes the data set; returns the inbound messages and the outbound ones.
fn write(connection: &mut wabot_store::AnyConnection) -> (Vec<(i64, NaiveDateTime)>, Vec<Out>) {
    for id in 1..=6_i64 {
        diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(id),
                contacts::wa_id.eq(format!("55{id}")),
                contacts::first_seen_at.eq(t(1, 0, 0)),
                contacts::last_seen_at.eq(t(1, 0, 0)),
            ))
            .execute(connection)
            .unwrap();
    }
    let (mut inbound, mut outbound) = (Vec::new(), Vec::new());
    // Every 97 minutes from the 19th 20:00 to the 25th: each contact in turn writes, and most
    // messages get one or two replies a few seconds later.
    let mut at = t(19, 20, 0);
    let mut n = 0_i64;
    while at < t(25, 6, 0) {
        let contact = n % 6 + 1;
        inbound.push((contact, at));
        for reply in 0..(n % 3) {
            let made = at + TimeDelta::seconds(1 + reply);
            let status = STATUSES[((n + reply) % 7) as usize];
            let accepted = !matches!(status, "pending" | "failed");
            let delay = 200 + 137 * ((n * 7 + reply) % 23);
            outbound.push(Out {
                contact,
                at: made,
                status,
                sent_at: accepted.then(|| made + TimeDelta::milliseconds(delay)),
                code: (status == "failed" && n % 2 == 0).then_some(131026),
                // Every fifth message's replies are manual messages, without an origin.
                origin: (n % 5 != 4).then_some(at),
            });
        }
        at += TimeDelta::minutes(97);
        n += 1;
    }
    for (contact, at) in &inbound {
        diesel::insert_into(messages::table)
            .values((
                messages::contact_id.eq(contact),
                messages::direction.eq("in"),
                messages::kind.eq("text"),
                messages::body.eq("{}"),
                messages::status.eq("received"),
                messages::status_rank.eq(0),
                messages::created_at.eq(at),
            ))
            .execute(connection)
            .unwrap();
    }
    // As ingest keeps it: each contact's latest inbound message.
    for id in 1..=6_i64 {
        let last = inbound
            .iter()
            .filter(|(c, _)| *c == id)
            .map(|(_, at)| *at)
            .max();
        diesel::update(contacts::table.find(id))
            .set(contacts::last_inbound_at.eq(last))
            .execute(connection)
            .unwrap();
    }
    for out in &outbound {
        diesel::insert_into(messages::table)
            .values((
                messages::contact_id.eq(out.contact),
                messages::direction.eq("out"),
                messages::kind.eq("text"),
                messages::body.eq("{}"),
                messages::status.eq(out.status),
                messages::status_rank.eq(1),
                messages::created_at.eq(out.at),
                messages::sent_at.eq(out.sent_at),
                messages::error_code.eq(out.code),
            ))
            .execute(connection)
            .unwrap();
        let id: i64 = messages::table
            .select(diesel::dsl::max(messages::id))
            .first::<Option<i64>>(connection)
            .unwrap()
            .unwrap();
        diesel::insert_into(outbox::table)
            .values((
                outbox::message_id.eq(id),
                outbox::contact_id.eq(out.contact),
                outbox::state.eq("sent"),
                outbox::next_attempt_at.eq(out.at),
                outbox::origin_at.eq(out.origin),
            ))
            .execute(connection)
            .unwrap();
    }
    (inbound, outbound)
}

/// Menu events (contact, node, at) and sessions (contact, node, updated at).
type Events = Vec<(i64, &'static str, NaiveDateTime)>;

fn write_funnel(connection: &mut wabot_store::AnyConnection) -> (Events, Events) {
    let events: Events = vec![
        (1, "main", t(20, 9, 0)),
        (1, "main", t(21, 9, 0)), // the same customer twice: counted once
        (2, "main", t(20, 9, 0)),
        (3, "main", t(19, 23, 0)), // before the period
        (1, "orders", t(20, 9, 1)),
        (2, "orders", t(24, 11, 59)),
        (3, "orders", t(25, 5, 0)),
        (4, "defect", t(22, 10, 0)),
    ];
    for (contact, node, at) in &events {
        diesel::insert_into(menu_events::table)
            .values((
                menu_events::contact_id.eq(contact),
                menu_events::event.eq("node_entered"),
                menu_events::node.eq(node),
                menu_events::at.eq(at),
            ))
            .execute(connection)
            .unwrap();
        // As the turn keeps it: when the contact last entered the node.
        let visit = (
            node_visits::contact_id.eq(contact),
            node_visits::node.eq(node),
            node_visits::last_entered_at.eq(at),
        );
        let updated = diesel::update(
            node_visits::table
                .find((contact, node))
                .filter(node_visits::last_entered_at.lt(at)),
        )
        .set(node_visits::last_entered_at.eq(at))
        .execute(connection)
        .unwrap();
        let known: i64 = node_visits::table
            .find((contact, node))
            .count()
            .get_result(connection)
            .unwrap();
        if updated == 0 && known == 0 {
            diesel::insert_into(node_visits::table)
                .values(visit)
                .execute(connection)
                .unwrap();
        }
        // Other events never count as reaching a node.
        diesel::insert_into(menu_events::table)
            .values((
                menu_events::contact_id.eq(contact),
                menu_events::event.eq("not_understood"),
                menu_events::node.eq("help"),
                menu_events::at.eq(at),
            ))
            .execute(connection)
            .unwrap();
    }
    let sessions: Events = vec![
        (1, "orders", t(20, 9, 1)),
        (2, "orders", t(24, 11, 59)), // still active: after idle_before
        (3, "help", t(21, 8, 0)),     // left at a node nobody entered in the period
        (4, "defect", t(19, 9, 0)),   // before the period
        (5, "main", t(23, 0, 0)),
    ];
    for (contact, node, at) in &sessions {
        diesel::insert_into(sessions::table)
            .values((
                sessions::contact_id.eq(contact),
                sessions::state.eq("{}"),
                sessions::version.eq(1),
                sessions::updated_at.eq(at),
                sessions::node.eq(node),
            ))
            .execute(connection)
            .unwrap();
    }
    (events, sessions)
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

crate::both_backends!(the_overview_counts_what_the_rows_say, |url| async move {
    let store = DieselStore::open(&url, 2).await.unwrap();
    let ((inbound, outbound), (events, sessions)) =
        query(&url, |c| (write(c), write_funnel(c))).await;
    // Until "now": after every row written (the last message is before 06:00 on the 25th).
    let (since, until) = (t(20, 0, 0), t(25, 6, 0));
    let idle_before = t(24, 11, 0);
    let within = |at: &NaiveDateTime| *at >= since && *at < until;

    let period = Period {
        since: utc(since),
        until: utc(until),
    };
    let overview = store.overview(period, utc(idle_before)).await.unwrap();

    // Every day from the 20th to the 25th, zeros included.
    let mut days: BTreeMap<_, (i64, i64)> =
        (20..=25).map(|d| (t(d, 0, 0).date(), (0, 0))).collect();
    for (_, at) in inbound.iter().filter(|(_, at)| within(at)) {
        days.get_mut(&at.date()).unwrap().0 += 1;
    }
    for out in outbound.iter().filter(|o| within(&o.at)) {
        days.get_mut(&out.at.date()).unwrap().1 += 1;
    }
    let expected_days: Vec<DayTraffic> = days
        .into_iter()
        .map(|(day, (inbound, outbound))| DayTraffic {
            day,
            inbound,
            outbound,
        })
        .collect();
    assert_eq!(overview.days, expected_days);
    assert!(overview.days.iter().all(|d| d.inbound > 0));

    let writers: BTreeSet<i64> = inbound
        .iter()
        .filter(|(_, at)| within(at))
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(overview.active_conversations, writers.len() as i64);

    // Reply times: the first accepted reply to each answered message, replies made in the period.
    let mut first: HashMap<(i64, NaiveDateTime), NaiveDateTime> = HashMap::new();
    for out in outbound.iter().filter(|o| within(&o.at)) {
        if let (Some(origin), Some(sent)) = (out.origin, out.sent_at) {
            let best = first.entry((out.contact, origin)).or_insert(sent);
            *best = (*best).min(sent);
        }
    }
    let millis: Vec<i64> = first
        .iter()
        .map(|((_, origin), sent)| (*sent - *origin).num_milliseconds())
        .collect();
    assert!(millis.len() > 20);
    let exact = ResponseTimes::from_millis(millis);
    assert_eq!(overview.reply_times.count, exact.count);
    for (got, exact) in [
        (overview.reply_times.p50_ms, exact.p50_ms),
        (overview.reply_times.p90_ms, exact.p90_ms),
        (overview.reply_times.p95_ms, exact.p95_ms),
        (overview.reply_times.p99_ms, exact.p99_ms),
    ] {
        let error = (got - exact).abs() as f64 / exact as f64;
        assert!(error <= 0.015, "{got} ms for {exact} ms");
    }

    let mut delivery = DeliveryCounts::default();
    let mut failures: BTreeMap<String, i64> = BTreeMap::new();
    for out in outbound.iter().filter(|o| within(&o.at)) {
        delivery.outbound += 1;
        match out.status {
            "sent" | "sandboxed" => delivery.accepted += 1,
            "delivered" => {
                delivery.accepted += 1;
                delivery.delivered += 1;
            }
            "read" => {
                delivery.accepted += 1;
                delivery.delivered += 1;
                delivery.read += 1;
            }
            "failed" => {
                delivery.failed += 1;
                let code = out.code.map_or("none".to_owned(), |c| c.to_string());
                *failures.entry(code).or_default() += 1;
            }
            _ => delivery.waiting += 1,
        }
    }
    assert_eq!(overview.delivery, delivery);
    assert!(delivery.failed > 0 && delivery.waiting > 0 && delivery.read > 0);
    let mut expected_failures: Vec<Count> = failures
        .into_iter()
        .map(|(code, count)| Count {
            labels: vec![code],
            count,
        })
        .collect();
    expected_failures.sort_by_key(|c| (std::cmp::Reverse(c.count), c.labels[0] == "none"));
    assert_eq!(overview.failures_by_code, expected_failures);
    assert_eq!(expected_failures.len(), 2);

    // The funnel, from the events and sessions above.
    let mut funnel: BTreeMap<&str, (BTreeSet<i64>, i64)> = BTreeMap::new();
    for (contact, node, _) in events.iter().filter(|(_, _, at)| within(at)) {
        funnel.entry(node).or_default().0.insert(*contact);
    }
    for (_, node, at) in &sessions {
        if *at >= since && *at < idle_before {
            funnel.entry(node).or_default().1 += 1;
        }
    }
    let expected_funnel: Vec<FunnelNode> = funnel
        .into_iter()
        .map(|(node, (reached, left))| FunnelNode {
            node: node.to_owned(),
            reached: reached.len() as i64,
            left,
        })
        .collect();
    assert_eq!(overview.funnel, expected_funnel);
    // By hand, to be sure the computation above says what it should.
    let hand = |node: &str, reached, left| FunnelNode {
        node: node.into(),
        reached,
        left,
    };
    assert_eq!(
        overview.funnel,
        vec![
            hand("defect", 1, 0),
            hand("help", 0, 1),
            hand("main", 2, 1),
            hand("orders", 3, 1),
        ]
    );

    // The past days are stored now; read from there, the overview is the same.
    let stored: i64 = query(&url, |c| {
        wabot_store::schema::daily_figures::table
            .filter(wabot_store::schema::daily_figures::computed_at.is_not_null())
            .count()
            .get_result(c)
            .unwrap()
    })
    .await;
    assert_eq!(stored, 5, "the 20th to the 24th (the 25th is partial)");
    let again = store.overview(period, utc(idle_before)).await.unwrap();
    assert_eq!(again, overview);

    // An empty period (after every row, as it would be now): every day with zeros, nothing else.
    let quiet = Period {
        since: utc(t(26, 0, 0)),
        until: utc(t(28, 0, 0)),
    };
    let empty = store.overview(quiet, utc(t(28, 0, 0))).await.unwrap();
    assert_eq!(empty.days.len(), 2);
    assert!(empty.days.iter().all(|d| d.inbound == 0 && d.outbound == 0));
    assert_eq!(empty.delivery, DeliveryCounts::default());
    assert_eq!(empty.reply_times, ResponseTimes::default());
    assert!(empty.funnel.is_empty() && empty.failures_by_code.is_empty());
    assert_eq!(empty.active_conversations, 0);
});
