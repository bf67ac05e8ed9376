//! The scale data set's shape, computed without I/O: how many of everything a fraction of
//! the full set holds, and each cohort's phase, dates, capacity, seats and number of places,
//! so that every table's pass sees the same cohorts.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};

use super::courses::{course_format, course_published, course_rhythm};
use crate::domain::catalogue::{CohortStatus, cohort_over_at};
use crate::domain::london;

/// How much of each thing to add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub learners: usize,
    pub courses: usize,
    pub enrolments: usize,
    /// Reports and posts together.
    pub content: usize,
    pub audit_events: usize,
    pub cpd_entries: usize,
}

/// Every course runs this many cohorts through the year.
pub const COHORTS_PER_COURSE: usize = 10;
/// The admin form's largest capacity.
const MAX_CAPACITY: usize = 10_000;

impl Size {
    /// The data set of the performance goals.
    pub const FULL: Size = Size {
        learners: 100_000,
        courses: 200,
        enrolments: 1_000_000,
        content: 10_000,
        audit_events: 1_000_000,
        cpd_entries: 1_000_000,
    };

    /// `fraction` (above 0, at most 1) of the full set, keeping at least one course and
    /// enough learners and content for every kind of row to appear.
    pub fn fraction(fraction: f64) -> Size {
        let part = |n: usize, least: usize| ((n as f64 * fraction).round() as usize).max(least);
        let full = Size::FULL;
        Size {
            learners: part(full.learners, 10),
            courses: part(full.courses, 1),
            enrolments: part(full.enrolments, 0),
            content: part(full.content, 8),
            audit_events: part(full.audit_events, 0),
            cpd_entries: part(full.cpd_entries, 0),
        }
    }

    pub fn cohorts(&self) -> usize {
        self.courses * COHORTS_PER_COURSE
    }
}

/// Where a cohort stands today, which decides its status, dates and places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Over, every place decided (completed, not completed or cancelled).
    Completed,
    /// Started; enrolment closed.
    Running,
    /// Starts next week; the team closed enrolment early.
    Closing,
    /// Enrolling, with seats left.
    OpenWithSeats,
    /// Enrolling, every seat taken, a waiting list.
    Full,
    /// Open, but enrolment opens in a few weeks.
    Upcoming,
    /// Cancelled before it started; every place cancelled.
    Cancelled,
    /// Not yet shown.
    Draft,
}

impl Phase {
    /// Its share of the places, in tenths of a typical cohort.
    fn weight(self) -> usize {
        match self {
            Phase::Completed | Phase::Running => 10,
            Phase::Closing => 9,
            Phase::OpenWithSeats => 6,
            Phase::Full => 11,
            Phase::Cancelled => 4,
            Phase::Upcoming | Phase::Draft => 0,
        }
    }

    pub fn status(self) -> CohortStatus {
        match self {
            Phase::Completed => CohortStatus::Completed,
            Phase::Running | Phase::Closing => CohortStatus::Closed,
            Phase::OpenWithSeats | Phase::Full | Phase::Upcoming => CohortStatus::Open,
            Phase::Cancelled => CohortStatus::Cancelled,
            Phase::Draft => CohortStatus::Draft,
        }
    }
}

fn phase_of(course: usize, k: usize) -> Phase {
    if !course_published(course) {
        return Phase::Draft;
    }
    match k {
        0..=2 => Phase::Completed,
        3 => Phase::Running,
        4 => Phase::Closing,
        5 | 7 => Phase::OpenWithSeats,
        6 => Phase::Full,
        8 => Phase::Upcoming,
        _ => [Phase::Cancelled, Phase::Draft, Phase::Full][course % 3],
    }
}

