//! The background workers: conversation workers wake on a signal from the webhook handler (and poll
//! as a fallback); the sender keeps a pool of sends under way, refilled when a send ends, when
//! conversations queue replies, and as tokens come.
//! [`tasks`] makes as many of each as the settings ask for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use wabot_app::{
    Converse, Cycle, Deliver, DeliveryObserver, Heartbeat, Messenger, ReadReceipts, SendPool,
    SharedRate, TokenBucket, Wait, pause_left, utc_now,
};
use wabot_cloud_api::CloudApiRenderer;
use wabot_store::DieselStore;

use crate::components::Components;
use crate::settings::{MarkRead, Settings};

/// A worker that has not started yet: it runs once spawned, until the process ends.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The server's word to the sender that it is stopping.
#[derive(Debug, Default)]
pub struct Stopping {
    stopped: AtomicBool,
    notify: Notify,
}

impl Stopping {
    /// Tells the sender (now, or at its next look).
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    fn is_set(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

/// Signals that wake the workers, and the heartbeats they leave for readiness.
#[derive(Clone, Default)]
pub struct Signals {
    /// New inbound items were committed.
    pub inbound: Arc<Notify>,
    /// New outbound messages were queued.
    pub outbound: Arc<Notify>,
    /// A conversation completed a form, whose action may have queued a customer's file to keep.
    pub media: Arc<Notify>,
    /// Beaten by conversation workers after every round.
    pub conversations_alive: Arc<Heartbeat>,
    /// Set when the server stops: the sender takes nothing new and finishes what is in flight.
    pub stopping: Arc<Stopping>,
    /// Beaten by the sender after every cycle.
    pub deliveries_alive: Arc<Heartbeat>,
}

/// The conversation workers the settings ask for (at least one) and the sender, not started; the
/// sender is the last. The
/// sender keeps up to `workers.sends_in_flight` sends under way with `messenger`, paced by one
/// token bucket (on PostgreSQL, where several instances may share a number: by its share of the
/// schedule in the database), reports to `observer`, and marks answered messages read unless
/// `meta.mark_read = "never"`.
pub fn tasks<M: Messenger + Send + Sync + 'static>(
    settings: &Settings,
    components: &Components,
    messenger: Arc<M>,
    signals: &Signals,
    observer: Arc<dyn DeliveryObserver>,
) -> Vec<Task> {
    let poll = Duration::from_millis(settings.workers.poll_interval_ms.max(10));
    let bucket = Arc::new(TokenBucket::new(
        settings.meta.messages_per_second,
        utc_now(),
    ));
    let lease = Duration::from_secs(settings.workers.lease_seconds.max(1));
    let receipts =
        (settings.meta.mark_read == MarkRead::OnAnswer).then(|| Arc::new(ReadReceipts::new()));
    let mut tasks: Vec<Task> = Vec::new();
    for _ in 0..settings.workers.conversations.max(1) {
        let mut worker = components
            .converse()
            .with_marketing_words(crate::campaigns::marketing_words(settings));
        if let Some(receipts) = &receipts {
            worker = worker.with_receipts(Arc::clone(receipts), Arc::clone(&observer));
        }
        tasks.push(Box::pin(conversations(worker, signals.clone(), poll)));
    }
    // Leases carry the sender's name: unique per process, so a restarted one never passes for it.
    let owner = format!("{}-{}", std::process::id(), utc_now().timestamp_micros());
    let mut sender = components
        .deliver(
            messenger,
            Arc::clone(&bucket),
            owner,
            settings.workers.sends_in_flight,
        )
        .with_lease(lease)
        .with_observer(observer);
    if !components.store.url().is_sqlite() {
        let shared = SharedRate::new(
            settings.meta.phone_number_id.as_str(),
            settings.meta.messages_per_second,
        );
        tracing::info!(
            rate = settings.meta.messages_per_second,
            "the send rate is shared with the other instances through the database"
        );
        sender = sender.with_shared_rate(shared);
    }
    if let Some(receipts) = receipts {
        sender = sender.with_receipts(receipts);
    }
    tasks.push(Box::pin(deliveries(sender, bucket, signals.clone(), poll)));
    tasks
}

/// Runs one conversation worker until the process ends.
pub async fn conversations(
    worker: Converse<DieselStore, CloudApiRenderer>,
    signals: Signals,
    poll: Duration,
) {
    loop {
        signals.conversations_alive.beat(utc_now());
        let woken = signals.inbound.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        match worker.round(utc_now()).await {
            Ok(round) => {
                if round.handled > 0 {
                    tracing::debug!(steps = round.handled, "conversation stepped");
                    signals.outbound.notify_waiters();
                }
                if round.forms_completed {
                    signals.media.notify_one();
                }
                // Nothing more waited when the round looked: the next message wakes this worker
                // (a wake-up during the round is kept by `woken`), so no empty write follows.
                if !round.more_waiting {
                    tokio::select! {
                        () = &mut woken => {}
                        () = tokio::time::sleep(poll) => {}
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "conversation step failed; it will be retried");
                tokio::time::sleep(poll).await;
            }
        }
    }
}

/// The shortest time between two cycles of the sender while sends keep ending and no new reply
/// is queued: the outcomes that ended meanwhile are recorded, and new sends leased, in one write (at
/// 1,000 sends/s, about five of each per write instead of one).
const CYCLE_GAP: Duration = Duration::from_millis(5);

/// Runs the sender until the process ends: a [`SendPool`] cycled whenever a send ends, new work is
/// queued, a token comes, or the poll interval passes.
pub async fn deliveries<M: Messenger>(
    worker: Deliver<DieselStore, M>,
    bucket: Arc<TokenBucket>,
    signals: Signals,
    poll: Duration,
) {
    let mut pool = SendPool::new(&worker);
    loop {
        if signals.stopping.is_set() {
            return drain(pool).await;
        }
        signals.deliveries_alive.beat(utc_now());
        let woken = signals.outbound.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let now = utc_now();
        let started = tokio::time::Instant::now();
        let wait = match pool.cycle(now).await {
            Ok(cycle) => {
                report(&cycle);
                // Paused by Meta: until the pause ends. Out of tokens: until the next one. Nothing
                // due: until woken, a send ends, or the poll interval.
                match (
                    cycle.wait,
                    pause_left(&bucket, now).and_then(|left| left.to_std().ok()),
                ) {
                    (Wait::Room, _) => poll,
                    (_, Some(pause)) => pause.min(poll),
                    (Wait::Token, None) => worker
                        .next_token_in(utc_now())
                        .map_or(poll, |next| next.clamp(Duration::from_millis(1), poll)),
                    (Wait::Work, None) => poll,
                }
            }
            Err(error) => {
                tracing::warn!(%error, "the sender could not record or claim; it will try again");
                poll
            }
        };
        let in_flight = pool.in_flight() > 0;
        tokio::select! {
            () = pool.finished(), if in_flight => {
                // Let more sends end before recording them, unless new replies are waiting.
                tokio::select! {
                    () = tokio::time::sleep_until(started + CYCLE_GAP) => {}
                    () = &mut woken => {}
                }
            }
            () = &mut woken => {}
            () = tokio::time::sleep(wait) => {}
            () = signals.stopping.notify.notified() => {}
        }
    }
}

/// At shutdown: waits for the sends in flight to end and records them, so a send Meta accepted is
/// not sent again after the restart (the caller bounds how long this may take; what is cut short
/// keeps its lease and is sent again when the lease runs out).
async fn drain<S: wabot_app::Outbox + wabot_app::SendBudget, M: Messenger>(
    mut pool: SendPool<'_, S, M>,
) {
    let in_flight = pool.in_flight();
    while pool.in_flight() > 0 {
        pool.finished().await;
    }
    match pool.settle(utc_now()).await {
        Ok(round) => tracing::info!(in_flight, sent = round.sent, "the sender stopped"),
        Err(error) => tracing::warn!(%error, "the sender could not record its last sends"),
    }
}

/// Logs what a cycle recorded that an operator should hear of.
fn report(cycle: &Cycle) {
    let round = cycle.recorded;
    if !round.is_empty() || cycle.started > 0 {
        tracing::debug!(
            sent = round.sent,
            retried = round.retried,
            failed = round.failed,
            started = cycle.started,
            "send cycle"
        );
    }
    if round.failed > 0 {
        tracing::warn!(
            failed = round.failed,
            "messages failed permanently; see their error codes"
        );
    }
    if cycle.lost_leases > 0 {
        tracing::warn!(
            lost = cycle.lost_leases,
            "sends outlived their lease (the sender stalled longer than workers.lease_seconds); \
             another sender took them over"
        );
    }
}
