//! Transactions that carry the port error, time conversion, and running one query on the concrete
//! connection of either backend (for what `MultiConnection` cannot express: `RETURNING`,
//! `ON CONFLICT`, `FOR UPDATE SKIP LOCKED`).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use wabot_app::StoreError;

use crate::connection::AnyConnection;
use crate::store::database;

/// A port error inside a diesel transaction.
pub(crate) struct TxError(pub(crate) StoreError);

impl From<diesel::result::Error> for TxError {
    fn from(error: diesel::result::Error) -> Self {
        Self(database(error))
    }
}

impl From<StoreError> for TxError {
    fn from(error: StoreError) -> Self {
        Self(error)
    }
}

/// Runs `work` in one transaction: all of it commits, or none of it. On SQLite the transaction is
/// `BEGIN IMMEDIATE`: it takes the write lock up front (waiting up to the busy timeout), so a
/// transaction that reads and then writes never fails halfway because another connection wrote; its
/// commit survives a crash of the process ([`Durability::Process`]).
pub(crate) fn transaction<T>(
    connection: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, TxError>,
) -> Result<T, StoreError> {
    transaction_with(connection, Durability::Process, work)
}

/// How far a SQLite commit must have reached before it returns (PostgreSQL always syncs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Written to the write-ahead log: survives a crash of the process (`synchronous = NORMAL`).
    /// The next `Disk` commit or checkpoint takes it to the disk with it.
    Process,
    /// Synced to the disk: survives a power loss too (`synchronous = FULL`). Used for ingest, so an
    /// acknowledged webhook is never lost.
    Disk,
}

/// [`transaction`] with a chosen [`Durability`].
pub(crate) fn transaction_with<T>(
    connection: &mut AnyConnection,
    durability: Durability,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, TxError>,
) -> Result<T, StoreError> {
    let nested = match connection {
        AnyConnection::Sqlite(sqlite) => in_transaction(sqlite),
        AnyConnection::Pg(_) => false,
    };
    if durability == Durability::Disk
        && !nested
        && let AnyConnection::Sqlite(sqlite) = connection
    {
        sqlite
            .batch_execute("PRAGMA synchronous = FULL")
            .map_err(database)?;
        let result = transaction_with(connection, Durability::Process, work);
        if let AnyConnection::Sqlite(sqlite) = connection {
            sqlite
                .batch_execute("PRAGMA synchronous = NORMAL")
                .map_err(database)?;
        }
        return result;
    }
    match connection {
        AnyConnection::Pg(_) => connection.transaction(work).map_err(|TxError(error)| error),
        // Already inside a transaction (a job of the writer's batch, see `group_commit`): a
        // savepoint, whose durability is the batch's.
        AnyConnection::Sqlite(_) if nested => {
            connection.transaction(work).map_err(|TxError(error)| error)
        }
        AnyConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")
                .map_err(database)?;
            let result = work(connection);
            let AnyConnection::Sqlite(sqlite) = connection else {
                return Err(StoreError::Database(
                    "the connection changed backend".into(),
                ));
            };
            match result {
                Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite) {
                    Ok(()) => Ok(value),
                    Err(error) => {
                        let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                        Err(database(error))
                    }
                },
                Err(TxError(error)) => {
                    AnsiTransactionManager::rollback_transaction(sqlite).map_err(database)?;
                    Err(error)
                }
            }
        }
    }
}

/// Whether a transaction is open on the connection (a broken transaction manager counts as open,
/// so nothing begins on it).
fn in_transaction(sqlite: &mut diesel::SqliteConnection) -> bool {
    !matches!(
        AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth(),
        Ok(None)
    )
}

/// UTC as stored (timestamps without zone, always UTC).
pub(crate) fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

/// A stored timestamp back as UTC.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Runs the same diesel code on the concrete connection of either backend.
macro_rules! per_backend {
    ($connection:expr, |$c:ident| $body:expr) => {
        match $connection {
            $crate::connection::AnyConnection::Pg($c) => $body,
            $crate::connection::AnyConnection::Sqlite($c) => $body,
        }
    };
}
pub(crate) use per_backend;
