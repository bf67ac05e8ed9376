//! Saving a cohort of a course, new or edited, with its live sessions. An edit keeps each
//! session's id (and so its calendar UID), and a raised capacity goes to the waiting list.

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalogue::Admin;
use crate::catalogue::schedule_notice::{self, NoticeError};
use crate::context::Ctx;
use crate::db::audit::audit_admin;
use crate::db::cohorts::{self, Cohort, CohortFields, CohortSession};
use crate::db::{DbError, Tx, courses};
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::catalogue::CohortStatus;
use crate::enrolment::EnrolmentCtx;
use crate::enrolment::EnrolmentError;

/// A live session as checked by the cohort form.
#[derive(Clone, Debug)]
pub struct SessionInput {
    /// The stored session this row edits, if any.
    pub session_id: Option<i64>,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A cohort as checked by its form: dates in order, capacity at least the places taken
/// when the form was read.
#[derive(Clone, Debug)]
pub struct CohortInput {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub capacity: i64,
    pub delivery_notes: String,
    pub sessions: Vec<SessionInput>,
}

impl CohortInput {
    fn fields(&self, course_id: i64, status: CohortStatus) -> CohortFields<'_> {
        CohortFields {
            course_id,
            name: &self.name,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            enrol_opens_at: self.enrol_opens_at,
            enrol_closes_at: self.enrol_closes_at,
            capacity: self.capacity,
            status,
            delivery_notes: &self.delivery_notes,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CohortError {
    /// No such course (adding) or cohort (editing).
    #[error("no such course or cohort")]
    NotFound,
    /// Places were taken between reading the form and saving it.
    #[error("more places have been taken than the new capacity")]
    CapacityBelowTaken,
    /// Offering a raised capacity to the waiting list failed.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    /// The notices of the change could not be queued.
    #[error(transparent)]
    Notice(#[from] NoticeError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Adds a draft cohort of a course, with its sessions. Returns its id.
pub async fn create(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    course_id: i64,
    input: &CohortInput,
) -> Result<i64, CohortError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if courses::find_in(&mut tx, course_id).await?.is_none() {
        return Err(CohortError::NotFound);
    }
    let fields = input.fields(course_id, CohortStatus::Draft);
    let cohort_id = cohorts::insert(&mut tx, &fields, now).await?;
    save_sessions(&mut tx, cohort_id, &input.sessions).await?;
    let detail = format!("cohort {cohort_id} of course {course_id}");
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, cohort_id)),
        "cohort_created",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cohort_id)
}

/// Whom an edit's changes were told to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Told {
    /// The admin did not ask for the confirmed learners to be told.
    NotAsked,
    /// Asked, but the dates, sessions and delivery notes are as they were: nobody emailed.
    NothingChanged,
    /// This many confirmed learners were emailed what changed.
    Learners(usize),
}

/// Saves an edit of a cohort and its sessions; the calendar sequence moves on, and seats
/// a raised capacity frees are offered to the waiting list. With `tell`, the confirmed
/// learners are emailed what changed in its dates, sessions or delivery notes, in the same
/// transaction ([`super::schedule_notice`]).
///
/// It takes the enrolment workflow's context, which carries the common [`Ctx`].
pub async fn update(
    enrolment: EnrolmentCtx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
    input: &CohortInput,
    tell: bool,
) -> Result<Told, CohortError> {
    let ctx = enrolment.ctx;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let cohort = cohorts::find_in(&mut tx, cohort_id)
        .await?
        .ok_or(CohortError::NotFound)?;
    let before_sessions = cohorts::sessions_in(&mut tx, cohort_id).await?;
    let fields = input.fields(cohort.course_id, cohort.status());
    if !cohorts::update(&mut tx, cohort_id, &fields, now).await? {
        return Err(CohortError::CapacityBelowTaken);
    }
    save_sessions(&mut tx, cohort_id, &input.sessions).await?;
    crate::enrolment::offer_free_seats(enrolment, &mut tx, cohort_id).await?;
    let told = match tell {
        false => Told::NotAsked,
        true => tell_learners(ctx, &mut tx, &cohort, &before_sessions).await?,
    };
    let detail = match told {
        Told::Learners(n) => {
            format!("cohort {cohort_id}: {n} confirmed learners told of the change")
        }
        _ => format!("cohort {cohort_id}"),
    };
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, cohort_id)),
        "cohort_updated",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(told)
}

/// The confirmed learners told what the saved edit changed, if it changed anything.
async fn tell_learners(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    before: &Cohort,
    before_sessions: &[CohortSession],
) -> Result<Told, CohortError> {
    let after = cohorts::find_in(tx, before.cohort_id)
        .await?
        .ok_or(CohortError::NotFound)?;
    let sessions = cohorts::sessions_in(tx, before.cohort_id).await?;
    let changes = schedule_notice::changes(before, before_sessions, &after, &sessions);
    if changes.is_empty() {
        return Ok(Told::NothingChanged);
    }
    let course = courses::find_in(tx, after.course_id)
        .await?
        .ok_or(CohortError::NotFound)?;
    let removed: Vec<CohortSession> = before_sessions
        .iter()
        .filter(|old| {
            !sessions
                .iter()
                .any(|s| s.cohort_session_id == old.cohort_session_id)
        })
        .cloned()
        .collect();
    let told =
        schedule_notice::tell(ctx, tx, &course, &after, &sessions, &removed, &changes).await?;
    Ok(Told::Learners(told))
}

/// Makes the cohort's sessions these: rows that edit a stored session keep it (and its
/// calendar UID), stored sessions not listed go, and the rest are new.
async fn save_sessions(
    tx: &mut Tx,
    cohort_id: i64,
    sessions: &[SessionInput],
) -> Result<(), DbError> {
    let kept: Vec<i64> = sessions.iter().filter_map(|s| s.session_id).collect();
    cohorts::delete_sessions_except(tx, cohort_id, &kept).await?;
    for session in sessions {
        let updated = match session.session_id {
            Some(id) => {
                cohorts::update_session(
                    tx,
                    cohort_id,
                    id,
                    &session.title,
                    session.starts_at,
                    session.ends_at,
                )
                .await?
            }
            None => false,
        };
        if !updated {
            cohorts::insert_session(
                tx,
                cohort_id,
                &session.title,
                session.starts_at,
                session.ends_at,
                "",
            )
            .await?;
        }
    }
    Ok(())
}
