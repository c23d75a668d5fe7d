//! `daily_figures`: each complete UTC day's message figures ([`DayFigures`]), so the overview and
//! `/api/stats` read one row per day instead of the day's messages.
//!
//! - **Which days**: a day is stored once it is over by [`SETTLE`] (by the clock); today, and
//!   yesterday in the first minutes after midnight, are always computed from the raw tables.
//! - **Filling**: a missing day is computed from the raw tables once and stored, in three steps
//!   (`rollups`): a write *claims* it (a row with a fresh `claim` token and no `computed_at`), a
//!   read computes it, a write *stores* it only if the claim still stands. Computing in a read keeps
//!   the work off SQLite's single writer.
//! - **Invalidation**: every write that changes a past day's figures calls [`changed`] for that
//!   day in its own transaction, which deletes the day's row (claimed or stored): an inbound message
//!   stored late (ingest), a status applied or a send outcome recorded for a message made on a past
//!   day. A claim deleted before its store makes the store a no-op, so a day computed before a
//!   change is never stored after it. On SQLite the single writer orders claims and deletions; on
//!   PostgreSQL, where writes run side by side, a claim takes an exclusive advisory lock on the day
//!   and a deletion a shared one, so a change still being written when a day is claimed either
//!   commits before the claim (and the computation sees it) or deletes the claim.
//! - Writes to today need no deletion: today's row is never stored. A writer tells "past" by the
//!   clock when it writes; [`SETTLE`] covers a write that read the clock just before midnight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::Integer;
use wabot_app::DeliveryCounts;

use crate::cached::fixed;
use crate::connection::AnyConnection;
use crate::figures::DayFigures;
use crate::histogram::Histogram;
use crate::schema::daily_figures;
use crate::sql::{TxError, corrupt_json, per_backend};

/// How long after its end a day is first stored.
pub(crate) const SETTLE: TimeDelta = TimeDelta::minutes(10);

/// The advisory lock class of a day's row on PostgreSQL (the second key is the day).
const LOCK_CLASS: i32 = 0x0d41_1f16;

diesel::define_sql_function! {
    /// PostgreSQL: takes the exclusive transaction-level advisory lock if it is free.
    fn pg_try_advisory_xact_lock(class: Integer, key: Integer) -> Bool;
}

/// The clock's now, as stored (the one place the store reads the clock: which days are over).
pub(crate) fn clock() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// The first day not yet stored at `now`: days before it are over by [`SETTLE`].
pub(crate) fn first_open_day(now: NaiveDateTime) -> NaiveDate {
    (now - SETTLE).date()
}

/// A day as the second key of its advisory lock.
fn lock_key(day: NaiveDate) -> i32 {
    use chrono::Datelike;
    day.num_days_from_ce()
}

/// Records, inside a write, that the figures of the day of `created_at` change: deletes the day's
/// row when the day is past (see the module doc).
pub(crate) fn changed(
    connection: &mut AnyConnection,
    created_at: NaiveDateTime,
) -> Result<(), TxError> {
    let day = created_at.date();
    if day >= clock().date() {
        return Ok(());
    }
    if let AnyConnection::Pg(pg) = connection {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1, $2)")
            .bind::<Integer, _>(LOCK_CLASS)
            .bind::<Integer, _>(lock_key(day))
            .execute(pg)?;
    }
    per_backend!(connection, |c| fixed!(diesel::delete(
        daily_figures::table.find(day)
    ))
    .execute(c)?);
    Ok(())
}

/// A fresh claim token (unique within the process, and across restarts by the clock).
pub(crate) fn next_claim() -> i64 {
    static NEXT: AtomicI64 = AtomicI64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    Utc::now()
        .timestamp_micros()
        .wrapping_mul(1024)
        .wrapping_add(n)
}

