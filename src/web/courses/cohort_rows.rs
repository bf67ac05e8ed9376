//! A cohort as the course page lists it: dates, places left, live sessions in UK time, and
//! what this visitor can do about it (enrol, wait, sign in, or see their own place).

use chrono::{DateTime, Utc};

use super::seats;
use crate::db::cohorts::Cohort;
use crate::domain::catalogue::{CohortAction, CohortStatus, Visitor, action_for, cohort_dates};
use crate::domain::london;
use crate::paths;
use crate::published::snapshot::SessionEntry;

/// A cohort as the course page shows it.
pub(super) struct CohortRow {
    pub cohort: Cohort,
    pub dates: String,
    pub availability: String,
    pub tag_class: &'static str,
    pub sessions: Vec<(String, String)>,
    pub action: ActionView,
}

/// The action next to a cohort: a link, or words.
pub(super) struct ActionView {
    pub label: String,
    pub href: Option<String>,
}

pub(super) fn cohort_row(
    cohort: Cohort,
    sessions: &[SessionEntry],
    slug: &str,
    visitor: Visitor,
    now: DateTime<Utc>,
) -> CohortRow {
    let facts = cohort.facts();
    let (availability, tag_class) = match (facts.status, facts.seats_left()) {
        (CohortStatus::Cancelled, _) => ("Cancelled".to_owned(), "tag--red"),
        (CohortStatus::Completed, _) => ("Finished".to_owned(), "tag--grey"),
        (CohortStatus::Open, 0) => ("Full: waiting list".to_owned(), "tag--grey"),
        (CohortStatus::Open, left) => (format!("{} left", seats(left)), "tag--green"),
        _ => ("Closed".to_owned(), "tag--grey"),
    };
    let action = match action_for(&facts, visitor, now) {
        CohortAction::Enrol => link("Enrol", paths::enrol(cohort.cohort_id)),
        CohortAction::JoinWaitingList => {
            link("Join the waiting list", paths::enrol(cohort.cohort_id))
        }
        CohortAction::SignInToEnrol => {
            link("Sign in to enrol", paths::login_then(&paths::course(slug)))
        }
        CohortAction::VerifyEmailToEnrol => link(
            "Confirm your email address to enrol",
            paths::account().into(),
        ),
        CohortAction::OpensOn(at) => words(format!("Enrolment opens on {}", london::date_time(at))),
        CohortAction::Closed => words("Enrolment closed".into()),
        CohortAction::Cancelled => words("This cohort was cancelled".into()),
        CohortAction::Finished => words("This cohort has finished".into()),
    };
    let sessions = sessions
        .iter()
        .filter(|s| s.session.cohort_id == cohort.cohort_id)
        .map(|s| (s.session.title.clone(), s.when.clone()))
        .collect();
    CohortRow {
        dates: cohort_dates(cohort.starts_on, cohort.ends_on),
        availability,
        tag_class,
        sessions,
        action,
        cohort,
    }
}

/// Instead of "Enrol": where the learner's own place on this cohort stands.
pub(super) fn your_place(enrolment_id: i64, status: &str) -> ActionView {
    let label =
        crate::domain::enrolment::Status::parse(status).map_or("Your enrolment", |s| s.label());
    link(
        &format!("Your place: {}", label.to_lowercase()),
        paths::enrolment(enrolment_id),
    )
}

fn link(label: &str, href: String) -> ActionView {
    ActionView {
        label: label.to_owned(),
        href: Some(href),
    }
}

fn words(label: String) -> ActionView {
    ActionView { label, href: None }
}
