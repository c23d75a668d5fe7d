//! Statements of a fixed shape kept prepared on their connection, though diesel would prepare
//! them anew on every call: [`Cached`] for statements that return rows, [`update`] for `UPDATE`s
//! run for their count.
//!
//! Diesel's statement cache leaves out every `UPDATE`, every upsert (`ON CONFLICT … DO UPDATE`)
//! and every `IN` list, because a changeset may skip `None` fields (and a list vary in length) and
//! so change the SQL text. On SQLite each call then compiles the SQL again; on PostgreSQL each is
//! sent as an unnamed statement, parsed and planned again by the server. Every message goes
//! through several such statements (its item marked done, its reply's lease and outcome, the
//! contact touched).
//!
//! Both are cached by their SQL text and bind types (their query id is not static), so a
//! changeset that skips a field is simply another entry: caching stays correct for any statement
//! whose text is built from its shape alone — which is true of diesel's DSL.
//!
//! [`Cached`] overrides `QueryFragment::is_safe_to_cache_prepared` (a method diesel hides from its
//! documentation, public to backend authors). That override is only consulted when diesel hands
//! the statement itself to its cache, as it does for `load`, `get_result(s)` and `first`; for
//! `execute` it hands over a reference, whose answer walks the statement and meets the `UPDATE`'s
//! own "do not cache" mark. So an `UPDATE` run for its count is written with [`update`] instead:
//! the same `UPDATE … SET … WHERE …` text as `diesel::update`, built from the same typed parts,
//! without that mark. (Measured with a probe on `sqlite3_prepare_v3` during the steady benchmark:
//! before this, four statements a message were compiled again on every call; the tests below
//! check with diesel's instrumentation that each is prepared once.) `Cargo.lock` pins diesel.

use diesel::backend::Backend;
use diesel::query_builder::{
    AsChangeset, AstPass, IntoUpdateTarget, Query, QueryFragment, QueryId, UpdateTarget,
};
use diesel::query_source::QuerySource;
use diesel::{QueryResult, RunQueryDsl};

/// A statement kept prepared on its connection (see the module doc).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cached<Q>(pub(crate) Q);

impl<Q, DB> QueryFragment<DB> for Cached<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Cached<Q> {}

/// `UPDATE target SET values`, kept prepared: what `diesel::update(target).set(values)` runs,
/// for `execute` (see the module doc).
pub(crate) fn update<U, V>(
    target: U,
    values: V,
) -> CachedUpdate<U::Table, U::WhereClause, V::Changeset>
where
    U: IntoUpdateTarget,
    V: AsChangeset<Target = U::Table>,
{
    let UpdateTarget {
        table,
        where_clause,
    } = target.into_update_target();
    CachedUpdate {
        from: table.from_clause(),
        where_clause,
        values: values.as_changeset(),
    }
}

/// An `UPDATE` statement kept prepared on its connection (made by [`update`]).
#[derive(Debug)]
pub(crate) struct CachedUpdate<T: QuerySource, W, V> {
    from: T::FromClause,
    where_clause: W,
    values: V,
}

impl<T, W, V, DB> QueryFragment<DB> for CachedUpdate<T, W, V>
where
    DB: Backend,
    T: QuerySource,
    T::FromClause: QueryFragment<DB>,
    W: QueryFragment<DB>,
    V: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE ");
        self.from.walk_ast(out.reborrow())?;
        out.push_sql(" SET ");
        self.values.walk_ast(out.reborrow())?;
        self.where_clause.walk_ast(out.reborrow())
    }
}

impl<T: QuerySource, W, V> QueryId for CachedUpdate<T, W, V> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<T: QuerySource, W, V, Conn> RunQueryDsl<Conn> for CachedUpdate<T, W, V> {}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::{InstrumentationEvent, SimpleConnection};
    use diesel::prelude::*;

    use super::*;
    use crate::connection::AnyConnection;

    diesel::table! { t (id) { id -> BigInt, x -> BigInt, } }

    /// A SQLite connection with table `t`, and the SQL of every statement it prepares to keep.
    fn connection() -> (AnyConnection, Arc<Mutex<Vec<String>>>) {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&kept);
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        c.batch_execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL); INSERT INTO t VALUES (1, 1)")
            .unwrap();
        c.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().unwrap().push(sql.to_owned());
            }
        });
        (AnyConnection::Sqlite(c), kept)
    }

    #[test]
    fn an_update_run_for_its_count_is_prepared_once_and_does_what_diesels_does() {
        let (mut c, kept) = connection();
        for x in 2..5_i64 {
            let changed = update(t::table.find(1_i64).filter(t::x.lt(x)), t::x.eq(x))
                .execute(&mut c)
                .unwrap();
            assert_eq!(changed, 1);
        }
        let unchanged = update(t::table.find(1_i64).filter(t::x.gt(100)), t::x.eq(0))
            .execute(&mut c)
            .unwrap();
        assert_eq!(unchanged, 0, "the filter applies");
        assert_eq!(t::table.select(t::x).first::<i64>(&mut c).unwrap(), 4);
        let kept = kept.lock().unwrap();
        let updates: Vec<_> = kept
            .iter()
            .filter(|sql| sql.starts_with("UPDATE"))
            .collect();
        assert_eq!(
            updates,
            [
                "UPDATE `t` SET `x` = ? WHERE ((`t`.`id` = ?) AND (`t`.`x` < ?))",
                "UPDATE `t` SET `x` = ? WHERE ((`t`.`id` = ?) AND (`t`.`x` > ?))"
            ],
            "each shape prepared once, with diesel's own text"
        );
    }

    #[test]
    fn a_wrapped_statement_that_returns_rows_is_prepared_once_though_diesel_would_not() {
        let (mut c, kept) = connection();
        for _ in 0..3 {
            let found: Vec<i64> =
                Cached(t::table.select(t::id).filter(t::id.eq_any(vec![1_i64, 2])))
                    .load(&mut c)
                    .unwrap();
            assert_eq!(found, [1]);
        }
        diesel::update(t::table.find(1_i64))
            .set(t::x.eq(9))
            .execute(&mut c)
            .unwrap();
        let kept = kept.lock().unwrap();
        assert_eq!(
            kept.len(),
            1,
            "the IN list kept once, diesel's own UPDATE never: {kept:?}"
        );
    }
}
