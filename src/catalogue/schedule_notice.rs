//! Telling a cohort's confirmed learners that an edit changed its dates, its sessions'
//! times or titles, or its delivery notes: each gets one email saying what changed, with
//! the updated calendar attached (its sequence moved on with the edit, so calendar apps
//! replace the events they hold, and sessions taken away come as cancelled).

use crate::context::Ctx;
use crate::db::cohorts::{Cohort, CohortSession};
use crate::db::courses::Course;
use crate::db::{DbError, Tx, materials};
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue_with_attachment};
use crate::paths;

use super::mails::SessionsChanged;

/// Why the notices of a change could not be queued (the edit is not saved either).
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("cannot queue the notice of the change: {0}")]
    Mail(anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What an edit did to the dates a learner plans around, one sentence each, in order:
/// the cohort's dates, each session kept, taken away or added, and the delivery notes.
pub fn changes(
    before: &Cohort,
    before_sessions: &[CohortSession],
    after: &Cohort,
    after_sessions: &[CohortSession],
) -> Vec<String> {
    let mut said = Vec::new();
    if (before.starts_on, before.ends_on) != (after.starts_on, after.ends_on) {
        said.push(format!(
            "The cohort now runs from {} to {} (it was {} to {}).",
            london::date(after.starts_on),
            london::date(after.ends_on),
            london::date(before.starts_on),
            london::date(before.ends_on)
        ));
    }
    for old in before_sessions {
        let kept = after_sessions
            .iter()
            .find(|s| s.cohort_session_id == old.cohort_session_id);
        match kept {
            None => said.push(format!("“{}” on {} is cancelled.", old.title, when(old))),
            Some(new) => {
                if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at) {
                    said.push(format!(
                        "“{}” has moved to {} (it was {}).",
                        new.title,
                        when(new),
                        when(old)
                    ));
                }
                if old.title != new.title {
                    said.push(format!("“{}” is now called “{}”.", old.title, new.title));
                }
            }
        }
    }
    for new in after_sessions {
        if !before_sessions
            .iter()
            .any(|s| s.cohort_session_id == new.cohort_session_id)
        {
            said.push(format!("A new session: “{}” on {}.", new.title, when(new)));
        }
    }
    if before.delivery_notes != after.delivery_notes {
        said.push("The notes on how the course is delivered have changed (below).".into());
    }
    said
}

/// "3 March 2026 at 9:30am to 12:30pm" in UK time.
fn when(session: &CohortSession) -> String {
    format!(
        "{} to {}",
        london::date_time(session.starts_at),
        london::time(session.ends_at)
    )
}

/// One email per confirmed learner saying `changes`, with the calendar as it now stands
/// (`removed`: the sessions taken away). Returns how many were queued.
pub async fn tell(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    course: &Course,
    cohort: &Cohort,
    sessions: &[CohortSession],
    removed: &[CohortSession],
    changes: &[String],
) -> Result<usize, NoticeError> {
    let attachment =
        crate::calendar::attachment(ctx.site, &course.title, cohort, sessions, removed);
    let mut told = 0;
    for learner in materials::confirmed_learners(tx, cohort.cohort_id).await? {
        let Ok(to) = Email::parse(&learner.email) else {
            tracing::warn!(
                user_id = learner.user_id,
                "a stored address does not parse; no notice of the change sent to it"
            );
            continue;
        };
        let mail = SessionsChanged {
            name: learner.full_name.clone(),
            course_title: course.title.clone(),
            cohort_name: cohort.name.clone(),
            changes: changes.to_vec(),
            delivery_notes: cohort.delivery_notes.clone(),
            enrolment_url: ctx.site.url(&paths::enrolment(learner.enrolment_id)),
        };
        // One notice per learner per version of the calendar: a retried save mails once.
        let envelope = Envelope {
            to: &to,
            user_id: Some(learner.user_id),
            idempotency_key: format!(
                "sessions_changed:{}:{}:{}",
                cohort.cohort_id, cohort.calendar_sequence, learner.enrolment_id
            ),
        };
        if queue_with_attachment(
            tx,
            ctx.site,
            &envelope,
            &mail,
            attachment.as_ref(),
            ctx.now(),
        )
        .await
        .map_err(NoticeError::Mail)?
        {
            told += 1;
        }
    }
    Ok(told)
}
