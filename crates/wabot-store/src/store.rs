//! [`DieselStore`]: the pools, and running blocking diesel work off the async threads. Every write
//! of the store goes through [`DieselStore::write`] (survives a crash of the process) or
//! [`DieselStore::write_durable`] (survives a power loss too: ingest), which run their closure in a
//! transaction on PostgreSQL and in a savepoint of the writer thread's batch on SQLite; no other
//! code opens a transaction of its own.

use diesel::r2d2::PooledConnection;
use wabot_app::StoreError;

use crate::checkpointer::Checkpointer;
use crate::connection::{AnyConnection, DatabaseUrl, Manager};
use crate::file_check::DatabaseFile;
use crate::group_commit::WriteQueue;
use crate::migrations;
use crate::sql::TxError;

type Pool = r2d2::Pool<Manager>;

/// The longest a readiness ping waits for a connection.
const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Storage over SQLite or PostgreSQL. Cheap to clone (the pools are shared).
///
/// On SQLite, writes go through one connection, because SQLite has one writer at a time anyway
/// and a single in-process writer never meets `SQLITE_BUSY` between its own connections; they are
/// queued to the writer thread, which commits whatever has gathered together (group commit, see
/// `group_commit`). Reads use a separate pool. On PostgreSQL reads and writes share one pool and
/// run side by side (PostgreSQL groups concurrent commits itself).
#[derive(Clone, Debug)]
pub struct DieselStore {
    pools: Pools,
}

/// The connection pools, and running work on them off the async threads.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    url: DatabaseUrl,
    writer: Pool,
    reader: Pool,
    /// SQLite's writer thread.
    queue: Option<WriteQueue>,
    /// The SQLite file, checked by `ping`.
    file: Option<DatabaseFile>,
    /// SQLite's WAL checkpoints, off the writer thread.
    _checkpointer: Option<Checkpointer>,
    /// The migrations this store applied when it opened, oldest first.
    applied: std::sync::Arc<[String]>,
}

/// How far a write must have reached before it returns. PostgreSQL always syncs its commits; on
/// SQLite (WAL mode) the writer's batch is synced when any of its writes asks for `Disk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Written to the write-ahead log: survives a crash of the process (`synchronous = NORMAL`).
    /// The next `Disk` commit or checkpoint takes it to the disk with it.
    Process,
    /// Synced to the disk: survives a power loss too (`synchronous = FULL`). Used for ingest, so an
    /// acknowledged webhook is never lost.
    Disk,
}

/// The closure a write or a read runs: one connection, and `?` for diesel and port errors alike.
pub(crate) trait Work<T>:
    FnOnce(&mut AnyConnection) -> Result<T, TxError> + Send + 'static
{
}

impl<T, F> Work<T> for F where F: FnOnce(&mut AnyConnection) -> Result<T, TxError> + Send + 'static {}

impl DieselStore {
    /// Opens (and for SQLite creates) the database and applies pending migrations (see
    /// [`DieselStore::applied_migrations`]). `pool_size` is the number of connections for reads (and, on PostgreSQL, writes).
    pub async fn open(url: &str, pool_size: u32) -> Result<Self, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        let pools = tokio::task::spawn_blocking(move || Pools::open(url, pool_size))
            .await
            .map_err(|error| StoreError::unavailable("opening the database", error))??;
        Ok(Self { pools })
    }

    /// Applies pending migrations (creating a SQLite file if needed) and returns their versions.
    pub async fn migrate(url: &str) -> Result<Vec<String>, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        tokio::task::spawn_blocking(move || {
            Pools::create_folder(&url)?;
            use r2d2::ManageConnection;
            let mut connection = Manager::new(url.clone())
                .connect()
                .map_err(|error| StoreError::unavailable(&url, error))?;
            migrations::run_pending(&mut connection)
        })
        .await
        .map_err(|error| StoreError::unavailable("migrating the database", error))?
    }

    /// The database this store uses (password masked when shown).
    pub fn url(&self) -> &DatabaseUrl {
        &self.pools.url
    }

    /// The versions of the migrations [`DieselStore::open`] applied, oldest first (empty when the
    /// database was up to date).
    pub fn applied_migrations(&self) -> &[String] {
        &self.pools.applied
    }

    /// Runs `work` as one write: all of it commits, or none of it, and it survives a crash of the
    /// process once this returns. The one way to write: on PostgreSQL a transaction of its own, on
    /// SQLite a savepoint of the writer thread's next batch (see `group_commit`); `work` never
    /// opens a transaction itself.
    pub(crate) async fn write<T: Send + 'static>(
        &self,
        work: impl Work<T>,
    ) -> Result<T, StoreError> {
        self.pools.write_with(Durability::Process, work).await
    }

    /// [`DieselStore::write`], synced to disk before it returns (what ingest needs: an acknowledged
    /// webhook survives a power loss).
    pub(crate) async fn write_durable<T: Send + 'static>(
        &self,
        work: impl Work<T>,
    ) -> Result<T, StoreError> {
        self.pools.write_with(Durability::Disk, work).await
    }

    /// Runs `work` with a reader connection on a blocking thread.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        work: impl Work<T>,
    ) -> Result<T, StoreError> {
        self.pools.read(work).await
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<(), StoreError> {
        if let Some(file) = &self.pools.file {
            file.check()?;
        }
        // A probe must answer quickly: wait for a connection at most PING_TIMEOUT, not the pool's 10 s.
        let pool = self.pools.reader.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::r2d2::R2D2Connection;
            let mut connection = pool.get_timeout(PING_TIMEOUT).map_err(unavailable)?;
            connection.ping().map_err(StoreError::database)
        })
        .await
        .map_err(|error| StoreError::unavailable("a database task failed", error))?
    }
}

