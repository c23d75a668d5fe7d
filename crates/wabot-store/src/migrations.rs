//! The embedded migrations, one folder per backend with the same versions, and running them.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use wabot_app::StoreError;

use crate::connection::AnyConnection;

/// `migrations/sqlite` at the top of the repository.
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
/// `migrations/postgres` at the top of the repository.
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A failed migration, keeping the harness's error as the source.
fn failed(error: Box<dyn std::error::Error + Send + Sync>) -> StoreError {
    StoreError::Database(error)
}

/// Applies every pending migration; returns the versions applied, oldest first.
pub fn run_pending(connection: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let applied = match connection {
        AnyConnection::Pg(pg) => pg.run_pending_migrations(POSTGRES).map_err(failed)?,
        AnyConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE).map_err(failed)?,
    };
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration, newest first (for tests and `wabot migrate --revert-all`).
pub fn revert_all(connection: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let reverted = match connection {
        AnyConnection::Pg(pg) => pg.revert_all_migrations(POSTGRES).map_err(failed)?,
        AnyConnection::Sqlite(sqlite) => sqlite.revert_all_migrations(SQLITE).map_err(failed)?,
    };
    Ok(reverted.iter().map(ToString::to_string).collect())
}
