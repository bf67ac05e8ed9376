//! The `attendance` table, and who is on a cohort's register: its learners with a
//! confirmed place, and later those marked completed or not completed.

use chrono::{DateTime, Utc};

use super::cohorts::CohortSession;
use super::{Db, DbError, Tx, run};
use crate::domain::enrolment::Status;
use crate::domain::learning::Mark;
use crate::domain::learning::TOOK_PART_SQL;

/// A learner on a cohort's register.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OnRegister {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub full_name: String,
    pub email: String,
    pub status: Status,
}

fn register_sql() -> String {
    format!(
        "select e.enrolment_id, e.user_id, u.full_name, u.email, e.status from enrolments e \
         join users u on u.user_id = e.user_id where e.cohort_id = $1 \
         and e.status in {TOOK_PART_SQL} order by u.full_name, e.enrolment_id"
    )
}

/// The cohort's register, by name.
pub async fn register(db: &Db, cohort_id: i64) -> Result<Vec<OnRegister>, DbError> {
    let sql = register_sql();
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// [`register`] as this transaction sees it.
pub async fn register_in(tx: &mut Tx, cohort_id: i64) -> Result<Vec<OnRegister>, DbError> {
    let sql = register_sql();
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// One learner's mark for one session.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MarkRow {
    pub cohort_session_id: i64,
    pub enrolment_id: i64,
    pub mark: Mark,
    pub note: String,
}

const MARKS_OF_COHORT: &str = "select a.cohort_session_id, a.enrolment_id, a.mark, a.note \
     from attendance a join cohort_sessions s on s.cohort_session_id = a.cohort_session_id \
     where s.cohort_id = $1 order by a.cohort_session_id, a.enrolment_id";

/// Every mark on a cohort's registers.
pub async fn marks_for_cohort(db: &Db, cohort_id: i64) -> Result<Vec<MarkRow>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(MARKS_OF_COHORT).bind(cohort_id).fetch_all(c).await)?)
}

/// [`marks_for_cohort`] as this transaction sees it.
pub async fn marks_for_cohort_in(tx: &mut Tx, cohort_id: i64) -> Result<Vec<MarkRow>, DbError> {
    Ok(run!(tx tx, |c| sqlx::query_as(MARKS_OF_COHORT).bind(cohort_id).fetch_all(c).await)?)
}

/// A learner's own marks (their enrolment page).
pub async fn marks_for_enrolment(db: &Db, enrolment_id: i64) -> Result<Vec<MarkRow>, DbError> {
    let sql = "select cohort_session_id, enrolment_id, mark, note from attendance \
               where enrolment_id = $1 order by cohort_session_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(enrolment_id).fetch_all(c).await)?)
}

/// Records (or changes) a learner's mark for a session.
pub async fn set(
    tx: &mut Tx,
    session_id: i64,
    enrolment_id: i64,
    mark: Mark,
    note: &str,
    recorded_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "insert into attendance (cohort_session_id, enrolment_id, mark, note, recorded_by, \
               recorded_at) values ($1, $2, $3, $4, $5, $6) \
               on conflict (cohort_session_id, enrolment_id) do update set mark = excluded.mark, \
               note = excluded.note, recorded_by = excluded.recorded_by, \
               recorded_at = excluded.recorded_at";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(session_id)
        .bind(enrolment_id)
        .bind(mark.as_str())
        .bind(note)
        .bind(recorded_by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Takes a learner's mark for a session off the register (recorded by mistake).
pub async fn clear(tx: &mut Tx, session_id: i64, enrolment_id: i64) -> Result<(), DbError> {
    let sql = "delete from attendance where cohort_session_id = $1 and enrolment_id = $2";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(session_id)
        .bind(enrolment_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

const SESSION: &str = "select cohort_session_id, cohort_id, title, starts_at, ends_at, \
     joining_details from cohort_sessions where cohort_session_id = $1";

/// One live session, whose register this is.
pub async fn find_session(db: &Db, session_id: i64) -> Result<Option<CohortSession>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(SESSION).bind(session_id).fetch_optional(c).await)?)
}

/// [`find_session`] as this transaction sees it.
pub async fn find_session_in(
    tx: &mut Tx,
    session_id: i64,
) -> Result<Option<CohortSession>, DbError> {
    Ok(run!(tx tx, |c| sqlx::query_as(SESSION).bind(session_id).fetch_optional(c).await)?)
}