impl Pools {
    /// Creates the folder of a SQLite file if it does not exist.
    fn create_folder(url: &DatabaseUrl) -> Result<(), StoreError> {
        if let DatabaseUrl::Sqlite { path } = url
            && let Some(folder) = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|error| {
                StoreError::Config(format!("cannot create {}: {error}", folder.display()))
            })?;
        }
        Ok(())
    }

    fn open(url: DatabaseUrl, pool_size: u32) -> Result<Self, StoreError> {
        Self::create_folder(&url)?;
        let build = |size: u32| {
            r2d2::Pool::builder()
                .max_size(size.max(1))
                .connection_timeout(std::time::Duration::from_secs(10))
                // No `SELECT 1` before every use (a round trip per write on PostgreSQL): a
                // connection that broke is found by its failing statement, reported to the
                // caller (whose work is retried: a webhook is answered 503 and redelivered, a
                // worker tries again), and dropped by the pool (`has_broken`).
                .test_on_check_out(false)
                .build(Manager::new(url.clone()))
                .map_err(|error| StoreError::unavailable(&url, error))
        };
        let writer = build(if url.is_sqlite() { 1 } else { pool_size })?;
        let applied = migrations::run_pending(&mut *writer.get().map_err(unavailable)?)?;
        let reader = if url.is_sqlite() {
            build(pool_size)?
        } else {
            writer.clone()
        };
        let (file, queue, checkpointer) = match &url {
            DatabaseUrl::Sqlite { path } => (
                Some(DatabaseFile::remember(path)?),
                Some(WriteQueue::start(writer.clone())?),
                Some(Checkpointer::start(reader.clone())?),
            ),
            _ => (None, None, None),
        };
        Ok(Self {
            url,
            writer,
            reader,
            queue,
            file,
            _checkpointer: checkpointer,
            applied: applied.into(),
        })
    }

    /// Runs `work` as one write: queued to the writer thread on SQLite (which runs it in a
    /// savepoint of its next batch and syncs that batch as `durability` asks), in a transaction on
    /// a pooled connection of its own on PostgreSQL.
    async fn write_with<T: Send + 'static>(
        &self,
        durability: Durability,
        work: impl Work<T>,
    ) -> Result<T, StoreError> {
        match &self.queue {
            Some(queue) => queue.write(durability, work).await,
            None => {
                Self::blocking(self.writer.clone(), move |connection| {
                    pg_transaction(connection, durability, work)
                })
                .await
            }
        }
    }

    /// Runs `work` with a reader connection on a blocking thread.
    async fn read<T: Send + 'static>(&self, work: impl Work<T>) -> Result<T, StoreError> {
        Self::blocking(self.reader.clone(), work).await
    }

    async fn blocking<T: Send + 'static>(pool: Pool, work: impl Work<T>) -> Result<T, StoreError> {
        tokio::task::spawn_blocking(move || {
            let mut connection: PooledConnection<Manager> = pool.get().map_err(unavailable)?;
            Ok(work(&mut connection)?)
        })
        .await
        .map_err(|error| StoreError::unavailable("a database task failed", error))?
    }
}

/// One write's transaction on PostgreSQL. Its connections commit without waiting for the WAL to
/// reach the disk (`synchronous_commit = off`, set when they connect): such a commit survives a
/// crash of this process, and a crash of the database server loses at most its last fraction of
/// a second, never consistency — what [`Durability::Process`] promises, as SQLite's
/// `synchronous = NORMAL` does. A [`Durability::Disk`] write (ingest) waits for the flush of its
/// own commit, asked in the same round trip as its `BEGIN`.
fn pg_transaction<T>(
    connection: &mut AnyConnection,
    durability: Durability,
    work: impl Work<T>,
) -> Result<T, TxError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let begin = match durability {
        Durability::Disk => "BEGIN; SET LOCAL synchronous_commit = on",
        Durability::Process => "BEGIN",
    };
    fn postgres(connection: &mut AnyConnection) -> Result<&mut diesel::PgConnection, TxError> {
        match connection {
            AnyConnection::Pg(pg) => Ok(pg),
            AnyConnection::Sqlite(_) => Err(StoreError::Config(
                "a PostgreSQL transaction on another database".into(),
            )
            .into()),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(postgres(connection)?, begin)?;
    let result = work(connection);
    let pg = postgres(connection)?;
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(pg)?;
            Ok(value)
        }
        Err(error) => {
            // A failed rollback leaves the connection marked broken: the pool drops it.
            let _ = AnsiTransactionManager::rollback_transaction(pg);
            Err(error)
        }
    }
}

impl wabot_app::Health for DieselStore {
    async fn ping(&self) -> Result<(), StoreError> {
        DieselStore::ping(self).await
    }
}

fn unavailable(error: r2d2::Error) -> StoreError {
    StoreError::unavailable("no database connection", error)
}