/// Claims the days (a write): the days claimed, those stored meanwhile or locked by another claim
/// (PostgreSQL) left out.
pub(crate) fn claim(
    connection: &mut AnyConnection,
    days: &[NaiveDate],
    token: i64,
) -> Result<Vec<NaiveDate>, TxError> {
    let mut claimed = Vec::new();
    for day in days {
        if let AnyConnection::Pg(pg) = connection {
            let free = diesel::select(pg_try_advisory_xact_lock(LOCK_CLASS, lock_key(*day)))
                .get_result::<bool>(pg)?;
            if !free {
                continue;
            }
        }
        let unfinished = daily_figures::table
            .find(*day)
            .filter(daily_figures::computed_at.is_null());
        let mut n = diesel::update(unfinished)
            .set(daily_figures::claim.eq(token))
            .execute(connection)?;
        if n == 0 {
            let row = (daily_figures::day.eq(day), daily_figures::claim.eq(token));
            n = crate::sql::per_backend!(connection, |c| diesel::insert_into(daily_figures::table)
                .values(row)
                .on_conflict(daily_figures::day)
                .do_nothing()
                .execute(c)?);
        }
        if n == 1 {
            claimed.push(*day);
        }
    }
    Ok(claimed)
}

/// Stores a claimed day's figures (a write), unless the claim was deleted or taken over since.
pub(crate) fn store(
    connection: &mut AnyConnection,
    day: NaiveDate,
    token: i64,
    figures: &DayFigures,
    now: NaiveDateTime,
) -> Result<bool, TxError> {
    // On PostgreSQL a day being changed is skipped rather than waited for: a write that deletes
    // several days' rows, meeting a store of several, would otherwise wait on it in turn.
    if let AnyConnection::Pg(pg) = connection {
        let free = diesel::select(pg_try_advisory_xact_lock(LOCK_CLASS, lock_key(day)))
            .get_result::<bool>(pg)?;
        if !free {
            return Ok(false);
        }
    }
    let failures: Vec<(Option<i64>, i64)> =
        figures.failures.iter().map(|(c, n)| (*c, *n)).collect();
    let failures = serde_json::to_string(&failures).map_err(|e| corrupt_json("failures", e))?;
    let d = &figures.delivery;
    let claimed = daily_figures::table
        .find(day)
        .filter(daily_figures::claim.eq(token))
        .filter(daily_figures::computed_at.is_null());
    let stored = diesel::update(claimed)
        .set((
            daily_figures::inbound.eq(figures.inbound),
            daily_figures::outbound.eq(d.outbound),
            daily_figures::accepted.eq(d.accepted),
            daily_figures::delivered.eq(d.delivered),
            daily_figures::read.eq(d.read),
            daily_figures::failed.eq(d.failed),
            daily_figures::waiting.eq(d.waiting),
            daily_figures::failures.eq(failures),
            daily_figures::reply_times.eq(figures.replies.to_json()),
            daily_figures::computed_at.eq(now),
        ))
        .execute(connection)?;
    Ok(stored == 1)
}

type Row = (
    NaiveDate,
    (i64, i64, i64, i64, i64, i64, i64),
    String,
    String,
);

/// The stored days in `[first, end)` (claimed ones, not computed yet, left out).
pub(crate) fn load(
    connection: &mut AnyConnection,
    first: NaiveDate,
    end: NaiveDate,
) -> Result<BTreeMap<NaiveDate, DayFigures>, TxError> {
    use daily_figures::*;
    let rows: Vec<Row> = table
        .filter(day.ge(first))
        .filter(day.lt(end))
        .filter(computed_at.is_not_null())
        .select((
            day,
            (
                inbound, outbound, accepted, delivered, read, failed, waiting,
            ),
            failures,
            reply_times,
        ))
        .load(connection)?;
    let mut days = BTreeMap::new();
    for (on, counts, failures_json, replies) in rows {
        let (inbound_n, outbound_n, accepted_n, delivered_n, read_n, failed_n, waiting_n) = counts;
        let codes: Vec<(Option<i64>, i64)> =
            serde_json::from_str(&failures_json).map_err(|e| corrupt_json("failures", e))?;
        days.insert(
            on,
            DayFigures {
                inbound: inbound_n,
                delivery: DeliveryCounts {
                    outbound: outbound_n,
                    accepted: accepted_n,
                    delivered: delivered_n,
                    read: read_n,
                    failed: failed_n,
                    waiting: waiting_n,
                },
                failures: codes.into_iter().collect(),
                replies: Histogram::from_json(&replies)?,
            },
        );
    }
    Ok(days)
}
