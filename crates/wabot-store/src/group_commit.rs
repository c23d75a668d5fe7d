//! Group commit on SQLite's single writer: every write — an ingest, a claim, a conversation step, a
//! send outcome — is a job on one queue, and one thread (`wabot-writer`) runs whatever has gathered
//! in a single transaction, each job in its own savepoint. A burst of work costs one commit (one
//! write of each changed page, at most one sync to disk) instead of one per job, and no job waits for
//! a pooled connection.
//!
//! Each caller still gets its own answer, and only after the commit that holds its work: a job that
//! fails rolls back to its savepoint and leaves the others to commit; if the commit itself fails,
//! every job of the batch reports that failure and none of their work is kept. The batch is synced
//! to disk when any of its jobs asks for it ([`Durability::Disk`], ingest), so an acknowledged
//! webhook is never lost.

use std::panic::AssertUnwindSafe;

use diesel::Connection;
use tokio::sync::{mpsc, oneshot};
use wabot_app::StoreError;

use crate::connection::{AnyConnection, Manager};
use crate::tx::{Durability, TxError, transaction_with};

/// The most jobs run in one transaction: bounds how long the first of them waits for the commit.
const MAX_BATCH: usize = 64;
/// How many jobs may wait before callers are slowed down.
const QUEUE: usize = 4096;

/// What a job hands back once it ran: told whether the batch committed, it answers its caller.
type Completion = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// One unit of work for the writer: run on the batch's connection, or told why there is none.
struct Job {
    durability: Durability,
    run: Box<dyn FnOnce(Result<&mut AnyConnection, &StoreError>) -> Completion + Send>,
}

/// The queue to the writer thread, kept by every clone of the store.
#[derive(Clone, Debug)]
pub(crate) struct WriteQueue {
    sender: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Job({:?})", self.durability)
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the database writer has stopped".into())
}

fn lost() -> StoreError {
    StoreError::Unavailable("the write was lost: its batch failed and was rolled back".into())
}

impl WriteQueue {
    /// Starts the writer thread on `pool` (the one-connection writer pool). The thread ends when
    /// the last clone of the queue is dropped.
    pub(crate) fn start(pool: r2d2::Pool<Manager>) -> Result<Self, StoreError> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("wabot-writer".into())
            .spawn(move || writer_loop(&pool, receiver))
            .map_err(|error| {
                StoreError::Unavailable(format!("cannot start the writer: {error}"))
            })?;
        Ok(Self { sender })
    }

    /// Runs `work` in the next batch (in a savepoint of its own) and answers once that batch has
    /// committed.
    pub(crate) async fn write<T, F>(&self, durability: Durability, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let run = Box::new(move |connection: Result<&mut AnyConnection, &StoreError>| {
            let result = match connection {
                Ok(connection) => connection
                    .transaction(|savepoint| work(savepoint).map_err(TxError))
                    .map_err(|TxError(error)| error),
                Err(error) => Err(StoreError::Unavailable(error.to_string())),
            };
            Box::new(move |commit_failure: Option<&StoreError>| {
                let answer = match commit_failure {
                    None => result,
                    Some(error) => Err(StoreError::Unavailable(format!(
                        "the transaction could not commit: {error}"
                    ))),
                };
                let _ = reply.send(answer);
            }) as Completion
        });
        self.sender
            .send(Job { durability, run })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| lost())?
    }
}

fn writer_loop(pool: &r2d2::Pool<Manager>, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A job that panics must not take the writer with it: its batch is lost (rolled back; its
        // callers learn their write was lost), the connection is discarded by the pool as broken
        // (it is still inside a transaction), and the next batch starts afresh.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| run_batch(pool, batch)));
    }
}

/// Runs one batch in one transaction and answers every job.
fn run_batch(pool: &r2d2::Pool<Manager>, mut batch: Vec<Job>) {
    let durability = if batch.iter().any(|job| job.durability == Durability::Disk) {
        Durability::Disk
    } else {
        Durability::Process
    };
    let mut completions = Vec::with_capacity(batch.len());
    let committed = match pool.get() {
        Ok(mut connection) => transaction_with(&mut connection, durability, |connection| {
            for job in batch.drain(..) {
                completions.push((job.run)(Ok(&mut *connection)));
            }
            Ok(())
        }),
        Err(error) => Err(StoreError::Unavailable(error.to_string())),
    };
    let failure = committed.err();
    // Jobs that never ran (no connection, or the transaction could not begin) learn why.
    if let Some(error) = &failure {
        for job in batch.drain(..) {
            completions.push((job.run)(Err(error)));
        }
    }
    for completion in completions {
        completion(failure.as_ref());
    }
}
