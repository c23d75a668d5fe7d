//! The console's queries at a million messages: fills a database (see `fill`: 50,000 contacts,
//! 1,000,000 messages over 90 days, their outbox rows, menu events, sessions, tickets) and times
//! every query a console page makes through the store's ports, printing the median and the slowest
//! of 15 runs (after 2 warm-up runs) per query. Goal: each ≤ 100 ms.
//!
//! ```sh
//! cargo bench -p wabot-store --bench console                 # SQLite and PostgreSQL, fresh databases
//! cargo bench -p wabot-store --bench console -- sqlite       # one backend
//! cargo bench -p wabot-store --bench console -- --url sqlite:///tmp/console.db   # keep the data:
//!                                                            # filled when empty, then timed
//! ```
//!
//! PostgreSQL is a throwaway cluster the bench starts itself (as the store tests do), analyzed
//! after the fill as its autovacuum would; SQLite is left as the server leaves it (no `ANALYZE`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]

#[path = "../../tests/store/backends.rs"]
// The bench uses the shared databases only, not the private cluster some tests stop.
#[allow(dead_code)]
mod backends;
// The throwaway PostgreSQL cluster `backends` starts.
#[path = "../../tests/store/cluster.rs"]
#[allow(dead_code)]
mod cluster;
mod fill;

use std::future::Future;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use wabot_app::{
    ActivityCursor, Contacts, ConversationFilter, ConversationsView, MediaJobs, Notification,
    Notified, OutboundDraft, OutboundKind, Page, Period, Statistics, TicketDesk, TicketUpdate,
    TicketUpdates,
};
use wabot_engine::TicketStatus;
use wabot_store::DieselStore;

/// A small deterministic generator (SplitMix64), so every fill is the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn draw(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.draw() % n
    }

    pub fn unit(&mut self) -> f64 {
        (self.draw() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// "Now" for the data set: the end of its 90 days.
fn end() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, 29)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

fn connect(url: &str) -> wabot_store::AnyConnection {
    use r2d2::ManageConnection;
    wabot_store::Manager::new(wabot_store::DatabaseUrl::parse(url).unwrap())
        .connect()
        .unwrap()
}

/// Fills the database at `url` unless it already has messages.
fn fill_if_empty(url: &str) {
    let mut connection = connect(url);
    let messages: i64 = wabot_store::schema::messages::table
        .count()
        .get_result(&mut connection)
        .unwrap();
    if messages > 0 {
        println!("  {messages} messages already there: timing them");
        return;
    }
    let started = Instant::now();
    fill::fill(&mut connection, end().naive_utc());
    // What the turns would have kept beside the events (as migration 000014 backfills it).
    connection
        .batch_execute(
            "INSERT INTO node_visits (contact_id, node, last_entered_at) \
             SELECT contact_id, node, max(at) FROM menu_events \
             WHERE event = 'node_entered' AND node IS NOT NULL GROUP BY contact_id, node",
        )
        .unwrap();
    if let wabot_store::AnyConnection::Pg(pg) = &mut connection {
        for table in ["contacts", "messages", "outbox", "defect_tickets"] {
            pg.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))
            .unwrap();
        }
        pg.batch_execute("VACUUM ANALYZE").unwrap();
    }
    println!("  filled in {:.0} s", started.elapsed().as_secs_f64());
}

/// Runs `query` 2 + 15 times; prints the median and the slowest of the 15.
async fn time<T, F: Future<Output = T>>(label: &str, mut query: impl FnMut() -> F) -> Duration {
    for _ in 0..2 {
        query().await;
    }
    let mut runs: Vec<Duration> = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        query().await;
        runs.push(started.elapsed());
    }
    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label:<40} median {:>7.2} ms   max {:>7.2} ms",
        ms(runs[runs.len() / 2]),
        ms(runs[runs.len() - 1])
    );
    runs[runs.len() / 2]
}

/// The console's "now" in the data set: noon of its last day, so "today" holds half a day of
/// messages, read from the raw tables as the store reads today's.
fn now() -> DateTime<Utc> {
    end() - TimeDelta::hours(12)
}

/// The console's period of `days` whole UTC days ending now: from midnight `days - 1` days before
/// today until now.
fn period(days: i64) -> Period {
    let today = now() - TimeDelta::hours(12);
    Period {
        since: today - TimeDelta::days(days - 1),
        until: now(),
    }
}

