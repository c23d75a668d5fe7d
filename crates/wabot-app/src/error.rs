//! The error every storage port returns.

/// Why a storage port call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else saved this conversation since it was loaded: the step must be taken again.
    #[error("the conversation was changed by someone else (expected version {expected})")]
    StaleSession {
        /// The version the writer had loaded.
        expected: i64,
    },
    /// The lease on a conversation or outbound message expired and was taken by another worker.
    #[error("the lease was lost to another worker")]
    LeaseLost,
    /// A record that should exist does not.
    #[error("not found: {0}")]
    NotFound(String),
    /// A stored value could not be read back (bad JSON, an unknown status).
    #[error("a stored value is invalid: {0}")]
    Corrupt(String),
    /// The database answered with an error.
    #[error("database error: {0}")]
    Database(String),
    /// No connection could be had (the database is down, the pool is exhausted).
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The store was configured wrongly (an unknown URL scheme, say).
    #[error("invalid store configuration: {0}")]
    Config(String),
}
