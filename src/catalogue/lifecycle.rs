//! A cohort's lifecycle after it is saved: opening it (which tells the interest list and
//! offers free seats to the waiting list), closing it, cancelling it with a message to
//! everyone who has or wants a place, and marking it completed once it is over.

use crate::catalogue::{Admin, interest};
use crate::context::Ctx;
use crate::db::audit::audit_admin;
use crate::db::cohorts::{self, Cohort};
use crate::db::enrolments;
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::enrolment::Status;
use chrono::{DateTime, Utc};

use crate::db::{DbError, Tx};
use crate::domain::catalogue::{CohortStatus, cohort_over_at};
use crate::enrolment::EnrolmentCtx;
use crate::enrolment::EnrolmentError;

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("no such cohort")]
    NotFound,
    /// The cohort is in a state the change does not start from.
    #[error("a {} cohort cannot be changed to {}", .from.as_str(), .to.as_str())]
    CannotChange {
        from: CohortStatus,
        to: CohortStatus,
    },
    /// A cohort is marked completed only after its last live session.
    #[error("the cohort is not over until {over_at}")]
    NotOver { over_at: DateTime<Utc> },
    /// A cohort is marked completed only when nobody is still waiting for or holding a
    /// place on it: those places are confirmed, moved or cancelled first, so no learner is
    /// left queueing (or owing money) for a course that has ended.
    #[error("{count} places on the cohort are still waiting or held")]
    PlacesUndecided { count: usize },
    /// Only a draft, open or closed cohort can be cancelled.
    #[error("a {} cohort cannot be cancelled", .status.as_str())]
    CannotCancel { status: CohortStatus },
    /// Mailing the interest list failed.
    #[error(transparent)]
    InterestList(#[from] interest::InterestError),
    /// The waiting list or the places of a cancelled cohort could not be dealt with.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Opens a draft or closed cohort for enrolment. In the same transaction everyone on the
/// course's interest list is mailed once (and leaves it), and seats freed while it was
/// closed go to the waiting list. Returns the cohort as it now stands.
///
/// It takes the enrolment workflow's context, which carries the common [`Ctx`].
pub async fn open(
    enrolment: EnrolmentCtx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
) -> Result<Cohort, LifecycleError> {
    let ctx = enrolment.ctx;
    let mut tx = ctx.db.begin().await?;
    let from = [CohortStatus::Draft, CohortStatus::Closed];
    let cohort = change_status(&mut tx, cohort_id, &from, CohortStatus::Open, ctx).await?;
    interest::notify_opened(ctx, &mut tx, &cohort).await?;
    crate::enrolment::offer_free_seats(enrolment, &mut tx, cohort_id).await?;
    record(&mut tx, ctx, by, cohort_id, CohortStatus::Open).await?;
    tx.commit().await?;
    Ok(cohort)
}

/// Closes an open cohort to new enrolments. Returns the cohort as it now stands.
pub async fn close(ctx: Ctx<'_>, by: Admin<'_>, cohort_id: i64) -> Result<Cohort, LifecycleError> {
    let mut tx = ctx.db.begin().await?;
    let from = [CohortStatus::Open];
    let cohort = change_status(&mut tx, cohort_id, &from, CohortStatus::Closed, ctx).await?;
    record(&mut tx, ctx, by, cohort_id, CohortStatus::Closed).await?;
    tx.commit().await?;
    Ok(cohort)
}

/// Marks an open or closed cohort completed, once its last live session has ended (or,
/// without sessions, its last day has passed) and no place on it is still waiting, offered
/// or awaiting payment. Confirmed places are left as they are: each learner's completion is
/// decided on its own (`learning::completion`). Returns the cohort.
pub async fn complete(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
) -> Result<Cohort, LifecycleError> {
    let mut tx = ctx.db.begin().await?;
    let cohort = cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(LifecycleError::NotFound)?;
    let sessions = cohorts::sessions_in(&mut tx, cohort_id).await?;
    let over_at = cohort_over_at(sessions.iter().map(|s| s.ends_at).max(), cohort.ends_on);
    if ctx.now() < over_at {
        return Err(LifecycleError::NotOver { over_at });
    }
    let count = enrolments::active_in_cohort(&mut tx, cohort_id)
        .await?
        .iter()
        .filter(|place| place.status() != Status::Confirmed)
        .count();
    if count > 0 {
        return Err(LifecycleError::PlacesUndecided { count });
    }
    let from = [CohortStatus::Open, CohortStatus::Closed];
    let cohort = change_status(&mut tx, cohort_id, &from, CohortStatus::Completed, ctx).await?;
    record(&mut tx, ctx, by, cohort_id, CohortStatus::Completed).await?;
    tx.commit().await?;
    Ok(cohort)
}

/// Moves the cohort from one of `from` to `to` and reads it back.
async fn change_status(
    tx: &mut Tx,
    cohort_id: i64,
    from: &[CohortStatus],
    to: CohortStatus,
    ctx: Ctx<'_>,
) -> Result<Cohort, LifecycleError> {
    let changed = cohorts::change_status(tx, cohort_id, from, to, ctx.now()).await?;
    let cohort = cohorts::find_in(tx, cohort_id)
        .await?
        .ok_or(LifecycleError::NotFound)?;
    match changed {
        true => Ok(cohort),
        false => Err(LifecycleError::CannotChange {
            from: cohort.status(),
            to,
        }),
    }
}

/// The audit event of a status change: `cohort_open`, `cohort_closed`, `cohort_completed`.
async fn record(
    tx: &mut Tx,
    ctx: Ctx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
    to: CohortStatus,
) -> Result<(), DbError> {
    let action = format!("cohort_{}", to.as_str());
    let detail = format!("cohort {cohort_id}");
    let subject = Some(Subject::new(SubjectKind::Cohort, cohort_id));
    audit_admin(
        tx,
        by.user_id,
        subject,
        &action,
        &detail,
        by.client,
        ctx.now(),
    )
    .await
}

/// Cancels a cohort that has not finished, keeping `message` for learners: every place,
/// hold, offer and waiting-list entry on it is cancelled and its learner sent the message
/// (and refunded where due). Returns how many places were cancelled.
///
/// It takes the enrolment workflow's context, which carries the common [`Ctx`].
pub async fn cancel(
    enrolment: EnrolmentCtx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
    message: &str,
) -> Result<usize, LifecycleError> {
    let ctx = enrolment.ctx;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if !cohorts::cancel(&mut tx, cohort_id, message, now).await? {
        let cohort = cohorts::find_in(&mut tx, cohort_id)
            .await?
            .ok_or(LifecycleError::NotFound)?;
        return Err(LifecycleError::CannotCancel {
            status: cohort.status(),
        });
    }
    let places = crate::enrolment::admin::cancel_cohort_places(
        enrolment,
        &mut tx,
        cohort_id,
        message,
        by.actor(),
    )
    .await?;
    let detail = format!("cohort {cohort_id}, {places} places cancelled");
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, cohort_id)),
        "cohort_cancelled",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(places)
}
