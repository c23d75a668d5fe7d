//! Fresh planner statistics for the tables every message writes, on PostgreSQL.
//!
//! PostgreSQL plans a prepared statement once with generic parameters and keeps that plan. On a
//! young database (its tables never analyzed, autovacuum's first look up to a minute away) every
//! index looks alike, and the plan kept for "this contact's pending messages" walked
//! `inbound_items_claim_order` (every pending message of every conversation) instead of the
//! contact's own index: 0.9 ms a turn during a burst of 5,000 first messages, the largest cost of
//! the database. The same happens on an old database whose statistics were taken while almost
//! nothing was pending, when a burst (Meta redelivering a backlog) fills the queue: autovacuum
//! waits for a tenth of a large table to change. [`DieselStore::refresh_statistics`] analyzes a
//! hot table once a thousand of its rows changed since its last analysis (at most twice a
//! minute); the new statistics make every connection plan again. On SQLite it does nothing (its
//! planner takes no statistics here).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use wabot_app::StoreError;

use crate::connection::AnyConnection;
use crate::store::DieselStore;

/// The tables every message changes, whose plans matter most.
const HOT_TABLES: [&str; 6] = [
    "inbound_items",
    "outbox",
    "messages",
    "contacts",
    "sessions",
    "webhook_events",
];

/// Rows changed since the last analysis that make a table worth analyzing again (at most twice a
/// minute: an analysis samples at most 30,000 rows, tens of milliseconds on a large table).
const CHANGED_ROWS: i64 = 1_000;

#[derive(QueryableByName)]
struct Stale {
    #[diesel(sql_type = Text)]
    relname: String,
    #[diesel(sql_type = BigInt)]
    changed: i64,
}

impl DieselStore {
    /// Analyzes the hot tables whose statistics are stale (see the module doc); returns the names
    /// of the tables analyzed. Nothing on SQLite.
    pub async fn refresh_statistics(&self) -> Result<Vec<String>, StoreError> {
        if self.url().is_sqlite() {
            return Ok(Vec::new());
        }
        self.read(|connection| {
            let AnyConnection::Pg(pg) = connection else {
                return Ok(Vec::new());
            };
            let stale = diesel::sql_query(
                "SELECT relname::text AS relname, n_mod_since_analyze AS changed \
                 FROM pg_stat_user_tables \
                 WHERE relname = ANY($1) AND n_mod_since_analyze >= $2 \
                   AND GREATEST(COALESCE(last_analyze, '-infinity'), \
                                COALESCE(last_autoanalyze, '-infinity')) \
                       < now() - interval '30 seconds'",
            )
            .bind::<diesel::sql_types::Array<Text>, _>(HOT_TABLES.as_slice())
            .bind::<BigInt, _>(CHANGED_ROWS)
            .load::<Stale>(pg)?;
            let mut analyzed = Vec::with_capacity(stale.len());
            for table in stale {
                // The name comes from the fixed list above, never from input.
                if let Some(name) = HOT_TABLES.iter().find(|name| **name == table.relname) {
                    diesel::sql_query(format!("ANALYZE {name}")).execute(pg)?;
                    tracing::debug!(
                        table = name,
                        changed = table.changed,
                        "statistics refreshed"
                    );
                    analyzed.push((*name).to_owned());
                }
            }
            Ok(analyzed)
        })
        .await
    }
}
