//! A regulator's cycle: the years up to a renewal or appraisal date, and what to do when
//! the date the learner gave has passed or lies further ahead than one cycle.

use chrono::{Days, Months, NaiveDate};

use crate::domain::london;

/// The days a cycle covers, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub starts_on: NaiveDate,
    /// The renewal or appraisal date.
    pub ends_on: NaiveDate,
    /// Set when the learner's date did not give the current cycle and this one was worked
    /// out from it: the page asks them to update the date.
    pub date_check: Option<DateCheck>,
}

/// Why the cycle shown is not the one ending on the learner's date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateCheck {
    /// The date is before today: probably renewed and not updated. The cycle shown is the
    /// next one of the same length that includes today.
    Passed { date: NaiveDate },
    /// The date is more than one cycle ahead: probably a typing slip. The cycle shown is
    /// the one of the same length, counted back from the date, that includes today.
    TooFarAhead { date: NaiveDate },
}

impl DateCheck {
    /// The sentence for the page, naming the date kind ("renewal date", "appraisal date").
    pub fn message(self, date_kind: &str, cycle: &Cycle) -> String {
        match self {
            DateCheck::Passed { date } => format!(
                "Your {date_kind} of {} has passed. We have shown the next cycle, to {}: update your {date_kind} on your account page.",
                london::date(date),
                london::date(cycle.ends_on)
            ),
            DateCheck::TooFarAhead { date } => format!(
                "Your {date_kind} of {} is more than one cycle away. We have shown the cycle to {}: check your {date_kind} on your account page.",
                london::date(date),
                london::date(cycle.ends_on)
            ),
        }
    }
}

/// `date` moved by `years` (back when negative). 29 February becomes 28 February in a
/// year without one; `None` only beyond chrono's range.
fn shifted(date: NaiveDate, years: i64) -> Option<NaiveDate> {
    let months = Months::new(u32::try_from(years.unsigned_abs() * 12).ok()?);
    match years >= 0 {
        true => date.checked_add_months(months),
        false => date.checked_sub_months(months),
    }
}

impl Cycle {
    /// The `years` up to and including `ends_on`: from the day after the same date
    /// `years` earlier. A cycle to 31 March 2027 of 3 years starts on 1 April 2024; one to
    /// 29 February 2028 starts on 1 March 2025 (there is no 29 February 2025).
    pub fn ending_on(ends_on: NaiveDate, years: u32) -> Cycle {
        let before = shifted(ends_on, -i64::from(years)).unwrap_or(NaiveDate::MIN);
        Cycle {
            starts_on: before + Days::new(1),
            ends_on,
            date_check: None,
        }
    }

    /// The cycle of `years` the learner is in on `today`, from their renewal or appraisal
    /// `date`. On the date itself they are on their cycle's last day. A passed date or one
    /// more than a cycle ahead gives the cycle in step with it that includes today, with
    /// [`Cycle::date_check`] saying so. Steps are counted from `date` itself, so a 29
    /// February date comes back in leap years.
    pub fn current(date: NaiveDate, years: u32, today: NaiveDate) -> Cycle {
        let years = years.max(1);
        let plain = Cycle::ending_on(date, years);
        if plain.contains(today) {
            return plain;
        }
        let (direction, check) = match date < today {
            true => (1, DateCheck::Passed { date }),
            false => (-1, DateCheck::TooFarAhead { date }),
        };
        // Each step moves one cycle; the number needed is about the years between.
        let gap = (today - date).num_days().abs() / 365 / i64::from(years) + 2;
        for step in 1..=gap {
            let Some(end) = shifted(date, direction * step * i64::from(years)) else {
                break;
            };
            let cycle = Cycle::ending_on(end, years);
            if cycle.contains(today) {
                return Cycle {
                    date_check: Some(check),
                    ..cycle
                };
            }
        }
        // Only at the edges of the calendar: keep the date's own cycle, still flagged.
        Cycle {
            date_check: Some(check),
            ..plain
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }

    /// Days in the cycle, both ends included.
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }

    /// Days from `today` to the end, 0 on the last day (and after it).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.ends_on - today).num_days().max(0)
    }

    /// "1 April 2024 to 31 March 2027".
    pub fn label(&self) -> String {
        format!(
            "{} to {}",
            london::date(self.starts_on),
            london::date(self.ends_on)
        )
    }
}

/// The furthest ahead a typed renewal or appraisal date may be: the NMC's three-year cycle
/// and a year's grace for a date known early.
pub const DATE_AHEAD_YEARS: u32 = 4;

