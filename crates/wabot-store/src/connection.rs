//! One connection type over both backends, the database URL that chooses between them, and the r2d2
//! manager that opens and prepares connections.

use std::fmt;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use wabot_app::StoreError;

/// A connection to SQLite or PostgreSQL; queries written once run on either.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL.
    Pg(PgConnection),
    /// SQLite (bundled).
    Sqlite(SqliteConnection),
}

/// Which database, from its URL. Anything but `sqlite://` and `postgres://` (or `postgresql://`)
/// is refused: a mistyped URL must never silently become a new SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: a file (created if missing), relative to the working directory unless absolute.
    Sqlite {
        /// The file path.
        path: String,
    },
    /// `postgres://USER:PASSWORD@HOST:PORT/DB?...`.
    Postgres {
        /// The whole URL, as libpq takes it.
        url: String,
    },
}

impl DatabaseUrl {
    /// Reads a `database.url` setting.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path == ":memory:" {
                return Err(StoreError::Config(
                    "sqlite:// needs a file path (an in-memory database would lose everything)"
                        .into(),
                ));
            }
            return Ok(Self::Sqlite {
                path: path.to_owned(),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: url.to_owned(),
            });
        }
        let scheme = url
            .split("://")
            .next()
            .filter(|_| url.contains("://"))
            .unwrap_or("(none)");
        Err(StoreError::Config(format!(
            "unsupported database URL scheme `{scheme}`: use sqlite://PATH or postgres://…"
        )))
    }

    /// Whether this is SQLite.
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite { .. })
    }
}

/// Shows the URL with any password replaced by `***`.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { path } => write!(f, "sqlite://{path}"),
            Self::Postgres { url } => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.split_once('@') {
                    Some((credentials, host)) => {
                        let user = credentials.split(':').next().unwrap_or_default();
                        write!(f, "{scheme}://{user}:***@{host}")
                    }
                    None => write!(f, "{scheme}://{rest}"),
                }
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// How long a SQLite connection waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// Opens connections for the pool, preparing each SQLite one: a busy timeout (set first, so the
/// other settings wait for a lock too), 1 KiB pages for a new database (every commit writes each page
/// it changed whole, and a message changes a few dozen pages, mostly index pages each holding one
/// new entry: at 1,000 webhooks/s 4 KiB pages wrote 148 MB/s, 1 KiB pages 55 MB/s; an existing file
/// keeps its page size), write-ahead log, `synchronous = NORMAL` (a commit survives a
/// crash of the process; ingest raises it to `FULL` for its own commits, see `store::Durability`),
/// foreign keys, and temporary files in memory: group commit runs each write in a savepoint (see
/// `group_commit`), which keeps the pages it changes in a statement journal that SQLite otherwise
/// spills to a temporary file — measured at 1,000 webhooks/s, about 40 % of all bytes written.
#[derive(Clone, Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    /// A manager for `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        match &self.url {
            DatabaseUrl::Sqlite { path } => {
                let mut connection = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                connection
                    .batch_execute(&format!(
                        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA page_size = 1024; \
                         PRAGMA journal_mode = WAL; \
                         PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                         PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384;"
                    ))
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(connection))
            }
            DatabaseUrl::Postgres { url } => {
                let mut connection =
                    PgConnection::establish(url).map_err(diesel::r2d2::Error::ConnectionError)?;
                // Commits do not wait for the WAL flush unless a write asks (ingest does): see
                // `store::pg_transaction`.
                connection
                    .batch_execute("SET synchronous_commit = off")
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(AnyConnection::Pg(connection))
            }
        }
    }

    fn is_valid(&self, connection: &mut AnyConnection) -> Result<(), Self::Error> {
        connection.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, connection: &mut AnyConnection) -> bool {
        connection.is_broken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_or_are_refused() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/wabot.db").unwrap(),
            DatabaseUrl::Sqlite {
                path: "data/wabot.db".into()
            }
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite {
                path: "/tmp/x.db".into()
            }
        );
        assert!(DatabaseUrl::parse("postgres://u:p@localhost/db").is_ok());
        assert!(DatabaseUrl::parse("postgresql://localhost/db").is_ok());
        for bad in [
            "postgress://localhost/db",
            "mysql://x",
            "data/wabot.db",
            "sqlite://",
            "sqlite://:memory:",
            "",
        ] {
            assert!(
                matches!(DatabaseUrl::parse(bad), Err(StoreError::Config(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_password_never_shows() {
        let url = DatabaseUrl::parse("postgres://wabot:s3cret@db:5432/wabot").unwrap();
        assert_eq!(url.to_string(), "postgres://wabot:***@db:5432/wabot");
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