/// Times the first call alone (the stored days missing: computed and stored), then as `time`.
async fn cold_then_warm<T, F: Future<Output = T>>(label: &str, mut query: impl FnMut() -> F) {
    let started = Instant::now();
    query().await;
    println!(
        "  {label:<40} first   {:>7.2} ms   (stored days computed)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    time(label, query).await;
}

async fn measure(name: &str, url: &str) {
    println!("{name}: {url}");
    let fill_url = url.to_owned();
    tokio::task::spawn_blocking(move || fill_if_empty(&fill_url))
        .await
        .unwrap();
    let store = DieselStore::open(url, 4).await.unwrap();
    let idle = now() - TimeDelta::minutes(30);
    let s = &store;
    time("overview, today", || s.overview(period(1), idle)).await;
    cold_then_warm("overview, 7 days", || s.overview(period(7), idle)).await;
    cold_then_warm("overview, 30 days", || s.overview(period(30), idle)).await;
    cold_then_warm("overview, 90 days", || s.overview(period(90), idle)).await;
    time("/api/stats, 30 days", || s.stats(period(30).since, idle)).await;
    let none = ConversationFilter::default;
    time("conversations, first page (50)", || {
        s.conversations(none(), None, 50)
    })
    .await;
    let first = s.conversations(none(), None, 50).await.unwrap();
    let deep = ActivityCursor {
        last_seen_at: end() - TimeDelta::days(45),
        contact_id: i64::MAX,
    };
    time("conversations, a page 45 days back", || {
        s.conversations(none(), Some(deep), 50)
    })
    .await;
    let search = |text: &str| ConversationFilter {
        search: Some(text.to_owned()),
        ..none()
    };
    time("search \"silva\" (common)", || {
        s.conversations(search("silva"), None, 50)
    })
    .await;
    time("search \"1190123\" (a number, rare)", || {
        s.conversations(search("1190123"), None, 50)
    })
    .await;
    time("search \"zzz\" (nothing)", || {
        s.conversations(search("zzz"), None, 50)
    })
    .await;
    let at_node = |node: &str| ConversationFilter {
        node: Some(node.to_owned()),
        ..none()
    };
    time("node filter \"defect\"", || {
        s.conversations(at_node("defect"), None, 50)
    })
    .await;
    let window = ConversationFilter {
        wrote_since: Some(end() - TimeDelta::hours(24)),
        ..none()
    };
    time("window open (wrote in 24 h)", || {
        s.conversations(window.clone(), None, 50)
    })
    .await;
    // The busiest customer's transcript: first page and a late page.
    let busiest = first.iter().map(|r| r.contact.id).min().unwrap_or(1);
    let page = |after| Page { limit: 50, after };
    time("transcript, first page (busiest)", || {
        s.history(busiest, page(None))
    })
    .await;
    time("transcript, contact changes", || s.contact_changes(busiest)).await;
    time("tickets, first page", || s.tickets(None, None, 50)).await;
    let open = Some(TicketStatus::Open);
    time("tickets, open, first page", || s.tickets(open, None, 50)).await;
    time("tickets, counts by status", || s.ticket_counts()).await;
    time("ticket detail", || s.ticket(5_000)).await;
    time("ticket files", || s.ticket_media(5_000)).await;
    time("ticket status change + notification", || {
        let update = TicketUpdate {
            ticket_id: 5_000,
            status: TicketStatus::InReview,
            note: Some("a technician calls today".into()),
            by: "bench".into(),
            at: now(),
        };
        s.change_status(update, |context| Notification {
            notified: Notified::Text,
            drafts: vec![OutboundDraft {
                kind: OutboundKind::Text,
                body: format!(r#"{{"to":"x","text":{{"body":"{}"}}}}"#, context.reference),
            }],
        })
    })
    .await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--url") {
        let url = args.get(at + 1).expect("--url needs a database URL");
        let _ = DieselStore::migrate(url).await.unwrap();
        measure("given", url).await;
        return;
    }
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let wants = |name: &str| only.is_empty() || only.iter().any(|o| *o == name);
    if wants("sqlite") {
        let url = backends::sqlite_url();
        let _ = DieselStore::migrate(&url).await.unwrap();
        measure("sqlite", &url).await;
    }
    if wants("postgres") {
        let url = backends::postgres_url();
        let _ = DieselStore::migrate(&url).await.unwrap();
        measure("postgres", &url).await;
    }
}
