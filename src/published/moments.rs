//! The instants at which a public page made from one snapshot changes with the clock alone:
//! a report or post's publication time and each cohort's enrolment window. With the snapshot's
//! version, the seat counts' generation and the UK date they make a [`Moment`]: two public
//! pages made at the same address and the same moment are the same page.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::cohorts::Cohort;
use crate::db::published::{PostItem, ReportItem};
use crate::domain::london;

/// Every time-dependent instant of one snapshot, in order.
#[derive(Debug, Default)]
pub struct Moments(Vec<DateTime<Utc>>);

impl Moments {
    pub fn of<'a>(
        cohorts: impl Iterator<Item = &'a Cohort>,
        reports: &[ReportItem],
        posts: &[PostItem],
    ) -> Moments {
        let mut at: Vec<DateTime<Utc>> = cohorts
            .flat_map(|c| [c.enrol_opens_at, c.enrol_closes_at])
            .chain(reports.iter().map(|r| r.publish_at))
            .chain(posts.iter().map(|p| p.publish_at))
            .collect();
        at.sort_unstable();
        at.dedup();
        Moments(at)
    }

    /// How many of the instants have come by `now` (pages compare with `<=` and `<`, so
    /// an instant counts from itself on).
    pub fn passed(&self, now: DateTime<Utc>) -> usize {
        self.0.partition_point(|at| *at <= now)
    }
}

/// What a public page made now is made from, besides its address: equal moments, equal
/// pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Moment {
    pub version: i64,
    pub seats_generation: u64,
    pub passed: usize,
    /// Cohorts move from coming to past with the UK date.
    pub day: NaiveDate,
}

impl Moment {
    pub fn at(version: i64, seats_generation: u64, moments: &Moments, now: DateTime<Utc>) -> Self {
        Moment {
            version,
            seats_generation,
            passed: moments.passed(now),
            day: london::day_of(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn an_instant_counts_from_itself_on() {
        let noon = Utc.with_ymd_and_hms(2026, 5, 4, 12, 0, 0).unwrap();
        let moments = Moments(vec![noon, noon + Duration::hours(1)]);
        assert_eq!(moments.passed(noon - Duration::milliseconds(1)), 0);
        assert_eq!(moments.passed(noon), 1);
        assert_eq!(moments.passed(noon + Duration::hours(2)), 2);
    }

    #[test]
    fn the_moment_moves_with_an_instant_and_with_the_uk_date() {
        let noon = Utc.with_ymd_and_hms(2026, 5, 4, 12, 0, 0).unwrap();
        let moments = Moments(vec![noon]);
        let at = |t| Moment::at(7, 1, &moments, t);
        let morning = noon - Duration::hours(2);
        assert_eq!(at(morning), at(noon - Duration::milliseconds(1)));
        assert_ne!(at(morning), at(noon), "a publication time");
        // 23:00 UTC on 4 May is midnight in London (BST).
        let late = Utc.with_ymd_and_hms(2026, 5, 4, 22, 59, 59).unwrap();
        assert_ne!(at(late), at(late + Duration::seconds(1)), "a new UK day");
    }
}
