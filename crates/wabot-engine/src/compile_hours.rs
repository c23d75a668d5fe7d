//! Compiling `[business_hours]`: each day `"HH:MM-HH:MM"` (or absent: closed), holidays as
//! `YYYY-MM-DD`, in the menu's time zone (`settings.utc_offset_minutes`). No table: always open.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use toml::Spanned;

use crate::compile::Checker;
use crate::definition::RawHours;
use crate::hours::BusinessHours;

fn day_hours(
    check: &mut Checker<'_>,
    value: &Option<Spanned<String>>,
    day: &str,
) -> Option<(NaiveTime, NaiveTime)> {
    let value = value.as_ref()?;
    let text = value.get_ref();
    let parsed = text.split_once('-').and_then(|(opens, closes)| {
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        Some((time(opens)?, time(closes)?))
    });
    match parsed {
        Some((opens, closes)) if opens < closes => Some((opens, closes)),
        _ => {
            let line = check.file.line(value);
            check.problem(line, format!("business_hours.{day} `{text}` must look like \"09:00-18:00\" (opening before closing)"));
            None
        }
    }
}

/// The business hours the file gives, or always open.
pub(crate) fn compile_hours(
    check: &mut Checker<'_>,
    raw: &Option<Spanned<RawHours>>,
    offset: FixedOffset,
) -> BusinessHours {
    let Some(raw) = raw else {
        return BusinessHours::always(offset);
    };
    let raw = raw.get_ref();
    let days = [
        day_hours(check, &raw.mon, "mon"),
        day_hours(check, &raw.tue, "tue"),
        day_hours(check, &raw.wed, "wed"),
        day_hours(check, &raw.thu, "thu"),
        day_hours(check, &raw.fri, "fri"),
        day_hours(check, &raw.sat, "sat"),
        day_hours(check, &raw.sun, "sun"),
    ];
    let mut holidays = Vec::new();
    for holiday in &raw.holidays {
        match NaiveDate::parse_from_str(holiday.get_ref(), "%Y-%m-%d") {
            Ok(day) => holidays.push(day),
            Err(_) => {
                let line = check.file.line(holiday);
                check.problem(
                    line,
                    format!(
                        "business_hours.holidays `{}` must be a date like 2026-12-25",
                        holiday.get_ref()
                    ),
                );
            }
        }
    }
    BusinessHours {
        days,
        holidays,
        offset,
        always: false,
    }
}