/// One cohort as it will be written, and how many places it holds.
#[derive(Clone, Debug)]
pub struct CohortPlan {
    pub index: usize,
    pub course: usize,
    pub phase: Phase,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub sessions: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub capacity: i64,
    pub seats_taken: i64,
    pub waitlist_last: i64,
    /// Places (enrolment rows) on it, and how many come before it in the whole set.
    pub places: usize,
    pub first_place: usize,
    /// Places are asked for within [start, end).
    pub window: (DateTime<Utc>, DateTime<Utc>),
    /// When the team marked the places completed, or cancelled the cohort.
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How many of `0..n` leave `rest` when divided by `every`.
pub fn count_where(n: usize, every: usize, rest: usize) -> usize {
    n / every + usize::from(rest < n % every)
}

/// Of a full cohort's places, how many are on the waiting list (the last to ask).
pub fn waitlisted_of(n: usize) -> usize {
    if n >= 3 { (n / 12).max(1) } else { 0 }
}

/// Every cohort of the set, in order, dated from `now`.
pub fn cohorts(size: &Size, now: DateTime<Utc>) -> Vec<CohortPlan> {
    let phases: Vec<(usize, usize, Phase)> = (0..size.courses)
        .flat_map(|c| (0..COHORTS_PER_COURSE).map(move |k| (c, k, phase_of(c, k))))
        .collect();
    let total_weight: usize = phases.iter().map(|(.., p)| p.weight()).sum();
    let typical = match total_weight {
        0 => 24,
        w => (size.enrolments * 10 / w).clamp(12, MAX_CAPACITY),
    };
    let mut plans = Vec::with_capacity(phases.len());
    let (mut weight_before, mut first_place) = (0, 0);
    let most = size.learners.min(MAX_CAPACITY - MAX_CAPACITY / 10);
    for (index, &(course, k, phase)) in phases.iter().enumerate() {
        let share = |w: usize| match total_weight {
            0 => 0,
            t => (size.enrolments as u128 * w as u128 / t as u128) as usize,
        };
        let places = (share(weight_before + phase.weight()) - share(weight_before)).min(most);
        weight_before += phase.weight();
        let plan = cohort(index, course, k, phase, places, first_place, typical, now);
        first_place += plan.places;
        plans.push(plan);
    }
    plans
}

#[allow(clippy::too_many_arguments)]
fn cohort(
    index: usize,
    course: usize,
    k: usize,
    phase: Phase,
    places: usize,
    first_place: usize,
    typical: usize,
    now: DateTime<Utc>,
) -> CohortPlan {
    let stagger = course as i64;
    let week = |w: i64| this_monday(now) + Duration::weeks(w);
    let starts_on = match phase {
        Phase::Completed => week(-(20 + 12 * (2 - k as i64) + stagger % 6)),
        Phase::Running => week(-(1 + stagger % 2)),
        Phase::Closing => week(1),
        Phase::OpenWithSeats if k == 5 => week(3 + stagger % 4),
        Phase::OpenWithSeats => week(9 + stagger % 4),
        Phase::Full if k == 6 => week(5 + stagger % 3),
        Phase::Full => week(11 + stagger % 3),
        Phase::Upcoming => week(18 + stagger % 6),
        Phase::Cancelled => week(7 + stagger % 3),
        Phase::Draft => week(26 + k as i64 + stagger % 6),
    };
    let format = course_format(course);
    let (weeks, session_weeks, from, to) = course_rhythm(format);
    let ends_on = starts_on + Duration::weeks(weeks) - Duration::days(3);
    let sessions: Vec<_> = session_weeks
        .iter()
        .map(|w| {
            let day = starts_on + Duration::weeks(*w) + Duration::days(1);
            (at(day, from), at(day, to))
        })
        .collect();
    let over_at = cohort_over_at(sessions.iter().map(|s| s.1).max(), ends_on);
    let closes = at(starts_on - Duration::days(2), (17, 0));
    let opens = match phase {
        Phase::OpenWithSeats if k == 5 => now - Duration::weeks(2 + stagger % 3),
        Phase::OpenWithSeats => now - Duration::weeks(1 + stagger % 2),
        Phase::Full => now - Duration::weeks(4 + stagger % 3),
        Phase::Upcoming => now + Duration::weeks(3 + stagger % 4),
        Phase::Cancelled => now - Duration::weeks(5),
        Phase::Draft => now + Duration::weeks(10),
        Phase::Completed | Phase::Running | Phase::Closing => {
            at(starts_on - Duration::weeks(10), (9, 0))
        }
    };
    let decided_at = match phase {
        // The team decides every place two days after the last session.
        Phase::Completed => Some(over_at + Duration::days(2)),
        Phase::Cancelled => Some(now - Duration::days(1 + index as i64 % 10)),
        _ => None,
    };
    let window = match phase {
        Phase::Completed | Phase::Running => (opens, closes),
        Phase::Closing => (opens, closes.min(now - Duration::days(1))),
        Phase::Cancelled => (opens, decided_at.unwrap_or(now) - Duration::days(1)),
        _ => (opens, now - Duration::hours(1)),
    };
    let places = if window.0 < window.1 { places } else { 0 };
    let (capacity, seats_taken, waitlist_last) = seats(phase, places, index, typical);
    let created_at = opens.min(now) - Duration::days(14);
    let updated_at = match phase {
        Phase::Completed => decided_at.map_or(created_at, |d| d + Duration::hours(1)),
        Phase::Cancelled => decided_at.unwrap_or(created_at),
        Phase::Closing => window.1,
        _ => created_at,
    };
    CohortPlan {
        index,
        course,
        phase,
        name: format!("Cohort starting {}", london::date(starts_on)),
        starts_on,
        ends_on,
        enrol_opens_at: opens,
        enrol_closes_at: closes,
        sessions,
        capacity,
        seats_taken,
        waitlist_last,
        places,
        first_place,
        window,
        decided_at,
        created_at,
        updated_at,
    }
}

/// (capacity, seats taken, last waiting-list number) for `n` places, following the
/// positions `places::story` gives each place.
fn seats(phase: Phase, n: usize, index: usize, typical: usize) -> (i64, i64, i64) {
    let (capacity, taken, waiting) = match phase {
        Phase::Completed => {
            let held = n - count_where(n, 16, 3);
            (held + held / 20, 0, 0)
        }
        Phase::Running | Phase::Closing => {
            let confirmed = n - count_where(n, 20, 7);
            (confirmed + confirmed / 25, confirmed, 0)
        }
        Phase::OpenWithSeats => {
            let confirmed = n - count_where(n, 12, 5);
            let spare = (confirmed * (15 + index * 7 % 25) / 100).max(1);
            (confirmed + spare, confirmed, 0)
        }
        Phase::Full => {
            let waiting = waitlisted_of(n);
            let asked = n - waiting;
            let confirmed = asked - count_where(asked, 15, 4);
            (confirmed, confirmed, waiting)
        }
        Phase::Cancelled => (n + n / 10, 0, 0),
        Phase::Upcoming | Phase::Draft => (typical, 0, 0),
    };
    let capacity = match capacity {
        0 => typical,
        c => c,
    };
    (capacity as i64, taken as i64, waiting as i64)
}

fn this_monday(now: DateTime<Utc>) -> NaiveDate {
    let today = london::day_of(now);
    today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
}

/// A London wall-clock time on `day`; these daytime times never fall in a clock change.
pub fn at(day: NaiveDate, (hour, minute): (u32, u32)) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    london::to_utc(day, time).unwrap_or_else(|_| day.and_time(time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap()
    }

    #[test]
    fn the_places_add_up_to_the_size() {
        let plans = cohorts(&Size::FULL, now());
        assert_eq!(plans.len(), 2_000);
        assert_eq!(plans.iter().map(|p| p.places).sum::<usize>(), 1_000_000);
        let last = plans.last().unwrap();
        assert_eq!(last.first_place + last.places, 1_000_000);
    }

    #[test]
    fn every_cohort_keeps_the_form_rules() {
        for plan in cohorts(&Size::fraction(0.05), now()) {
            assert!(plan.ends_on >= plan.starts_on, "{plan:?}");
            assert!(plan.enrol_closes_at > plan.enrol_opens_at, "{plan:?}");
            assert!(
                london::day_of(plan.enrol_closes_at) <= plan.ends_on,
                "{plan:?}"
            );
            assert!((1..=10_000).contains(&plan.capacity), "{plan:?}");
            assert!(plan.seats_taken <= plan.capacity, "{plan:?}");
            for (start, end) in &plan.sessions {
                assert!(start < end);
                let day = london::day_of(*start);
                assert!(plan.starts_on <= day && day <= plan.ends_on, "{plan:?}");
            }
            match plan.phase {
                Phase::Completed => assert!(plan.decided_at.unwrap() < now()),
                Phase::Full => assert!(plan.waitlist_last > 0 || plan.places < 3),
                _ => {}
            }
            if plan.places > 0 {
                assert!(plan.window.0 < plan.window.1 && plan.window.1 <= now());
            }
        }
    }

    #[test]
    fn small_sets_still_have_every_phase() {
        let plans = cohorts(&Size::fraction(0.01), now());
        for phase in [
            Phase::Completed,
            Phase::Running,
            Phase::Closing,
            Phase::OpenWithSeats,
            Phase::Full,
            Phase::Upcoming,
            Phase::Cancelled,
            Phase::Draft,
        ] {
            assert!(plans.iter().any(|p| p.phase == phase), "{phase:?}");
        }
    }
}
