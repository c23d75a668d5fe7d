//! [`Metrics`]: the Prometheus registry behind `GET /metrics` — webhook requests by outcome and the
//! ack latency, sends by outcome and error class and the reply latency (as the sender's
//! [`DeliveryObserver`]), and the backlog gauges read from the database on each scrape.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use wabot_app::{
    Attempt, Backlog, DeliveryObserver, LookupObserver, LookupOutcome, ReceiptOutcome,
};

type Labels<const N: usize> = [(&'static str, &'static str); N];
type Seconds = Gauge<f64, AtomicU64>;

/// Every metric wabot exports.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    webhooks: Family<Labels<1>, Counter>,
    webhook_items: Family<Labels<1>, Counter>,
    ack_seconds: Histogram,
    sends: Family<Labels<2>, Counter>,
    reply_seconds: Histogram,
    graph_seconds: Histogram,
    sends_in_flight: Gauge,
    read_receipts: Family<Labels<1>, Counter>,
    menu_reloads: Family<Labels<1>, Counter>,
    database_up: Gauge,
    inbox_pending: Gauge,
    inbox_oldest_age: Seconds,
    outbox_pending: Gauge,
    outbox_oldest_age: Seconds,
    sessions_active: Gauge,
    handoffs_waiting: Gauge,
    handoff_oldest_wait: Seconds,
    business_lookups: Family<Labels<2>, Counter>,
    business_lookup_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// A webhook POST's outcome, by the status code it was answered with.
fn webhook_outcome(status: StatusCode) -> &'static str {
    match status.as_u16() {
        200 => "stored",
        400 => "invalid_body",
        401 => "bad_signature",
        413 => "too_large",
        503 => "unavailable",
        _ => "other",
    }
}

fn age(oldest: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
    oldest.map_or(0.0, |at| {
        (now - at).to_std().unwrap_or_default().as_secs_f64()
    })
}

