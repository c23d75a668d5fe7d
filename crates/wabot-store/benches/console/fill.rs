//! Fills a migrated, empty database with a shop's last 90 days: 50,000 contacts and 1,000,000
//! messages (customers' messages and the bot's one or two replies a second or two later, more by
//! day than by night, a few customers writing far more than the rest), the outbox rows of the
//! replies with the arrival they answer, delivery statuses (most read, some failed with Meta's
//! codes, the last minutes still pending), menu events, a session per contact at its last node,
//! orders, defect tickets with their history, and some identity changes.
//!
//! Rows go in as multi-row `INSERT`s of generated literals (numbers, timestamps and plain ASCII
//! names only), 1,000 rows a statement, in one transaction per table, with the progress on the
//! terminal. Ids are given, so the rows link up without reading anything back; PostgreSQL's
//! sequences are moved past them at the end.

use std::fmt::Write as _;
use std::io::Write as _;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::connection::SimpleConnection;

use super::Rng;

pub const CONTACTS: usize = 50_000;
pub const MESSAGES: usize = 1_000_000;
const DAYS: i64 = 90;
const TICKETS: usize = 10_000;
const BATCH: usize = 1_000;
const NODES: [&str; 8] = [
    "main", "orders", "track", "delivery", "defect", "schedule", "feedback", "help",
];
const FIRST: [&str; 12] = [
    "Ana", "Bruno", "Carla", "Diego", "Elisa", "Fabio", "Gabriela", "Hugo", "Isabel", "Joao",
    "Larissa", "Marcos",
];
const LAST: [&str; 10] = [
    "Silva", "Souza", "Oliveira", "Santos", "Lima", "Pereira", "Costa", "Almeida", "Rocha", "Dias",
];

/// One customer message and its replies.
struct Exchange {
    contact: usize,
    at: NaiveDateTime,
    replies: u8,
    node: usize,
}

fn ts(at: NaiveDateTime) -> String {
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
}

fn opt(at: Option<NaiveDateTime>) -> String {
    at.map_or_else(|| "NULL".to_owned(), ts)
}

/// Writes rows in batches inside one transaction, with a progress line.
struct Table<'c> {
    connection: &'c mut wabot_store::AnyConnection,
    head: String,
    rows: Vec<String>,
    done: usize,
    total: usize,
    name: &'static str,
}

impl<'c> Table<'c> {
    fn new(
        connection: &'c mut wabot_store::AnyConnection,
        name: &'static str,
        columns: &str,
        total: usize,
    ) -> Self {
        connection.batch_execute("BEGIN").unwrap();
        Self {
            connection,
            head: format!("INSERT INTO {name} ({columns}) VALUES "),
            rows: Vec::with_capacity(BATCH),
            done: 0,
            total,
            name,
        }
    }

    fn push(&mut self, row: String) {
        self.rows.push(row);
        if self.rows.len() == BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows.is_empty() {
            return;
        }
        let mut sql = self.head.clone();
        for (n, row) in self.rows.drain(..).enumerate() {
            let _ = write!(sql, "{}({row})", if n == 0 { "" } else { "," });
            self.done += 1;
        }
        self.connection.batch_execute(&sql).unwrap();
        if self.done % 50_000 < BATCH || self.done == self.total {
            print!("\r  {:<22} {:>9} / {}", self.name, self.done, self.total);
            let _ = std::io::stdout().flush();
        }
    }

    fn finish(mut self) {
        self.flush();
        self.connection.batch_execute("COMMIT").unwrap();
        println!("\r  {:<22} {:>9} rows", self.name, self.done);
    }
}

/// A time of day weighted to the shop's hours: most traffic 9:00–21:00 UTC.
fn time_of_day(rng: &mut Rng) -> i64 {
    let hour = if rng.below(10) < 8 {
        9 + rng.below(12)
    } else {
        rng.below(24)
    };
    hour as i64 * 3600 + rng.below(3600) as i64
}

/// The exchanges of the 90 days before `end`, in time order, adding up to [`MESSAGES`].
fn exchanges(rng: &mut Rng, end: NaiveDateTime) -> Vec<Exchange> {
    let start = end - TimeDelta::days(DAYS);
    let mut all = Vec::new();
    let mut messages = 0;
    while messages < MESSAGES {
        // u² skews towards low ids: a few customers write far more than most.
        let u = rng.unit();
        let contact = ((u * u) * CONTACTS as f64) as usize % CONTACTS;
        let day = rng.below(DAYS as u64) as i64;
        let at = start
            + TimeDelta::days(day)
            + TimeDelta::seconds(time_of_day(rng))
            + TimeDelta::microseconds(rng.below(1_000_000) as i64);
        let replies = if rng.below(10) < 2 { 2 } else { 1 };
        messages += 1 + replies as usize;
        let node = rng.below(NODES.len() as u64) as usize;
        all.push(Exchange {
            contact,
            at: at.min(end - TimeDelta::seconds(10)),
            replies,
            node,
        });
    }
    all.sort_by_key(|e| e.at);
    all
}

