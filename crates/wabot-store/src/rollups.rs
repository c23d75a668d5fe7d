//! A period's message figures (traffic per day, delivery, failures by code, reply times) for the
//! overview and `/api/stats`: its complete days from `daily_figures`, the rest — today, and the
//! partial days at either end of a period that does not start or end at midnight — from the raw
//! tables, merged (counts summed, reply-time histograms merged).
//!
//! The store serves **whole UTC days ending now** best (what the console asks for): then the only
//! raw read is today's. A stored day that is missing (new, or deleted by a late change) is computed
//! once and stored for the next reader (see `daily_figures` for the claim, compute, store steps).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use wabot_app::StoreError;

use crate::daily_figures::{self, clock, first_open_day};
use crate::figures::{self, DayFigures, Span};
use crate::store::DieselStore;

/// How a period is read: the stored days `[first, end)` and the spans read from the raw tables.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Plan {
    pub stored: Option<(NaiveDate, NaiveDate)>,
    pub raw: Vec<Span>,
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

impl Plan {
    /// The plan for `span` at `now`.
    pub(crate) fn new(span: Span, now: NaiveDateTime) -> Self {
        let since_day = span.since.date();
        let first = if span.since == midnight(since_day) {
            since_day
        } else {
            since_day.succ_opt().unwrap_or(since_day)
        };
        let end = span.until.date().min(first_open_day(now)).max(first);
        if span.until <= span.since {
            return Self {
                stored: None,
                raw: Vec::new(),
            };
        }
        if first >= end {
            return Self {
                stored: None,
                raw: vec![span],
            };
        }
        let mut raw = Vec::new();
        let (head, tail) = (midnight(first), midnight(end));
        if span.since < head {
            raw.push(Span {
                since: span.since,
                until: head,
            });
        }
        if tail < span.until {
            raw.push(Span {
                since: tail,
                until: span.until,
            });
        }
        Self {
            stored: Some((first, end)),
            raw,
        }
    }
}

/// The days from `first` to `end` (excluded).
fn days(first: NaiveDate, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |day| *day < end)
}

/// Consecutive days as spans.
fn runs(days: &[NaiveDate]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for day in days {
        let (since, until) = (midnight(*day), midnight(*day) + TimeDelta::days(1));
        match spans.last_mut() {
            Some(last) if last.until == since => last.until = until,
            _ => spans.push(Span { since, until }),
        }
    }
    spans
}

impl DieselStore {
    /// The message figures of `span` by UTC day (every stored day is there, zeros included; a raw
    /// day only if it had messages).
    pub(crate) async fn period_figures(
        &self,
        span: Span,
    ) -> Result<BTreeMap<NaiveDate, DayFigures>, StoreError> {
        let plan = Plan::new(span, clock());
        let stored = plan.stored;
        let (mut found, missing) = self
            .read(move |connection| {
                let mut found = BTreeMap::new();
                let mut missing = Vec::new();
                if let Some((first, end)) = stored {
                    found = daily_figures::load(connection, first, end)?;
                    missing = days(first, end)
                        .filter(|day| !found.contains_key(day))
                        .collect();
                }
                for span in &plan.raw {
                    for (day, figures) in figures::by_day(connection, *span)? {
                        found
                            .entry(day)
                            .or_insert_with(DayFigures::default)
                            .merge(&figures);
                    }
                }
                Ok((found, missing))
            })
            .await?;
        if !missing.is_empty() {
            found.extend(self.roll_up(missing).await?);
        }
        Ok(found)
    }

    /// Computes the missing days from the raw tables and stores those it could claim.
    async fn roll_up(
        &self,
        missing: Vec<NaiveDate>,
    ) -> Result<BTreeMap<NaiveDate, DayFigures>, StoreError> {
        let token = daily_figures::next_claim();
        let wanted = missing.clone();
        let claimed = self
            .write(move |connection| daily_figures::claim(connection, &wanted, token))
            .await?;
        // After the claim has committed: any change not seen here deletes the claim.
        let computed = self
            .read(move |connection| {
                let mut computed: BTreeMap<NaiveDate, DayFigures> = missing
                    .iter()
                    .map(|day| (*day, DayFigures::default()))
                    .collect();
                for span in runs(&missing) {
                    computed.extend(figures::by_day(connection, span)?);
                }
                Ok(computed)
            })
            .await?;
        if !claimed.is_empty() {
            let to_store: Vec<(NaiveDate, DayFigures)> = claimed
                .iter()
                .filter_map(|day| Some((*day, computed.get(day)?.clone())))
                .collect();
            self.write(move |connection| {
                let now = clock();
                for (day, figures) in &to_store {
                    daily_figures::store(connection, *day, token, figures, now)?;
                }
                Ok(())
            })
            .await?;
        }
        Ok(computed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .unwrap_or_default()
    }

    fn span(since: NaiveDateTime, until: NaiveDateTime) -> Span {
        Span { since, until }
    }

    fn day(d: u32) -> NaiveDate {
        at(d, 0).date()
    }

    #[test]
    fn whole_days_ending_now_read_only_today_raw() {
        let plan = Plan::new(span(at(20, 0), at(27, 15)), at(27, 15));
        assert_eq!(plan.stored, Some((day(20), day(27))));
        assert_eq!(plan.raw, vec![span(at(27, 0), at(27, 15))]);
    }

    #[test]
    fn partial_days_at_either_end_are_read_raw() {
        let plan = Plan::new(span(at(20, 12), at(24, 6)), at(29, 15));
        assert_eq!(plan.stored, Some((day(21), day(24))));
        assert_eq!(
            plan.raw,
            vec![span(at(20, 12), at(21, 0)), span(at(24, 0), at(24, 6))]
        );
    }

    #[test]
    fn yesterday_is_raw_until_it_settles_and_short_periods_are_raw() {
        let just_after = at(27, 0) + TimeDelta::minutes(5);
        let plan = Plan::new(span(at(20, 0), just_after), just_after);
        assert_eq!(plan.stored, Some((day(20), day(26))));
        assert_eq!(plan.raw, vec![span(at(26, 0), just_after)]);
        let inside = Plan::new(span(at(20, 3), at(20, 9)), at(29, 0));
        assert_eq!(inside.stored, None);
        assert_eq!(inside.raw, vec![span(at(20, 3), at(20, 9))]);
        let empty = Plan::new(span(at(20, 3), at(20, 3)), at(29, 0));
        assert!(empty.stored.is_none() && empty.raw.is_empty());
        assert_eq!(
            runs(&[day(1), day(2), day(4)]),
            vec![span(at(1, 0), at(3, 0)), span(at(4, 0), at(5, 0))]
        );
    }
}