impl Metrics {
    /// A registry with every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("wabot");
        let metrics = Self {
            webhooks: Family::default(),
            webhook_items: Family::default(),
            // 0.25 ms … ~4 s: acks are meant to take a few milliseconds.
            ack_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 15)),
            sends: Family::default(),
            // 1 ms … ~65 s: a reply waits for pacing and retries too.
            reply_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 17)),
            // 5 ms … ~20 s: Meta answers in 100-400 ms from most places; the timeout is 10 s.
            graph_seconds: Histogram::new(exponential_buckets(0.005, 2.0, 13)),
            sends_in_flight: Gauge::default(),
            read_receipts: Family::default(),
            menu_reloads: Family::default(),
            database_up: Gauge::default(),
            inbox_pending: Gauge::default(),
            inbox_oldest_age: Seconds::default(),
            outbox_pending: Gauge::default(),
            outbox_oldest_age: Seconds::default(),
            sessions_active: Gauge::default(),
            handoffs_waiting: Gauge::default(),
            handoff_oldest_wait: Seconds::default(),
            business_lookups: Family::default(),
            // 1 ms … ~16 s: the business's API, cache hits included; the default timeout is 3 s.
            business_lookup_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 15)),
            registry: Registry::default(),
        };
        let m = &metrics;
        let r = &mut registry;
        r.register("webhook_requests", "Webhook POSTs by outcome (stored, bad_signature, invalid_body, too_large, unavailable)", m.webhooks.clone());
        r.register(
            "webhook_items",
            "Items in stored webhooks: new, or duplicate (a re-delivery)",
            m.webhook_items.clone(),
        );
        r.register(
            "webhook_ack_seconds",
            "Time from a webhook POST's arrival to its answer",
            m.ack_seconds.clone(),
        );
        r.register(
            "sends",
            "Send attempts by outcome (sent, retried, failed) and error class",
            m.sends.clone(),
        );
        r.register("reply_latency_seconds", "Time from a customer's message reaching the webhook to the reply being accepted by Meta", m.reply_seconds.clone());
        r.register(
            "graph_send_seconds",
            "Time the Graph API took to answer a send or a read receipt (Meta's latency as seen from here)",
            m.graph_seconds.clone(),
        );
        r.register(
            "sends_in_flight",
            "Sends and read receipts under way now",
            m.sends_in_flight.clone(),
        );
        r.register(
            "read_receipts",
            "Read receipts (blue ticks) by outcome: sent, failed (not retried), dropped (waited too long behind replies)",
            m.read_receipts.clone(),
        );
        r.register(
            "menu_reloads",
            "Menu reloads (SIGHUP or POST /api/menu/reload) by outcome: applied, refused (the running menu was kept)",
            m.menu_reloads.clone(),
        );
        r.register(
            "database_up",
            "1 when the last scrape could read the database",
            m.database_up.clone(),
        );
        r.register(
            "inbox_pending",
            "Inbound items waiting to be handled",
            m.inbox_pending.clone(),
        );
        r.register(
            "inbox_oldest_age_seconds",
            "Age of the oldest inbound item waiting",
            m.inbox_oldest_age.clone(),
        );
        r.register(
            "outbox_pending",
            "Outbound messages waiting to be sent (including retries)",
            m.outbox_pending.clone(),
        );
        r.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest outbound message waiting",
            m.outbox_oldest_age.clone(),
        );
        r.register(
            "sessions_active",
            "Conversations with a step within the idle timeout",
            m.sessions_active.clone(),
        );
        r.register(
            "handoffs_waiting",
            "Conversations waiting for a person (handed off, nobody on them yet)",
            m.handoffs_waiting.clone(),
        );
        r.register(
            "handoff_oldest_wait_seconds",
            "How long the longest-waiting handoff has waited",
            m.handoff_oldest_wait.clone(),
        );
        r.register(
            "business_lookups",
            "Lookups of orders and schedule in the business's API (business.source = \"http\") by kind and outcome (ok, timeout, error, malformed)",
            m.business_lookups.clone(),
        );
        r.register(
            "business_lookup_seconds",
            "Time a lookup in the business's API took (cache hits included)",
            m.business_lookup_seconds.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    /// Records a menu reload: `applied`, or refused with the running menu kept.
    pub fn menu_reloaded(&self, applied: bool) {
        let outcome = if applied { "applied" } else { "refused" };
        self.menu_reloads
            .get_or_create(&[("outcome", outcome)])
            .inc();
    }

    /// Records a webhook POST answered with `status` after `elapsed`.
    pub fn webhook_answered(&self, status: StatusCode, elapsed: Duration) {
        self.webhooks
            .get_or_create(&[("outcome", webhook_outcome(status))])
            .inc();
        self.ack_seconds.observe(elapsed.as_secs_f64());
    }

    /// Records the items of a stored webhook.
    pub fn webhook_items(&self, new: usize, duplicates: usize) {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        self.webhook_items
            .get_or_create(&[("kind", "new")])
            .inc_by(count(new));
        self.webhook_items
            .get_or_create(&[("kind", "duplicate")])
            .inc_by(count(duplicates));
    }

    /// Sets the backlog gauges (or marks the database down when it could not be read).
    pub fn set_backlog(&self, backlog: Option<Backlog>, now: DateTime<Utc>) {
        let Some(backlog) = backlog else {
            self.database_up.set(0);
            return;
        };
        self.database_up.set(1);
        self.inbox_pending.set(backlog.inbox_pending);
        self.inbox_oldest_age.set(age(backlog.inbox_oldest, now));
        self.outbox_pending.set(backlog.outbox_pending);
        self.outbox_oldest_age.set(age(backlog.outbox_oldest, now));
        self.sessions_active.set(backlog.sessions_active);
        self.handoffs_waiting.set(backlog.handoffs_waiting);
        self.handoff_oldest_wait
            .set(age(backlog.handoff_oldest, now));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail; an error here would only mean a bug in a metric's encoder.
        if let Err(error) = encode(&mut text, &self.registry) {
            tracing::error!(%error, "metrics could not be encoded");
        }
        text
    }
}

impl DeliveryObserver for Metrics {
    fn attempted(&self, attempt: Attempt) {
        self.sends
            .get_or_create(&[("outcome", attempt.outcome()), ("class", attempt.class())])
            .inc();
    }

    fn replied(&self, latency: Duration) {
        self.reply_seconds.observe(latency.as_secs_f64());
    }

    fn send_took(&self, took: Duration) {
        self.graph_seconds.observe(took.as_secs_f64());
    }

    fn in_flight(&self, count: usize) {
        self.sends_in_flight
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    fn read_receipt(&self, outcome: ReceiptOutcome) {
        self.read_receipts
            .get_or_create(&[("outcome", outcome.as_str())])
            .inc();
    }
}

impl LookupObserver for Metrics {
    fn looked_up(&self, kind: &'static str, outcome: LookupOutcome, took: Duration) {
        self.business_lookups
            .get_or_create(&[("kind", kind), ("outcome", outcome.as_str())])
            .inc();
        self.business_lookup_seconds.observe(took.as_secs_f64());
    }
}