/// Fills the database behind `connection` (migrated and empty); `end` is "now".
pub fn fill(connection: &mut wabot_store::AnyConnection, end: NaiveDateTime) {
    let mut rng = Rng(0x5eed_c0de);
    let exchanges = exchanges(&mut rng, end);
    let mut last: Vec<Option<(NaiveDateTime, usize)>> = vec![None; CONTACTS];
    for e in &exchanges {
        last[e.contact] = Some((e.at, e.node));
    }
    let start = end - TimeDelta::days(DAYS);

    let mut table = Table::new(
        connection,
        "contacts",
        "id, wa_id, user_id, profile_name, first_seen_at, last_seen_at, last_inbound_at",
        CONTACTS,
    );
    for (n, seen) in last.iter().enumerate() {
        let id = n + 1;
        let seen_at = seen.map(|(at, _)| at);
        let name = format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / 7) % LAST.len()]);
        let user_id = if n % 10 == 3 {
            format!("'BR.{:016}'", n * 7919)
        } else {
            "NULL".into()
        };
        let seen_or_start = seen_at.unwrap_or(start);
        table.push(format!(
            "{id}, '55{:011}', {user_id}, '{name}', {}, {}, {}",
            11_900_000_000_u64 + n as u64 * 37,
            ts(start),
            ts(seen_or_start),
            opt(seen_at),
        ));
    }
    table.finish();

    let columns = "id, contact_id, direction, wa_message_id, kind, body, status, status_rank, \
                   created_at, sent_at, delivered_at, read_at, failed_at, error_code, error_title";
    let mut messages = Table::new(connection, "messages", columns, MESSAGES);
    let mut outbox_rows = Vec::with_capacity(MESSAGES / 2);
    let mut id = 0_usize;
    for e in &exchanges {
        id += 1;
        let contact = e.contact + 1;
        messages.push(format!(
            "{id}, {contact}, 'in', 'wamid.in{id}', 'text', '{{\"text\":\"hi\"}}', 'received', 0, {}, NULL, NULL, NULL, NULL, NULL, NULL",
            ts(e.at)
        ));
        for reply in 0..e.replies {
            id += 1;
            let made = e.at + TimeDelta::milliseconds(40 + 30 * i64::from(reply));
            let sent = made + TimeDelta::milliseconds(150 + rng.below(1_500) as i64);
            let roll = rng.below(1000);
            let recent = end - made < TimeDelta::minutes(2);
            let (status, rank, delivered, read, failed, code) = if recent && roll < 500 {
                ("pending", 0, false, false, false, None)
            } else if roll < 20 {
                let code = [131026, 131026, 131047, 131000, 130472][rng.below(5) as usize];
                ("failed", 4, false, false, true, Some(code))
            } else if roll < 140 {
                ("sent", 1, false, false, false, None)
            } else if roll < 450 {
                ("delivered", 2, true, false, false, None)
            } else {
                ("read", 3, true, true, false, None)
            };
            let accepted = status != "pending" && status != "failed";
            let later = |ms: u64, yes: bool| yes.then(|| sent + TimeDelta::milliseconds(ms as i64));
            messages.push(format!(
                "{id}, {contact}, 'out', {}, 'interactive', '{{}}', '{status}', {rank}, {}, {}, {}, {}, {}, {}, {}",
                if accepted { format!("'wamid.out{id}'") } else { "NULL".into() },
                ts(made),
                opt(accepted.then_some(sent)),
                opt(later(900 + rng.below(5_000), delivered)),
                opt(later(20_000 + rng.below(600_000), read)),
                opt(failed.then_some(sent)),
                code.map_or("NULL".into(), |c: i64| c.to_string()),
                if failed { "'Message undeliverable'" } else { "NULL" },
            ));
            let state = match status {
                "pending" => "pending",
                "failed" => "failed",
                _ => "sent",
            };
            outbox_rows.push(format!(
                "{id}, {id}, {contact}, '{state}', 1, {}, {}",
                ts(made),
                ts(e.at)
            ));
        }
    }
    messages.finish();
    // No body: a queued message's text is its message's (PostgreSQL's `outbox.body` has a default).
    let columns = "id, message_id, contact_id, state, attempts, next_attempt_at, origin_at";
    let mut outbox = Table::new(connection, "outbox", columns, outbox_rows.len());
    for row in outbox_rows {
        outbox.push(row);
    }
    outbox.finish();

    // A node_entered event per exchange, and a not_understood for one in six.
    let total = exchanges.len() + exchanges.len() / 6 + 1;
    let columns = "contact_id, event, node, at";
    let mut events = Table::new(connection, "menu_events", columns, total);
    for (n, e) in exchanges.iter().enumerate() {
        let (contact, node, at) = (e.contact + 1, NODES[e.node], ts(e.at));
        events.push(format!("{contact}, 'node_entered', '{node}', {at}"));
        if n % 6 == 0 {
            events.push(format!("{contact}, 'not_understood', '{node}', {at}"));
        }
    }
    events.finish();

    let written = last.iter().filter(|l| l.is_some()).count();
    let columns = "contact_id, state, version, updated_at, node";
    let mut sessions = Table::new(connection, "sessions", columns, written);
    for (n, seen) in last.iter().enumerate() {
        if let Some((at, node)) = seen {
            // One conversation in ten has ended (no node). The state is the engine's JSON, so
            // the pages that read it (a contact's) read it as they would in production.
            let (column, json) = if n % 10 == 9 {
                ("NULL".to_owned(), "null".to_owned())
            } else {
                (
                    format!("'{}'", NODES[*node]),
                    format!("\"{}\"", NODES[*node]),
                )
            };
            let state = format!(
                r#"{{"customer":"bench-{n}","node":{json},"last_activity":null,"version":1}}"#
            );
            sessions.push(format!("{}, '{state}', 1, {}, {column}", n + 1, ts(*at)));
        }
    }
    sessions.finish();

    business(connection, &mut rng, start);
}

