//! The error every storage port returns. Errors from below (the database driver, the pool, a JSON
//! parser) are kept as the [`std::error::Error::source`] of the variant that carries them.

/// A lower-level error kept as the cause of a [`StoreError`].
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a storage port call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else saved this conversation since it was loaded: the step must be taken again.
    #[error("the conversation was changed by someone else (expected version {expected})")]
    StaleSession {
        /// The version the writer had loaded.
        expected: i64,
    },
    /// The lease on an outbound message expired and was taken by another sender.
    #[error("the lease was lost to another worker")]
    LeaseLost,
    /// A record that should exist does not.
    #[error("not found: {0}")]
    NotFound(String),
    /// The record cannot be made as asked: one with the same unique name exists.
    #[error("already exists: {0}")]
    Conflict(String),
    /// A stored value could not be read back (bad JSON, an unknown state name).
    #[error("a stored value is invalid: {what}")]
    Corrupt {
        /// Which value, and why.
        what: String,
        /// The parser's error, when there is one.
        #[source]
        source: Option<Cause>,
    },
    /// The database answered with an error.
    #[error("database error: {0}")]
    Database(#[source] Cause),
    /// No connection could be had (the database is down, the pool is exhausted, a task failed).
    #[error("the database is unavailable: {what}")]
    Unavailable {
        /// What could not be done, with the cause's own words.
        what: String,
        /// The cause, when there is one.
        #[source]
        source: Option<Cause>,
    },
    /// The store was configured wrongly (an unknown URL scheme, say).
    #[error("invalid store configuration: {0}")]
    Config(String),
    /// Not a failure: the step needs data from outside first (a lookup of the business's own
    /// system). The conversation's messages are held until `until` and stay pending.
    #[error("the step waits for a lookup")]
    StepDeferred {
        /// Until when no other turn takes the conversation.
        until: chrono::DateTime<chrono::Utc>,
    },
}

impl StoreError {
    /// A database error, keeping the driver's error as the source.
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Database(Box::new(error))
    }

    /// An unreadable stored value: `what` says which, `error` (kept as the source) why.
    pub fn corrupt(
        what: impl std::fmt::Display,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let (what, source) = with_cause(what, error);
        Self::Corrupt { what, source }
    }

    /// An invalid stored value with no lower-level error behind it.
    pub fn invalid(what: impl Into<String>) -> Self {
        Self::Corrupt {
            what: what.into(),
            source: None,
        }
    }

    /// The database could not be reached: `what` says what failed, `error` (kept as the source) why.
    pub fn unavailable(
        what: impl std::fmt::Display,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let (what, source) = with_cause(what, error);
        Self::Unavailable { what, source }
    }

    /// The database could not be reached, for a reason no lower-level error describes.
    pub fn unreachable(what: impl Into<String>) -> Self {
        Self::Unavailable {
            what: what.into(),
            source: None,
        }
    }
}

/// What failed with the cause's own words (logs show only the top error), and the cause kept.
fn with_cause(
    what: impl std::fmt::Display,
    error: impl std::error::Error + Send + Sync + 'static,
) -> (String, Option<Cause>) {
    (format!("{what}: {error}"), Some(Box::new(error)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_is_kept_as_the_source() {
        let parse = serde_json::from_str::<u8>("x").unwrap_err();
        let error = StoreError::corrupt("session 7", parse);
        assert!(
            error
                .to_string()
                .starts_with("a stored value is invalid: session 7: ")
        );
        let source = std::error::Error::source(&error).expect("a source");
        assert!(source.downcast_ref::<serde_json::Error>().is_some());
        let io = std::io::Error::other("disk gone");
        let error = StoreError::database(io);
        assert_eq!(error.to_string(), "database error: disk gone");
        assert!(std::error::Error::source(&error).is_some());
        assert!(std::error::Error::source(&StoreError::invalid("a state")).is_none());
    }
}
