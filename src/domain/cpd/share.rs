//! A share link's rules: how long it lasts (7, 30 or 90 days), what it shows (the whole
//! record or the entries ending within a range of dates), and where it stands (active,
//! expired, withdrawn) at a given moment.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::fields::FieldProblem;
use crate::domain::london;

labelled_enum!(ShareDays {
    Week = "7", "7 days";
    Month = "30", "30 days";
    Quarter = "90", "90 days";
});

impl ShareDays {
    pub fn days(self) -> i64 {
        match self {
            ShareDays::Week => 7,
            ShareDays::Month => 30,
            ShareDays::Quarter => 90,
        }
    }

    /// When a link made at `now` stops working.
    pub fn expiry(self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(self.days())
    }
}

/// What a link shows. No dates is the whole record; an entry is inside when it ended
/// within the dates (as a cycle counts it), each end included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShareScope {
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub include_evidence: bool,
}

impl ShareScope {
    pub fn is_whole_record(&self) -> bool {
        self.from_on.is_none() && self.to_on.is_none()
    }

    pub fn contains(&self, ended_on: NaiveDate) -> bool {
        self.from_on.is_none_or(|from| ended_on >= from)
            && self.to_on.is_none_or(|to| ended_on <= to)
    }

    /// Every problem with the dates on `today`: each in order and neither in the future
    /// (the record holds what took place, so a later range would show nothing yet).
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut add = |field, message: &str| {
            problems.push(FieldProblem {
                field,
                message: message.to_owned(),
            })
        };
        if self.from_on.is_some_and(|from| from > today) {
            add("from", "The from date must be today or in the past");
        }
        match (self.from_on, self.to_on) {
            (Some(from), Some(to)) if to < from => add(
                "to",
                "The to date must be the same as or after the from date",
            ),
            (_, Some(to)) if to > today => add("to", "The to date must be today or in the past"),
            _ => {}
        }
        problems
    }

    /// "The whole record" or "Entries ending 1 April 2025 to 31 March 2026".
    pub fn describe(&self) -> String {
        match (self.from_on, self.to_on) {
            (None, None) => "The whole record".to_owned(),
            (Some(from), Some(to)) => format!(
                "Entries ending {} to {}",
                london::date(from),
                london::date(to)
            ),
            (Some(from), None) => format!("Entries ending on or after {}", london::date(from)),
            (None, Some(to)) => format!("Entries ending on or before {}", london::date(to)),
        }
    }
}

/// Where a link stands. A withdrawn link says so even after it would have expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Active,
    Expired,
    Withdrawn,
}

impl LinkState {
    /// It works until `expires_at` and not at that instant.
    pub fn at(
        expires_at: DateTime<Utc>,
        revoked_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> LinkState {
        match (revoked_at, now < expires_at) {
            (Some(_), _) => LinkState::Withdrawn,
            (None, true) => LinkState::Active,
            (None, false) => LinkState::Expired,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LinkState::Active => "Active",
            LinkState::Expired => "Expired",
            LinkState::Withdrawn => "Withdrawn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn range(from: NaiveDate, to: NaiveDate) -> ShareScope {
        ShareScope {
            from_on: Some(from),
            to_on: Some(to),
            include_evidence: false,
        }
    }

    #[test]
    fn a_range_holds_the_entries_ending_within_it_both_ends_included() {
        let scope = range(day(2025, 4, 1), day(2026, 3, 31));
        assert!(!scope.contains(day(2025, 3, 31)));
        assert!(scope.contains(day(2025, 4, 1)));
        assert!(scope.contains(day(2026, 3, 31)));
        assert!(!scope.contains(day(2026, 4, 1)));
        assert!(
            ShareScope::default().contains(day(1999, 1, 1)),
            "the whole record"
        );
        assert_eq!(
            scope.describe(),
            "Entries ending 1 April 2025 to 31 March 2026"
        );
        assert_eq!(ShareScope::default().describe(), "The whole record");
    }

    #[test]
    fn dates_in_order_and_not_in_the_future() {
        let today = day(2026, 3, 2);
        assert!(
            range(day(2026, 3, 2), day(2026, 3, 2))
                .problems(today)
                .is_empty()
        );
        assert!(ShareScope::default().problems(today).is_empty());
        let backwards = range(day(2026, 2, 1), day(2026, 1, 31)).problems(today);
        assert_eq!(backwards.len(), 1);
        assert_eq!(backwards[0].field, "to");
        assert!(backwards[0].message.contains("after the from date"));
        let future = range(day(2026, 3, 3), day(2026, 4, 1)).problems(today);
        let fields: Vec<_> = future.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["from", "to"]);
        assert!(
            range(day(2026, 1, 1), day(2026, 3, 3)).problems(today)[0]
                .message
                .contains("today or in the past")
        );
    }

    #[test]
    fn a_link_works_until_the_instant_it_expires_and_withdrawn_wins() {
        let made = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        let expires = ShareDays::Week.expiry(made);
        assert_eq!(expires, Utc.with_ymd_and_hms(2026, 3, 9, 9, 0, 0).unwrap());
        let just_before = expires - Duration::seconds(1);
        assert_eq!(LinkState::at(expires, None, just_before), LinkState::Active);
        assert_eq!(LinkState::at(expires, None, expires), LinkState::Expired);
        assert_eq!(
            LinkState::at(expires, Some(made), just_before),
            LinkState::Withdrawn
        );
        assert_eq!(
            LinkState::at(expires, Some(made), expires + Duration::days(1)),
            LinkState::Withdrawn
        );
        assert_eq!(ShareDays::parse("90"), Some(ShareDays::Quarter));
        assert_eq!(ShareDays::parse("14"), None);
        assert_eq!(ShareDays::Month.days(), 30);
    }
}
