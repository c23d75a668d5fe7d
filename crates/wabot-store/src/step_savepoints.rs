//! The savepoints that keep each conversation step of a write apart, so a failed step is undone
//! alone. On SQLite a savepoint is diesel's nested transaction (in process, cheap). On PostgreSQL
//! each savepoint is a round trip to make and one to release; there one step's release and the next
//! step's savepoint go together in one round trip, and the last one is released by the commit:
//! one round trip a step instead of two.

use diesel::Connection;
use diesel::connection::SimpleConnection;

use crate::connection::AnyConnection;
use crate::sql::TxError;

/// The savepoint of the steps of one write (see the module doc).
#[derive(Debug, Default)]
pub(crate) struct StepSavepoints {
    /// PostgreSQL: the savepoint made for the step before is still open.
    open: bool,
}

/// The first step's savepoint on PostgreSQL (`wabot_step`, one name for every step of a write).
const FIRST: &str = "SAVEPOINT wabot_step";
/// A later step's: the step before kept, and a savepoint for this one, in one round trip.
const NEXT: &str = "RELEASE SAVEPOINT wabot_step; SAVEPOINT wabot_step";
/// A failed step undone.
const UNDO: &str = "ROLLBACK TO SAVEPOINT wabot_step";

impl StepSavepoints {
    /// Runs `step` in a savepoint of its own: all of it stays in the write, or none of it does.
    pub(crate) fn run<T>(
        &mut self,
        connection: &mut AnyConnection,
        step: impl FnOnce(&mut AnyConnection) -> Result<T, TxError>,
    ) -> Result<T, TxError> {
        if let AnyConnection::Sqlite(_) = connection {
            return connection.transaction(step);
        }
        connection.batch_execute(if self.open { NEXT } else { FIRST })?;
        self.open = true;
        let result = step(connection);
        if result.is_err() {
            // Undoes the step and leaves the savepoint open (released by the next step or the
            // commit); if this fails too the whole write fails with it.
            connection.batch_execute(UNDO)?;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use wabot_app::StoreError;

    use super::*;

    diesel::table! { t (id) { id -> BigInt, } }

    #[test]
    fn on_sqlite_a_failed_step_is_undone_alone() {
        let mut c = AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        c.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .unwrap();
        c.transaction::<_, TxError, _>(|c| {
            let mut savepoints = StepSavepoints::default();
            let insert = |id: i64| {
                move |c: &mut AnyConnection| {
                    diesel::insert_into(t::table)
                        .values(t::id.eq(id))
                        .execute(c)?;
                    Ok(())
                }
            };
            savepoints.run(c, insert(1))?;
            let failed = savepoints.run(c, |c| {
                insert(2)(c)?;
                Err::<(), _>(TxError(StoreError::invalid("this step fails")))
            });
            assert!(failed.is_err());
            savepoints.run(c, insert(3))?;
            Ok(())
        })
        .unwrap();
        let kept: Vec<i64> = t::table.select(t::id).order(t::id).load(&mut c).unwrap();
        assert_eq!(kept, [1, 3]);
    }
}
