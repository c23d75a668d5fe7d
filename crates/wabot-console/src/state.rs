//! What the console's handlers share: the store (through the app's ports), the console's settings,
//! the sign-in throttle, and the menu in use (for the node filter).

use std::sync::Arc;

use chrono::TimeDelta;
use wabot_app::{CurrentEngine, HandoffDesk, Handoffs, MediaReader, TicketMover, TicketUpdates};
use wabot_cloud_api::CloudApiRenderer;

use crate::throttle::LoginThrottle;

/// The console's settings (the server maps its `[console]` section onto this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// A session unused this long ends.
    pub idle_timeout: TimeDelta,
    /// A session ends this long after sign-in, used or not.
    pub max_session: TimeDelta,
    /// Whether `X-Forwarded-Proto: https` from a proxy in front counts as TLS (for `Secure`
    /// cookies). Only set when a proxy you run always sets or strips that header.
    pub trust_forwarded_proto: bool,
    /// Whether agents see customers' full phone numbers (otherwise the last four digits).
    pub agents_see_numbers: bool,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            idle_timeout: TimeDelta::minutes(30),
            max_session: TimeDelta::hours(12),
            trust_forwarded_proto: false,
            agents_see_numbers: false,
        }
    }
}

/// The console's shared state.
pub struct ConsoleState<S> {
    /// The store, read and written through the app's ports.
    pub store: S,
    /// The settings.
    pub config: ConsoleConfig,
    /// Failed sign-ins.
    pub throttle: LoginThrottle,
    /// The menu in use.
    pub engine: Arc<CurrentEngine>,
    /// What agents do with handoffs.
    pub desk: Arc<HandoffDesk<S, CloudApiRenderer>>,
    /// Called after a message was queued (wakes the sender).
    pub wake_senders: Arc<dyn Fn() + Send + Sync>,
    /// Moves defect tickets and tells their customers (the one the admin API uses, when the server
    /// hands it over with [`ConsoleState::with_ticket_mover`]).
    pub ticket_mover: Arc<TicketMover<S, CloudApiRenderer>>,
    /// Reads tickets' kept files (none until the server hands its reader over with
    /// [`ConsoleState::with_media_reader`]).
    pub read_media: MediaReader,
}

impl<S> ConsoleState<S> {
    /// The state for a store, settings and the menu in use; `wake_senders` is called after an
    /// agent's message was queued.
    pub fn new(
        store: S,
        config: ConsoleConfig,
        engine: Arc<CurrentEngine>,
        wake_senders: Arc<dyn Fn() + Send + Sync>,
    ) -> Self
    where
        S: Clone + Handoffs + TicketUpdates,
    {
        let ticket_mover = Arc::new(TicketMover::new(
            store.clone(),
            Arc::clone(&engine),
            Arc::new(CloudApiRenderer),
            None,
        ));
        let desk = Arc::new(HandoffDesk::new(
            store.clone(),
            Arc::clone(&engine),
            Arc::new(CloudApiRenderer),
        ));
        Self {
            store,
            config,
            throttle: LoginThrottle::default(),
            engine,
            desk,
            wake_senders,
            ticket_mover,
            read_media: Arc::new(|_| Box::pin(async { Ok(None) })),
        }
    }

    /// The same state reading kept files with `reader`.
    #[must_use]
    pub fn with_media_reader(mut self, reader: MediaReader) -> Self {
        self.read_media = reader;
        self
    }

    /// The same state with `mover` for ticket updates (one with the configured update template).
    #[must_use]
    pub fn with_ticket_mover(mut self, mover: Arc<TicketMover<S, CloudApiRenderer>>) -> Self {
        self.ticket_mover = mover;
        self
    }
}
