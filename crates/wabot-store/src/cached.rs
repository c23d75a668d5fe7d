//! Hot statements kept prepared on their connection and found there without writing their SQL
//! again: [`fixed!`] for any statement whose text never varies, [`update`] for an `UPDATE` run
//! for its count (written `fixed!(cached::update(…))`).
//!
//! Diesel's statement cache leaves out every `UPDATE`, every upsert (`ON CONFLICT … DO UPDATE`)
//! and every `IN` list, because a changeset may skip `None` fields (and a list vary in length) and
//! so change the SQL text. On SQLite each call then compiles the SQL again; on PostgreSQL each is
//! sent as an unnamed statement, parsed and planned again by the server. And what diesel does
//! cache (an `INSERT … ON CONFLICT DO NOTHING`, a select with a boxed part) it finds by its text,
//! which it writes again on every call only to look it up.
//!
//! [`Fixed`] answers both: it says it is safe to cache (`QueryFragment::is_safe_to_cache_prepared`,
//! a method diesel hides from its documentation, public to backend authors) and gives the
//! statement a static query id of its own, a type declared at its call site, so diesel finds it
//! by that id. The override is only consulted when diesel hands the statement itself to its
//! cache, as it does for `load`, `get_result(s)` and `first`; for `execute` it hands over a
//! reference, whose answer walks the statement and meets an `UPDATE`'s own "do not cache" mark.
//! So an `UPDATE` run for its count is built with [`update`]: the same `UPDATE … SET … WHERE …`
//! text as `diesel::update`, from the same typed parts, without that mark. (Measured: a probe on
//! `sqlite3_prepare_v3` found four statements a message compiled again on every call before
//! [`update`]; a profile of the writer thread found 15 % of its time writing SQL text for cache
//! lookups before [`Fixed`]. The tests below check with diesel's instrumentation that each is
//! prepared once.) `Cargo.lock` pins diesel.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{
    AsChangeset, AstPass, IntoUpdateTarget, Query, QueryFragment, QueryId, UpdateTarget,
};
use diesel::query_source::QuerySource;
use diesel::{QueryResult, RunQueryDsl};

/// A statement whose SQL text never varies, kept prepared under its call site's own key (made by
/// [`fixed!`]).
///
/// A statement cached by its text (diesel's default) has that text written again
/// on every call, only to look it up: measured at 15 % of the SQLite writer thread in a burst
/// (the new contact's adoption check alone, four `EXISTS` subqueries, 6 %). Keyed by a type of its
/// own, a statement is found without writing anything. That is only correct when the text is the
/// same on every call from that site, so a fixed statement is built only from parts whose text
/// their type decides: `column.eq(value)` filters and assignments (an `Option` value binds
/// `NULL`), `RETURNING`, `ON CONFLICT` — never an `eq_any` list (its text grows with the list:
/// write one site a length), an `Option` of a whole assignment (skipped when `None`), a boxed
/// query, or a `Vec` of rows; and never in a generic function (one site, many types).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed<Q, Site> {
    query: Q,
    site: PhantomData<fn() -> Site>,
}

impl<Q, Site> Fixed<Q, Site> {
    /// Wraps `query` under the key `Site` (see [`fixed!`]).
    pub(crate) fn new(query: Q) -> Self {
        Fixed {
            query,
            site: PhantomData,
        }
    }
}

impl<Q, Site, DB> QueryFragment<DB> for Fixed<Q, Site>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q, Site: 'static> QueryId for Fixed<Q, Site> {
    type QueryId = Site;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<Q: Query, Site> Query for Fixed<Q, Site> {
    type SqlType = Q::SqlType;
}

impl<Q, Site, Conn> RunQueryDsl<Conn> for Fixed<Q, Site> {}

/// `fixed!(statement)`: the statement kept prepared under a key of this call site alone, a type
/// declared here (see [`Fixed`] for what it may hold). An `UPDATE` run for its count is written
/// `fixed!(cached::update(target, values))`, for the reason the module doc gives.
macro_rules! fixed {
    ($statement:expr) => {{
        /// This call site's key in the connection's statement cache.
        struct Site;
        $crate::cached::Fixed::<_, Site>::new($statement)
    }};
}
pub(crate) use fixed;

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
    fn a_fixed_statement_is_prepared_once_under_its_site_and_binds_each_call() {
        let (mut c, kept) = connection();
        c.batch_execute("INSERT INTO t VALUES (2, 20), (3, 30)")
            .unwrap();
        for (id, x) in [(1_i64, 1_i64), (2, 20), (3, 30)] {
            let found: i64 = fixed!(t::table.select(t::x).filter(t::id.eq_any([id])))
                .get_result(&mut c)
                .unwrap();
            assert_eq!(found, x, "each call's own value is bound");
        }
        for x in [5_i64, 6] {
            let changed = fixed!(update(t::table.find(1_i64), t::x.eq(x)))
                .execute(&mut c)
                .unwrap();
            assert_eq!(changed, 1);
        }
        let both: Vec<i64> = fixed!(
            t::table
                .select(t::x)
                .filter(t::id.eq_any([1_i64, 2]))
                .order(t::x)
        )
        .load(&mut c)
        .unwrap();
        assert_eq!(both, [6, 20], "another site, another statement");
        diesel::update(t::table.find(1_i64))
            .set(t::x.eq(9))
            .execute(&mut c)
            .unwrap();
        let kept = kept.lock().unwrap();
        assert_eq!(
            kept.as_slice(),
            [
                "SELECT `t`.`x` FROM `t` WHERE (`t`.`id` IN (?))",
                "UPDATE `t` SET `x` = ? WHERE (`t`.`id` = ?)",
                "SELECT `t`.`x` FROM `t` WHERE (`t`.`id` IN (?, ?)) ORDER BY `t`.`x`",
            ],
            "each site kept once, diesel's own UPDATE never"
        );
    }
}