/// Why a renewal or appraisal date a learner types is refused, if it is: it is the next
/// one, so today or later, and no more than [`DATE_AHEAD_YEARS`] ahead.
pub fn renewal_date_problem(date: NaiveDate, today: NaiveDate) -> Option<String> {
    if date < today {
        return Some("The date must be today or in the future: enter your next one".to_owned());
    }
    let furthest = today.checked_add_months(Months::new(12 * DATE_AHEAD_YEARS));
    if furthest.is_some_and(|furthest| date > furthest) {
        return Some(format!(
            "The date must be within the next {DATE_AHEAD_YEARS} years"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_typed_date_is_today_or_later_and_within_four_years() {
        let today = day(2026, 12, 1);
        assert!(renewal_date_problem(today, today).is_none());
        assert!(renewal_date_problem(day(2026, 11, 30), today).is_some());
        assert!(renewal_date_problem(day(2030, 12, 1), today).is_none());
        assert!(renewal_date_problem(day(2030, 12, 2), today).is_some());
    }

    #[test]
    fn a_cycle_is_the_years_up_to_and_including_the_date() {
        let nmc = Cycle::ending_on(day(2027, 3, 31), 3);
        assert_eq!(
            (nmc.starts_on, nmc.ends_on),
            (day(2024, 4, 1), day(2027, 3, 31))
        );
        assert_eq!(nmc.label(), "1 April 2024 to 31 March 2027");
        let year = Cycle::ending_on(day(2026, 6, 15), 1);
        assert_eq!(year.starts_on, day(2025, 6, 16));
        assert_eq!(year.days(), 365);
    }

    #[test]
    fn the_day_before_and_on_the_date_are_in_the_cycle_the_day_after_is_not() {
        let date = day(2027, 3, 31);
        let before = Cycle::current(date, 3, day(2027, 3, 30));
        assert_eq!((before.ends_on, before.date_check), (date, None));
        assert_eq!(before.days_left(day(2027, 3, 30)), 1);
        let on = Cycle::current(date, 3, date);
        assert_eq!((on.ends_on, on.date_check), (date, None));
        assert_eq!(on.days_left(date), 0);
        let after = Cycle::current(date, 3, day(2027, 4, 1));
        assert_eq!(after.date_check, Some(DateCheck::Passed { date }));
        assert_eq!(
            (after.starts_on, after.ends_on),
            (day(2027, 4, 1), day(2030, 3, 31))
        );
        assert!(after.date_check.unwrap().message("renewal date", &after).starts_with(
            "Your renewal date of 31 March 2027 has passed. We have shown the next cycle, to 31 March 2030"
        ));
    }

    #[test]
    fn a_date_long_passed_moves_on_whole_cycles() {
        let cycle = Cycle::current(day(2019, 9, 30), 2, day(2026, 3, 3));
        assert_eq!(
            (cycle.starts_on, cycle.ends_on),
            (day(2025, 10, 1), day(2027, 9, 30))
        );
        let appraisal = Cycle::current(day(2020, 1, 10), 1, day(2026, 1, 10));
        assert_eq!(
            appraisal.ends_on,
            day(2026, 1, 10),
            "today is the appraisal date"
        );
    }

    #[test]
    fn a_date_too_far_ahead_is_counted_back_to_today() {
        let date = day(2035, 3, 31);
        let cycle = Cycle::current(date, 3, day(2026, 3, 3));
        assert_eq!(
            (cycle.starts_on, cycle.ends_on),
            (day(2023, 4, 1), day(2026, 3, 31))
        );
        assert_eq!(cycle.date_check, Some(DateCheck::TooFarAhead { date }));
        let next_year = Cycle::current(day(2027, 3, 2), 1, day(2026, 3, 3));
        assert_eq!(next_year.date_check, None, "within one cycle is fine");
        assert_eq!(next_year.starts_on, day(2026, 3, 3));
    }

    #[test]
    fn a_29_february_date_covers_the_leap_day() {
        let cycle = Cycle::ending_on(day(2028, 2, 29), 3);
        assert_eq!(cycle.starts_on, day(2025, 3, 1));
        assert_eq!(cycle.days(), 3 * 365 + 1);
        let year = Cycle::ending_on(day(2028, 2, 29), 1);
        assert_eq!((year.starts_on, year.days()), (day(2027, 3, 1), 366));
        let after = Cycle::ending_on(day(2028, 3, 1), 1);
        assert_eq!((after.starts_on, after.days()), (day(2027, 3, 2), 366));
        assert!(after.contains(day(2028, 2, 29)));
        // Renewed every year from 29 February 2024: 28 February in between, then back.
        let date = day(2024, 2, 29);
        assert_eq!(
            Cycle::current(date, 1, day(2025, 2, 28)).ends_on,
            day(2025, 2, 28)
        );
        assert_eq!(
            Cycle::current(date, 1, day(2025, 3, 1)).ends_on,
            day(2026, 2, 28)
        );
        assert_eq!(
            Cycle::current(date, 1, day(2027, 3, 1)).ends_on,
            day(2028, 2, 29)
        );
        let leap = Cycle::current(date, 1, day(2028, 2, 29));
        assert_eq!(
            (leap.starts_on, leap.ends_on),
            (day(2027, 3, 1), day(2028, 2, 29))
        );
    }
}
