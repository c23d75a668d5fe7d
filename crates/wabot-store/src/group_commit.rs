//! Group commit on SQLite's single writer: every write — an ingest, a conversation turn, a delivery
//! claim, a send outcome — is a queued job, and one thread (`wabot-writer`) runs whatever has
//! gathered in a single transaction, each job in its own savepoint (a job alone in its batch needs
//! none: when it fails, the whole transaction is rolled back). A burst of work costs one commit
//! (one write of each changed page, at most one sync to disk) instead of one per job, and no job
//! waits for a pooled connection.
//!
//! Ingests go first: they are batched apart from the other jobs, and when both kinds wait, batches
//! of each alternate (so a webhook waits for at most one small batch of other work, and that work
//! never starves). Each caller gets its own answer, and only after the commit that holds its work: a
//! job that fails rolls back to its savepoint and leaves the others to commit; if the commit itself
//! fails, every job of the batch reports that failure and none of their work is kept. A batch is
//! synced to disk when any of its jobs asks for it ([`Durability::Disk`], ingest), so an
//! acknowledged webhook is never lost.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use diesel::Connection;
use diesel::SqliteConnection;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use tokio::sync::oneshot;
use wabot_app::StoreError;

use crate::connection::{AnyConnection, Manager};
use crate::store::{Durability, Work};

/// The most urgent jobs (ingests) committed together.
const MAX_URGENT_BATCH: usize = 64;
/// The most other jobs committed together: bounds how long an ingest arriving meanwhile waits
/// (measured: 8 gave an ack p99 of 6-7 ms at 1,000 webhooks/s, 4 gave 4.2-5.0 ms, 2 gave 4.0-4.8 ms;
/// taking more when no ingest happened to wait gave 5.5-6 ms).
const MAX_BATCH: usize = 2;

/// What a job hands back once it ran: told whether the batch committed, it answers its caller.
type Completion = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A job's work: run on the batch's connection, or told why there is none; it hands back its
/// completion and whether it failed. Its flag says whether it is alone in its batch: then it runs
/// without a savepoint of its own, and its failure rolls the batch's transaction back.
type JobWork =
    Box<dyn FnOnce(Result<&mut AnyConnection, &StoreError>, bool) -> (Completion, bool) + Send>;

/// One unit of work for the writer.
struct Job {
    durability: Durability,
    run: JobWork,
}

/// The jobs waiting for the writer. Ingests (the jobs synced to disk, whose callers are webhook
/// requests waiting to answer Meta) go first; when both kinds wait, batches of each alternate, so
/// neither starves.
#[derive(Default)]
struct Queues {
    urgent: VecDeque<Job>,
    other: VecDeque<Job>,
    urgent_went_last: bool,
    closed: bool,
}

impl Queues {
    /// The next batch, all of one kind.
    fn next_batch(&mut self) -> Vec<Job> {
        let urgent_turn =
            !self.urgent.is_empty() && (self.other.is_empty() || !self.urgent_went_last);
        self.urgent_went_last = urgent_turn;
        let (queue, limit) = if urgent_turn {
            (&mut self.urgent, MAX_URGENT_BATCH)
        } else {
            (&mut self.other, MAX_BATCH)
        };
        let take = queue.len().min(limit);
        queue.drain(..take).collect()
    }
}

#[derive(Default)]
struct Shared {
    queues: Mutex<Queues>,
    ready: Condvar,
}

/// Closes the queue when the last clone of the store is dropped, which ends the writer thread.
struct Handle(Arc<Shared>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0
            .queues
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.0.ready.notify_one();
    }
}

/// The queue to the writer thread, kept by every clone of the store.
#[derive(Clone)]
pub(crate) struct WriteQueue {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for WriteQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteQueue")
    }
}

fn lost() -> StoreError {
    StoreError::unreachable("the write was lost: its batch failed and was rolled back")
}

