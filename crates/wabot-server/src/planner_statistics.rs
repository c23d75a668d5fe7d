//! On PostgreSQL, a task that keeps the planner's statistics of the hot tables fresh while the
//! database is young (`DieselStore::refresh_statistics`): every few seconds it looks, and analyzes
//! a table only when it changed much since its last analysis.

use std::time::Duration;

use wabot_store::DieselStore;

/// How often the statistics are looked at.
const EVERY: Duration = Duration::from_secs(5);

/// Runs until the process ends; on SQLite it returns at once.
pub async fn keep_fresh(store: DieselStore) {
    if store.url().is_sqlite() {
        return;
    }
    loop {
        tokio::time::sleep(EVERY).await;
        match store.refresh_statistics().await {
            Ok(analyzed) if !analyzed.is_empty() => {
                tracing::info!(tables = ?analyzed, "planner statistics refreshed");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not refresh the planner statistics"),
        }
    }
}
