//! SQLite's WAL checkpoints off the writer thread. A checkpoint copies the pages the WAL holds back
//! into the database file; run by the writer (SQLite's automatic checkpoint, on the commit that
//! crosses the threshold) it holds up every queued write meanwhile, acknowledgements included. This
//! thread runs a `PASSIVE` checkpoint (it never waits for or blocks a writer or a reader) on a
//! reader connection every [`EVERY`], so the writer rarely meets one; the writer's own automatic
//! checkpoint (at 16 MiB of WAL, `connection`) stays as the safety net should this thread lag.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use wabot_app::StoreError;

use crate::connection::{AnyConnection, Manager};

/// How often the WAL is checkpointed.
const EVERY: Duration = Duration::from_millis(500);

/// Stops the checkpointer thread when the last clone of the store is dropped (its channel's
/// senders are all gone).
#[derive(Clone, Debug)]
pub(crate) struct Checkpointer {
    _stop: Sender<()>,
}

impl Checkpointer {
    /// Starts the thread on `pool` (the store's readers).
    pub(crate) fn start(pool: r2d2::Pool<Manager>) -> Result<Self, StoreError> {
        let (stop, stopped) = channel();
        std::thread::Builder::new()
            .name("wabot-checkpoint".into())
            .spawn(move || run(&pool, &stopped))
            .map_err(|error| StoreError::unavailable("cannot start the checkpointer", error))?;
        Ok(Self { _stop: stop })
    }
}

fn run(pool: &r2d2::Pool<Manager>, stopped: &Receiver<()>) {
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
        let checkpointed = pool.get().map(|mut connection| match &mut *connection {
            AnyConnection::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA wal_checkpoint(PASSIVE)"),
            AnyConnection::Pg(_) => Ok(()),
        });
        if let Ok(Err(error)) = checkpointed {
            tracing::warn!(%error, "the WAL checkpoint failed; the writer's own will run instead");
        }
    }
}
