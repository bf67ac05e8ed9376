//! Each cohort's waiting and finished places (`cohorts.waitlisted`, `cohorts.finished`),
//! moved by the insert, change of state and deletion of a place in this module's parent,
//! in the same transaction and never by callers, so the admin overview reads them off the
//! cohort's row instead of counting places.

use crate::db::writes::Writes;
use crate::db::{DbError, Tx, run};
use crate::domain::enrolment::Status;

/// What a place in `status` adds to (waitlisted, finished).
fn counts(status: Status) -> (i64, i64) {
    (
        i64::from(status == Status::Waitlisted),
        i64::from(matches!(status, Status::Completed | Status::NotCompleted)),
    )
}

/// After a new place in `status` on `cohort_id`, in writes sent together (nothing for a
/// place that counts in neither).
pub(super) fn push_added(writes: &mut Writes, cohort_id: i64, status: Status) {
    let (waitlisted, finished) = counts(status);
    if (waitlisted, finished) == (0, 0) {
        return;
    }
    let sql = "update cohorts set waitlisted = waitlisted + $2, finished = finished + $3 \
               where cohort_id = $1";
    writes.push(
        sql,
        vec![cohort_id.into(), waitlisted.into(), finished.into()],
    );
}

/// After the place `enrolment_id` went from `from` to `to`.
pub(super) async fn moved(
    tx: &mut Tx,
    enrolment_id: i64,
    from: Status,
    to: Status,
) -> Result<(), DbError> {
    let (before, after) = (counts(from), counts(to));
    if before == after {
        return Ok(());
    }
    let sql = "update cohorts set waitlisted = waitlisted + $2, finished = finished + $3 \
               where cohort_id = (select cohort_id from enrolments where enrolment_id = $1)";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(after.0 - before.0)
        .bind(after.1 - before.1)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Before the places of `user_id` are deleted.
pub(super) async fn removing_user(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = "update cohorts set \
               waitlisted = waitlisted - (select count(*) from enrolments e \
                 where e.cohort_id = cohorts.cohort_id and e.user_id = $1 \
                 and e.status = 'waitlisted'), \
               finished = finished - (select count(*) from enrolments e \
                 where e.cohort_id = cohorts.cohort_id and e.user_id = $1 \
                 and e.status in ('completed', 'not_completed')) \
               where cohort_id in (select cohort_id from enrolments where user_id = $1)";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Every cohort's counts from its places (after the scale seed wrote them in bulk).
pub async fn recount(tx: &mut Tx) -> Result<(), DbError> {
    let sql = "update cohorts set \
               waitlisted = (select count(*) from enrolments e \
                 where e.cohort_id = cohorts.cohort_id and e.status = 'waitlisted'), \
               finished = (select count(*) from enrolments e \
                 where e.cohort_id = cohorts.cohort_id \
                 and e.status in ('completed', 'not_completed'))";
    run!(tx tx, |c| sqlx::query(sql).execute(c).await.map(|_| ()))?;
    Ok(())
}
