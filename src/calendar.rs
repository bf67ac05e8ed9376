//! iCalendar files for cohorts: every live session in UTC, with stable UIDs and a sequence
//! that grows with each change so calendars update. Joining details are not published.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::db::cohorts::{Cohort, CohortSession};
use crate::db::outbox::Attachment;
use crate::domain::catalogue::CohortStatus;
use crate::email::templates::Site;
use crate::paths;

pub fn cohort_calendar(
    site: &Site,
    course_title: &str,
    cohort: &Cohort,
    sessions: &[CohortSession],
) -> String {
    calendar_with_removed(site, course_title, cohort, sessions, &[])
}

/// The cohort's calendar as a mail attachment, when it has sessions (or had: `removed`
/// are sessions an edit took away, sent as cancelled so calendar apps drop them).
pub fn attachment(
    site: &Site,
    course_title: &str,
    cohort: &Cohort,
    sessions: &[CohortSession],
    removed: &[CohortSession],
) -> Option<Attachment> {
    (!sessions.is_empty() || !removed.is_empty()).then(|| Attachment {
        filename: format!("academy-cohort-{}.ics", cohort.cohort_id),
        content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
        body: calendar_with_removed(site, course_title, cohort, sessions, removed),
    })
}

fn calendar_with_removed(
    site: &Site,
    course_title: &str,
    cohort: &Cohort,
    sessions: &[CohortSession],
    removed: &[CohortSession],
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&format!("{course_title}: {}", cohort.name));
    let cancelled = removed.iter().map(|s| (s, true));
    for (session, gone) in sessions.iter().map(|s| (s, false)).chain(cancelled) {
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
        if gone || cohort.status() == CohortStatus::Cancelled {
            event.status(EventStatus::Cancelled);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
