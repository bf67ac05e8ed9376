//! The catalogue's rules: course levels and formats, cohort states, seats left, and what a
//! visitor may do about a cohort.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::london;

labelled_enum!(Level {
    Introductory = "introductory", "Introductory";
    Intermediate = "intermediate", "Intermediate";
    Advanced = "advanced", "Advanced";
});

labelled_enum!(Format {
    OnlineLive = "online_live", "Online, with live sessions";
    OnlineSelfPaced = "online_self_paced", "Online, at your own pace";
    Blended = "blended", "Online and in person";
});

labelled_enum!(CohortStatus {
    Draft = "draft", "Draft";
    Open = "open", "Open";
    Closed = "closed", "Closed";
    Cancelled = "cancelled", "Cancelled";
    Completed = "completed", "Completed";
});

/// "18 hours", "7 hours 30 minutes".
pub fn cpd_hours(minutes: i64) -> String {
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (hours, minutes) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

/// A cohort's dates in words: "3 March 2026 to 14 April 2026".
pub fn cohort_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> String {
    format!("{} to {}", london::date(starts_on), london::date(ends_on))
}

/// When a cohort is over: the end of its last live session, or (with none) midnight in
/// London after its last day. Attendance is complete then, the evaluation opens, learners
/// can be marked completed or not, and the cohort itself can be marked completed.
pub fn cohort_over_at(
    last_session_ends: Option<DateTime<Utc>>,
    ends_on: NaiveDate,
) -> DateTime<Utc> {
    match last_session_ends {
        Some(ends) => ends,
        None => london::start_of_day(ends_on + chrono::Duration::days(1)),
    }
}

/// The facts about a cohort that decide what can be done with it.
#[derive(Clone, Copy, Debug)]
pub struct CohortFacts {
    pub status: CohortStatus,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub capacity: i64,
    pub seats_taken: i64,
}

impl CohortFacts {
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.seats_taken).max(0)
    }

    pub fn is_enrolling(&self, now: DateTime<Utc>) -> bool {
        self.status == CohortStatus::Open
            && self.enrol_opens_at <= now
            && now < self.enrol_closes_at
    }
}

/// Who is looking at a cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visitor {
    Anonymous,
    Unverified,
    Verified,
}

/// What a visitor sees next to a cohort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CohortAction {
    Enrol,
    JoinWaitingList,
    SignInToEnrol,
    VerifyEmailToEnrol,
    OpensOn(DateTime<Utc>),
    Closed,
    Cancelled,
    Finished,
}

pub fn action_for(cohort: &CohortFacts, visitor: Visitor, now: DateTime<Utc>) -> CohortAction {
    match cohort.status {
        CohortStatus::Cancelled => return CohortAction::Cancelled,
        CohortStatus::Completed => return CohortAction::Finished,
        CohortStatus::Draft | CohortStatus::Closed => return CohortAction::Closed,
        CohortStatus::Open => {}
    }
    if now < cohort.enrol_opens_at {
        return CohortAction::OpensOn(cohort.enrol_opens_at);
    }
    if now >= cohort.enrol_closes_at {
        return CohortAction::Closed;
    }
    match visitor {
        Visitor::Anonymous => CohortAction::SignInToEnrol,
        Visitor::Unverified => CohortAction::VerifyEmailToEnrol,
        Visitor::Verified if cohort.seats_left() > 0 => CohortAction::Enrol,
        Visitor::Verified => CohortAction::JoinWaitingList,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn cohort(status: CohortStatus, taken: i64) -> CohortFacts {
        CohortFacts {
            status,
            enrol_opens_at: now() - Duration::days(10),
            enrol_closes_at: now() + Duration::days(10),
            capacity: 20,
            seats_taken: taken,
        }
    }

    #[test]
    fn each_visitor_gets_the_right_action() {
        let open = cohort(CohortStatus::Open, 3);
        assert_eq!(
            action_for(&open, Visitor::Anonymous, now()),
            CohortAction::SignInToEnrol
        );
        assert_eq!(
            action_for(&open, Visitor::Unverified, now()),
            CohortAction::VerifyEmailToEnrol
        );
        assert_eq!(
            action_for(&open, Visitor::Verified, now()),
            CohortAction::Enrol
        );
        assert_eq!(
            action_for(&cohort(CohortStatus::Open, 20), Visitor::Verified, now()),
            CohortAction::JoinWaitingList
        );
        assert_eq!(open.seats_left(), 17);
        assert_eq!(
            cohort(CohortStatus::Open, 25).seats_left(),
            0,
            "an over-capacity override never shows negative seats"
        );
    }

    #[test]
    fn windows_and_states_come_before_the_visitor() {
        let mut future = cohort(CohortStatus::Open, 0);
        future.enrol_opens_at = now() + Duration::days(1);
        assert_eq!(
            action_for(&future, Visitor::Verified, now()),
            CohortAction::OpensOn(future.enrol_opens_at)
        );
        let mut past = cohort(CohortStatus::Open, 0);
        past.enrol_closes_at = now();
        assert_eq!(
            action_for(&past, Visitor::Verified, now()),
            CohortAction::Closed,
            "the window closes at its instant"
        );
        assert_eq!(
            action_for(
                &cohort(CohortStatus::Cancelled, 0),
                Visitor::Verified,
                now()
            ),
            CohortAction::Cancelled
        );
        assert_eq!(
            action_for(
                &cohort(CohortStatus::Completed, 0),
                Visitor::Verified,
                now()
            ),
            CohortAction::Finished
        );
        assert_eq!(
            action_for(&cohort(CohortStatus::Closed, 0), Visitor::Anonymous, now()),
            CohortAction::Closed
        );
        assert_eq!(
            action_for(&cohort(CohortStatus::Draft, 0), Visitor::Verified, now()),
            CohortAction::Closed
        );
    }

    #[test]
    fn a_cohort_is_over_when_its_last_session_ends_or_after_its_last_day() {
        let last = Utc.with_ymd_and_hms(2026, 6, 1, 12, 30, 0).unwrap();
        let ends_on = NaiveDate::from_ymd_opt(2026, 6, 5).unwrap();
        assert_eq!(cohort_over_at(Some(last), ends_on), last);
        // No live sessions: midnight in London (23:00 UTC in summer) after the last day.
        assert_eq!(
            cohort_over_at(None, ends_on),
            Utc.with_ymd_and_hms(2026, 6, 5, 23, 0, 0).unwrap()
        );
    }

    #[test]
    fn cpd_time_reads_naturally() {
        assert_eq!(cpd_hours(18 * 60), "18 hours");
        assert_eq!(cpd_hours(60), "1 hour");
        assert_eq!(cpd_hours(450), "7 hours 30 minutes");
        assert_eq!(cpd_hours(45), "45 minutes");
    }

    #[test]
    fn labels_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.as_str()), Some(*level));
        }
        assert_eq!(
            Format::parse("online_live").map(Format::label),
            Some("Online, with live sessions")
        );
        assert_eq!(CohortStatus::parse("nonsense"), None);
    }
}
