//! iCalendar files for cohorts: every live session in UTC, with stable UIDs and a sequence
//! that grows with each change so calendars update. Joining details are not published.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::db::cohorts::{Cohort, CohortSession};
use crate::domain::catalogue::CohortStatus;
use crate::email::templates::Site;
use crate::paths;

pub fn cohort_calendar(
    site: &Site,
    course_title: &str,
    cohort: &Cohort,
    sessions: &[CohortSession],
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&format!("{course_title}: {}", cohort.name));
    for session in sessions {
        let mut event = Event::new();
        event
            .uid(&format!(
                "cohort-session-{}@{}",
                session.cohort_session_id,
                site.host()
            ))
            .summary(&format!("{course_title}: {}", session.title))
            .description("Joining details are emailed to learners with a place.")
            .starts(session.starts_at)
            .ends(session.ends_at)
            .timestamp(cohort.updated_at)
            .sequence(u32::try_from(cohort.calendar_sequence).unwrap_or(u32::MAX))
            .url(&site.url(&paths::cohort_calendar(cohort.cohort_id)));
        if cohort.status() == CohortStatus::Cancelled {
            event.status(EventStatus::Cancelled);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