impl WriteQueue {
    /// Starts the writer thread on `pool` (the one-connection writer pool). The thread ends when
    /// the last clone of the queue is dropped.
    pub(crate) fn start(pool: r2d2::Pool<Manager>) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared::default());
        let writer = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("wabot-writer".into())
            .spawn(move || writer_loop(&pool, &writer))
            .map_err(|error| StoreError::unavailable("cannot start the writer", error))?;
        Ok(Self {
            handle: Arc::new(Handle(shared)),
        })
    }

    /// Runs `work` in the next batch (in a savepoint of its own) and answers once that batch has
    /// committed.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        durability: Durability,
        work: impl Work<T>,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let run = Box::new(
            move |connection: Result<&mut AnyConnection, &StoreError>, alone| {
                let result = match connection {
                    Ok(connection) if alone => work(connection).map_err(StoreError::from),
                    Ok(connection) => connection.transaction(work).map_err(StoreError::from),
                    Err(error) => Err(StoreError::unreachable(error.to_string())),
                };
                let failed = result.is_err();
                let completion = Box::new(move |commit_failure: Option<&StoreError>| {
                    let answer = match commit_failure {
                        None => result,
                        Some(error) => Err(StoreError::unreachable(format!(
                            "the transaction could not commit: {error}"
                        ))),
                    };
                    let _ = reply.send(answer);
                }) as Completion;
                (completion, failed)
            },
        );
        let job = Job { durability, run };
        {
            let shared = &self.handle.0;
            let mut queues = shared.queues.lock().unwrap_or_else(PoisonError::into_inner);
            match durability {
                Durability::Disk => queues.urgent.push_back(job),
                Durability::Process => queues.other.push_back(job),
            }
            shared.ready.notify_one();
        }
        answer.await.map_err(|_| lost())?
    }
}