/// Orders, tickets with their history, identity changes.
fn business(connection: &mut wabot_store::AnyConnection, rng: &mut Rng, start: NaiveDateTime) {
    let orders_total = CONTACTS / 2;
    let columns = "customer, contact_id, number, status, items, placed_on";
    let mut orders = Table::new(connection, "orders", columns, orders_total);
    for n in 0..orders_total {
        let contact = (n * 2) % CONTACTS + 1;
        let day = (start + TimeDelta::days((n % 90) as i64)).format("%Y-%m-%d");
        orders.push(format!(
            "'55{contact}', {contact}, 'A-{n:06}', 'shipped', '1x chair', '{day}'"
        ));
    }
    orders.finish();
    let statuses = ["open", "in_review", "awaiting_parts", "resolved", "closed"];
    let columns =
        "id, reference, customer, contact_id, order_number, description, status, opened_at";
    let mut tickets = Table::new(connection, "defect_tickets", columns, TICKETS);
    let mut history = Vec::new();
    for n in 0..TICKETS {
        let (id, contact) = (n + 1, (n * 2) % CONTACTS + 1);
        let opened = start + TimeDelta::minutes((n * 12) as i64 + rng.below(10) as i64);
        let steps = 1 + (rng.below(statuses.len() as u64) as usize).min(3);
        let status = statuses[if n < TICKETS - 400 {
            steps - 1 + rng.below(2) as usize
        } else {
            0
        }];
        tickets.push(format!(
            "{id}, 'DEF-{id:05}', '55{contact}', {contact}, 'A-{:06}', 'wobbly leg', '{status}', {}",
            n % orders_total,
            ts(opened)
        ));
        for (step, status) in statuses.iter().take(steps).enumerate() {
            let at = opened + TimeDelta::hours(step as i64 * 20);
            history.push(format!("{id}, '{status}', {}, 'by ana'", ts(at)));
        }
    }
    tickets.finish();
    let columns = "ticket_id, status, at, note";
    let mut table = Table::new(connection, "defect_ticket_history", columns, history.len());
    for row in history {
        table.push(row);
    }
    table.finish();
    let columns = "contact_id, change, old_value, new_value, at";
    let mut changes = Table::new(connection, "contact_changes", columns, 1_000);
    for n in 0..1_000 {
        let contact = n * 47 % CONTACTS + 1;
        let at = ts(start + TimeDelta::hours(n as i64 * 2));
        changes.push(format!(
            "{contact}, 'number_changed', '5511{n:07}', '5512{n:07}', {at}"
        ));
    }
    changes.finish();
}
