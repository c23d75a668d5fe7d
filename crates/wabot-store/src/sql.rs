//! What every query module shares: the error a write's closure returns (so `?` works on diesel
//! errors and port errors alike), UTC conversion, and running one query on the concrete connection
//! of either backend (for what `MultiConnection` cannot express: `RETURNING`, `ON CONFLICT`,
//! `FOR UPDATE SKIP LOCKED`).

use chrono::{DateTime, NaiveDateTime, Utc};
use wabot_app::StoreError;

/// A port error inside a write or a read: diesel's errors convert into it, keeping their source.
#[derive(Debug)]
pub(crate) struct TxError(pub(crate) StoreError);

impl From<diesel::result::Error> for TxError {
    fn from(error: diesel::result::Error) -> Self {
        Self(StoreError::database(error))
    }
}

impl From<StoreError> for TxError {
    fn from(error: StoreError) -> Self {
        Self(error)
    }
}

impl From<TxError> for StoreError {
    fn from(TxError(error): TxError) -> Self {
        error
    }
}

/// A stored JSON value that does not read back.
pub(crate) fn corrupt_json(what: impl std::fmt::Display, error: serde_json::Error) -> TxError {
    TxError(StoreError::corrupt(what, error))
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