fn writer_loop(pool: &r2d2::Pool<Manager>, shared: &Shared) {
    loop {
        let batch = {
            let mut queues = shared.queues.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                let batch = queues.next_batch();
                if !batch.is_empty() {
                    break batch;
                }
                if queues.closed {
                    return;
                }
                queues = shared
                    .ready
                    .wait(queues)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
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
    let alone = batch.len() == 1;
    let mut completions = Vec::with_capacity(batch.len());
    let committed = match pool.get() {
        Ok(mut connection) => in_batch_transaction(&mut connection, durability, |connection| {
            let mut failed = false;
            for job in batch.drain(..) {
                let (completion, job_failed) = (job.run)(Ok(&mut *connection), alone);
                completions.push(completion);
                failed |= job_failed;
            }
            // A lone job that failed has no savepoint to roll back: the transaction goes.
            if alone && failed {
                Finish::RollBack
            } else {
                Finish::Commit
            }
        }),
        Err(error) => Err(StoreError::unavailable("no writer connection", error)),
    };
    let failure = committed.err();
    // Jobs that never ran (no connection, or the transaction could not begin) learn why.
    if let Some(error) = &failure {
        for job in batch.drain(..) {
            completions.push((job.run)(Err(error), alone).0);
        }
    }
    for completion in completions {
        completion(failure.as_ref());
    }
}

/// How a batch's transaction ends.
enum Finish {
    Commit,
    RollBack,
}

/// Runs `work` in the batch's transaction: `BEGIN IMMEDIATE` (the write lock up front, so nothing
/// fails halfway because another process wrote), committed as far as `durability` asks, or rolled
/// back when `work` says so.
fn in_batch_transaction(
    connection: &mut AnyConnection,
    durability: Durability,
    work: impl FnOnce(&mut AnyConnection) -> Finish,
) -> Result<(), StoreError> {
    let AnyConnection::Sqlite(sqlite) = connection else {
        return Err(StoreError::Config(
            "the writer thread is for SQLite only".into(),
        ));
    };
    // The connection runs at `synchronous = NORMAL`; a batch that must reach the disk raises it
    // for its own commit.
    let synced = durability == Durability::Disk;
    if synced {
        sqlite
            .batch_execute("PRAGMA synchronous = FULL")
            .map_err(StoreError::database)?;
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
        .map_err(StoreError::database)?;
    let finish = work(connection);
    let AnyConnection::Sqlite(sqlite) = connection else {
        return Err(StoreError::Config(
            "the writer thread is for SQLite only".into(),
        ));
    };
    let committed = match finish {
        Finish::Commit => commit(sqlite),
        Finish::RollBack => {
            AnsiTransactionManager::rollback_transaction(sqlite).map_err(StoreError::database)
        }
    };
    if synced {
        sqlite
            .batch_execute("PRAGMA synchronous = NORMAL")
            .map_err(StoreError::database)?;
    }
    committed
}

/// Commits the batch, or rolls it back when the commit fails.
fn commit(sqlite: &mut SqliteConnection) -> Result<(), StoreError> {
    AnsiTransactionManager::commit_transaction(sqlite).map_err(|error| {
        let _ = AnsiTransactionManager::rollback_transaction(sqlite);
        StoreError::database(error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::TxError;

    fn job(durability: Durability) -> Job {
        Job {
            durability,
            run: Box::new(|_, _| (Box::new(|_: Option<&StoreError>| {}) as Completion, false)),
        }
    }

    fn kinds(batch: &[Job]) -> Vec<Durability> {
        batch.iter().map(|job| job.durability).collect()
    }

    #[test]
    fn ingests_go_first_and_other_work_still_moves() {
        let mut queues = Queues::default();
        for _ in 0..5 {
            queues.other.push_back(job(Durability::Process));
        }
        for _ in 0..3 {
            queues.urgent.push_back(job(Durability::Disk));
        }
        assert_eq!(kinds(&queues.next_batch()), vec![Durability::Disk; 3]);
        assert_eq!(
            kinds(&queues.next_batch()),
            vec![Durability::Process; MAX_BATCH]
        );
        queues.urgent.push_back(job(Durability::Disk));
        assert_eq!(kinds(&queues.next_batch()), vec![Durability::Disk]);
        // With ingests arriving all the time, batches alternate: other work never starves.
        queues.urgent.push_back(job(Durability::Disk));
        assert_eq!(
            kinds(&queues.next_batch()),
            vec![Durability::Process; MAX_BATCH]
        );
        assert_eq!(kinds(&queues.next_batch()), vec![Durability::Disk]);
        assert_eq!(queues.next_batch().len(), 1, "the last other job");
        assert!(queues.next_batch().is_empty());
    }

    /// A writer on a new SQLite file, and the file's folder.
    fn writer() -> (WriteQueue, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "wabot_writer_{}_{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let url = crate::connection::DatabaseUrl::Sqlite {
            path: dir.join("w.db").display().to_string(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(1)
            .build(Manager::new(url))
            .unwrap();
        (WriteQueue::start(pool).unwrap(), dir)
    }

    async fn count(queue: &WriteQueue) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        queue
            .write(Durability::Process, |c| {
                Ok(diesel::sql_query("SELECT count(*) AS n FROM t")
                    .get_result::<Count>(c)
                    .unwrap()
                    .n)
            })
            .await
            .unwrap()
    }

    fn insert(c: &mut AnyConnection) -> Result<(), TxError> {
        use diesel::RunQueryDsl;
        diesel::sql_query("INSERT INTO t VALUES (1)").execute(c)?;
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_or_panicking_write_loses_only_itself_and_the_writer_goes_on() {
        use diesel::RunQueryDsl;
        let (queue, dir) = writer();
        queue
            .write(Durability::Disk, |c| {
                diesel::sql_query("CREATE TABLE t (x INTEGER)").execute(c)?;
                Ok(())
            })
            .await
            .unwrap();
        // Several jobs at once share batches; the failing one is rolled back alone.
        let (ok, failing, also_ok) = tokio::join!(
            queue.write(Durability::Process, insert),
            queue.write(Durability::Process, |c| {
                insert(c)?;
                Err::<(), _>(TxError(StoreError::Database("refused".into())))
            }),
            queue.write(Durability::Disk, insert),
        );
        assert!(ok.is_ok() && also_ok.is_ok());
        assert!(matches!(failing, Err(StoreError::Database(_))));
        assert_eq!(count(&queue).await, 2);
        // Alone in its batch (no savepoint), a failing write is rolled back with its transaction.
        let lone = queue
            .write(Durability::Disk, |c| {
                insert(c)?;
                Err::<(), _>(TxError(StoreError::Database("refused".into())))
            })
            .await;
        assert!(matches!(lone, Err(StoreError::Database(_))), "{lone:?}");
        assert_eq!(
            count(&queue).await,
            2,
            "the lone failing write left nothing"
        );
        let panicked = queue
            .write(Durability::Process, |c| -> Result<(), TxError> {
                insert(c)?;
                panic!("a bug in a write");
            })
            .await;
        assert!(
            matches!(panicked, Err(StoreError::Unavailable { .. })),
            "{panicked:?}"
        );
        queue.write(Durability::Process, insert).await.unwrap();
        assert_eq!(
            count(&queue).await,
            3,
            "the panicking write left nothing behind"
        );
        drop(queue);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_urgent_batch_is_bounded() {
        let mut queues = Queues::default();
        for _ in 0..MAX_URGENT_BATCH + 3 {
            queues.urgent.push_back(job(Durability::Disk));
        }
        assert_eq!(queues.next_batch().len(), MAX_URGENT_BATCH);
        assert_eq!(queues.next_batch().len(), 3);
    }
}
