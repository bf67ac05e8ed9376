//! Dates and times as people in England read and enter them (Europe/London), stored in UTC.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::London;

/// "3 March 2026".
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// "9:30am", "12pm" in London time.
pub fn time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&London);
    let text = local.format("%-I:%M%P").to_string();
    text.replace(":00", "")
}

/// "3 March 2026 at 9:30am" in London time.
pub fn date_time(at: DateTime<Utc>) -> String {
    format!(
        "{} at {}",
        date(at.with_timezone(&London).date_naive()),
        time(at)
    )
}

/// "3 Mar 2026, 09:30" in London time, where a table has little room.
pub fn short_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%-d %b %Y, %H:%M")
        .to_string()
}

/// "2026-03-03 09:30:05" in London time: sorts as text, and spreadsheets read it as a time.
pub fn sortable_date_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The London calendar day of an instant.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// A time as people type it: "9:30", "09:30", "9.30", "14:00", "9:30am", "2pm".
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    let text = raw.trim().to_ascii_lowercase().replace(' ', "");
    let (clock, offset) = match (text.strip_suffix("am"), text.strip_suffix("pm")) {
        (Some(clock), _) => (clock.to_owned(), Some(0)),
        (_, Some(clock)) => (clock.to_owned(), Some(12)),
        _ => (text.clone(), None),
    };
    let (hours, minutes) = clock.split_once([':', '.']).unwrap_or((&clock, "0"));
    let (mut hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    if minutes > 59 || hours > 23 {
        return None;
    }
    if let Some(offset) = offset {
        if !(1..=12).contains(&hours) {
            return None;
        }
        hours = hours % 12 + offset;
    }
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// Why a London wall-clock time cannot be turned into one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalTimeProblem {
    /// Clocks went forward past it (e.g. 1:30am on the last Sunday of March).
    DoesNotExist,
    /// Clocks went back over it, so it happened twice (1:30am on the last Sunday of October).
    HappensTwice,
}

impl std::fmt::Display for LocalTimeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LocalTimeProblem::DoesNotExist => "That time does not exist in the UK: the clocks go forward then. Choose another time",
            LocalTimeProblem::HappensTwice => "That time happens twice in the UK: the clocks go back then. Choose another time",
        })
    }
}

/// The instant a London date and time names.
pub fn to_utc(day: NaiveDate, at: NaiveTime) -> Result<DateTime<Utc>, LocalTimeProblem> {
    match London.from_local_datetime(&NaiveDateTime::new(day, at)) {
        LocalResult::Single(local) => Ok(local.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeProblem::DoesNotExist),
        LocalResult::Ambiguous(..) => Err(LocalTimeProblem::HappensTwice),
    }
}

/// Midnight in London at the start of `day` (never skipped: the clocks change at 1 am).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    to_utc(day, NaiveTime::MIN).unwrap_or_else(|_| day.and_time(NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn shows_dates_and_times_the_gov_uk_way() {
        assert_eq!(date(day(2026, 3, 3)), "3 March 2026");
        let winter = to_utc(day(2026, 1, 12), NaiveTime::from_hms_opt(9, 30, 0).unwrap()).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-01-12T09:30:00+00:00");
        assert_eq!(time(winter), "9:30am");
        let summer = to_utc(day(2026, 6, 12), NaiveTime::from_hms_opt(14, 0, 0).unwrap()).unwrap();
        assert_eq!(
            summer.to_rfc3339(),
            "2026-06-12T13:00:00+00:00",
            "BST is UTC+1"
        );
        assert_eq!(time(summer), "2pm");
        assert_eq!(date_time(summer), "12 June 2026 at 2pm");
    }

    #[test]
    fn times_are_read_as_typed() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time("9:30"), t(9, 30));
        assert_eq!(parse_time("09.30"), t(9, 30));
        assert_eq!(parse_time("14:00"), t(14, 0));
        assert_eq!(parse_time(" 2pm "), t(14, 0));
        assert_eq!(parse_time("12am"), t(0, 0));
        assert_eq!(parse_time("12:30pm"), t(12, 30));
        assert_eq!(parse_time("9"), t(9, 0));
        for bad in ["", "25:00", "9:60", "13pm", "noon", "9:3x", "-1"] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn clock_changes_are_explained_not_guessed() {
        let half_one = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        assert_eq!(
            to_utc(day(2026, 3, 29), half_one),
            Err(LocalTimeProblem::DoesNotExist)
        );
        assert_eq!(
            to_utc(day(2026, 10, 25), half_one),
            Err(LocalTimeProblem::HappensTwice)
        );
    }
}
