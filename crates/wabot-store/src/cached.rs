//! [`Cached`]: a statement of a fixed shape kept prepared on its connection, though diesel would
//! prepare it anew on every call.
//!
//! Diesel's statement cache leaves out every `UPDATE` and every upsert (`ON CONFLICT … DO
//! UPDATE`), because a changeset may skip `None` fields and so change the SQL text. On SQLite each
//! call then compiles the SQL again; on PostgreSQL each is sent as an unnamed statement, parsed and
//! planned again by the server. Every message goes through about a dozen such statements (its item
//! marked done, its reply's lease and outcome, the contact touched, a node visit), so they were a
//! tenth of the SQLite writer's time and much of PostgreSQL's.
//!
//! Wrapped in [`Cached`], such a statement is cached by its SQL text and bind types (its query id
//! is not static), so a changeset that skips a field is simply another entry: caching stays
//! correct for any statement whose text is built from its shape alone — which is true of diesel's
//! DSL. It relies on overriding `QueryFragment::is_safe_to_cache_prepared`, a method diesel hides
//! from its documentation (public to backend authors); `Cargo.lock` pins diesel, and the store's
//! tests on both databases go through these statements.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
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
