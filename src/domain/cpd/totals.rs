//! Totals by period for learners with no regulator's target (another body, or none):
//! entries, hours and participatory hours per UK calendar year.
//!
//! Calendar years (1 January to 31 December) rather than 12 months back from today: their
//! labels stay the same from one visit to the next, match how employers and most other
//! bodies count a year, and an entry never moves between periods as time passes. As in a
//! cycle, an entry belongs to the year in which it ended.

use chrono::{Datelike, NaiveDate};

use super::counting::{Counted, Tally};

/// How far back the years go at most, whatever the oldest entry says.
pub const MAX_YEARS: i32 = 50;

/// One calendar year's totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodTotal {
    /// "2026".
    pub label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The year of today: totals so far.
    pub so_far: bool,
    pub tally: Tally,
}

/// Totals for each calendar year from today's back to the one of the oldest entry that
/// counts, latest first. Years with nothing are listed too (a gap is worth seeing); this
/// year is always there.
pub fn by_calendar_year(entries: &[Counted], today: NaiveDate) -> Vec<PeriodTotal> {
    let this_year = today.year();
    let oldest = entries
        .iter()
        .filter(|e| e.counts)
        .map(|e| e.ended_on.year())
        .min()
        .unwrap_or(this_year)
        .clamp(this_year - MAX_YEARS + 1, this_year);
    (oldest..=this_year)
        .rev()
        .filter_map(|year| {
            let starts_on = NaiveDate::from_ymd_opt(year, 1, 1)?;
            let ends_on = NaiveDate::from_ymd_opt(year, 12, 31)?;
            let tally = Tally::of(
                entries
                    .iter()
                    .filter(|e| e.counts && e.ended_on.year() == year),
            );
            Some(PeriodTotal {
                label: year.to_string(),
                starts_on,
                ends_on,
                so_far: year == this_year,
                tally,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::counting::sample::*;
    use super::*;

    #[test]
    fn totals_are_per_calendar_year_by_end_date_latest_first() {
        let today = day(2026, 3, 3);
        let entries = [
            activity(day(2026, 1, 1), 90, 30),
            activity(day(2025, 12, 31), 60, 60),
            Counted {
                started_on: day(2024, 12, 30),
                ..activity(day(2025, 1, 2), 120, 0)
            },
            activity(day(2023, 6, 1), 15, 0),
            Counted {
                counts: false,
                ..activity(day(2020, 6, 1), 600, 0)
            },
        ];
        let years = by_calendar_year(&entries, today);
        let labels: Vec<&str> = years.iter().map(|y| y.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2026", "2025", "2024", "2023"],
            "revoked entries do not reach back"
        );
        assert!(years[0].so_far && !years[1].so_far);
        assert_eq!(
            (years[0].tally.minutes, years[0].tally.participatory_minutes),
            (90, 30)
        );
        assert_eq!((years[1].tally.entries, years[1].tally.minutes), (2, 180));
        assert_eq!(years[2].tally, Tally::default(), "an empty year is shown");
        assert_eq!(
            (years[1].starts_on, years[1].ends_on),
            (day(2025, 1, 1), day(2025, 12, 31))
        );
    }

    #[test]
    fn no_entries_still_shows_this_year_and_old_ones_are_capped() {
        let today = day(2026, 3, 3);
        let years = by_calendar_year(&[], today);
        assert_eq!(years.len(), 1);
        assert_eq!(years[0].tally.entries, 0);
        let ancient = by_calendar_year(&[activity(day(1900, 1, 1), 60, 0)], today);
        assert_eq!(ancient.len(), MAX_YEARS as usize);
    }
}
