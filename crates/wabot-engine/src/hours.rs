//! Business hours: when a person may answer a handoff. A weekly timetable in the menu's time zone
//! (its UTC offset) and holidays; a menu without one is always open.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};

/// The weekly opening hours and the holidays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    /// Monday first: the opening and closing time of each day, `None` when closed all day.
    pub(crate) days: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Days closed whatever the timetable says.
    pub(crate) holidays: Vec<NaiveDate>,
    /// The business's time zone.
    pub(crate) offset: FixedOffset,
    /// No timetable given: always open.
    pub(crate) always: bool,
}

impl BusinessHours {
    /// Always open (no timetable).
    pub fn always(offset: FixedOffset) -> Self {
        Self {
            days: [None; 7],
            holidays: Vec::new(),
            offset,
            always: true,
        }
    }

    fn opening_on(&self, day: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        if self.holidays.contains(&day) {
            return None;
        }
        self.days[day.weekday().num_days_from_monday() as usize]
    }

    /// Whether someone is there at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        if self.always {
            return true;
        }
        let local = now.with_timezone(&self.offset);
        self.opening_on(local.date_naive())
            .is_some_and(|(opens, closes)| (opens..closes).contains(&local.time()))
    }

    /// When they are next there, at or after `now`, in the business's time zone (within two
    /// weeks; `None` for a timetable that is never open).
    pub fn next_opening(&self, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
        if self.is_open(now) {
            return Some(now.with_timezone(&self.offset));
        }
        let local = now.with_timezone(&self.offset);
        (0..15).find_map(|ahead| {
            let day = local.date_naive() + Duration::days(ahead);
            let (opens, _) = self.opening_on(day)?;
            let at = day
                .and_time(opens)
                .and_local_timezone(self.offset)
                .single()?;
            (at > local).then_some(at)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;

    use super::*;

    fn nine_to_six_weekdays() -> BusinessHours {
        let hours = Some((
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        ));
        BusinessHours {
            days: [hours, hours, hours, hours, hours, None, None],
            holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()],
            offset: FixedOffset::west_opt(3 * 3600).unwrap(),
            always: false,
        }
    }

    #[test]
    fn open_in_the_timetable_closed_outside_and_on_holidays() {
        let hours = nine_to_six_weekdays();
        // Wednesday 2026-12-02 12:00 at UTC-3 is 15:00 UTC.
        assert!(hours.is_open(Utc.with_ymd_and_hms(2026, 12, 2, 15, 0, 0).unwrap()));
        assert!(!hours.is_open(Utc.with_ymd_and_hms(2026, 12, 2, 22, 0, 0).unwrap()));
        assert!(!hours.is_open(Utc.with_ymd_and_hms(2026, 12, 25, 15, 0, 0).unwrap()));
        assert!(
            BusinessHours::always(FixedOffset::east_opt(0).unwrap())
                .is_open(Utc.with_ymd_and_hms(2026, 12, 5, 3, 0, 0).unwrap())
        );
    }

    #[test]
    fn the_next_opening_skips_weekends_and_holidays() {
        let hours = nine_to_six_weekdays();
        // Friday 2026-12-04 20:00 local → Monday 09:00 local.
        let friday_night = Utc.with_ymd_and_hms(2026, 12, 4, 23, 0, 0).unwrap();
        let next = hours.next_opening(friday_night).unwrap();
        assert_eq!(next.to_string(), "2026-12-07 09:00:00 -03:00");
        // Thursday 2026-12-24 after closing → Saturday/Sunday closed, Friday the 25th a holiday → Monday 28th.
        let christmas_eve = Utc.with_ymd_and_hms(2026, 12, 24, 22, 0, 0).unwrap();
        assert_eq!(
            hours.next_opening(christmas_eve).unwrap().to_string(),
            "2026-12-28 09:00:00 -03:00"
        );
    }
}
