//! The `cohorts` and `cohort_sessions` tables: when and how each course runs (the admin
//! overview's pages in [`overview`]).

use chrono::{DateTime, NaiveDate, Utc};

use super::{Db, DbError, Tx, run};
use crate::domain::catalogue::{CohortFacts, CohortStatus};

mod overview;

pub use overview::{
    CohortFilter, CohortOverview, overview, overview_count, overview_count_statement,
    overview_statement,
};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Cohort {
    pub cohort_id: i64,
    pub course_id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub capacity: i64,
    pub seats_taken: i64,
    pub status: CohortStatus,
    pub delivery_notes: String,
    pub calendar_sequence: i64,
    pub updated_at: DateTime<Utc>,
}

impl Cohort {
    pub fn status(&self) -> CohortStatus {
        self.status
    }

    pub fn facts(&self) -> CohortFacts {
        CohortFacts {
            status: self.status(),
            enrol_opens_at: self.enrol_opens_at,
            enrol_closes_at: self.enrol_closes_at,
            capacity: self.capacity,
            seats_taken: self.seats_taken,
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CohortSession {
    pub cohort_session_id: i64,
    pub cohort_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub joining_details: String,
}

const COHORT_COLUMNS: &str = "cohort_id, course_id, name, starts_on, ends_on, enrol_opens_at, \
     enrol_closes_at, capacity, seats_taken, status, delivery_notes, calendar_sequence, updated_at";

/// `$1, $2, …` for a list of `n` values.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn sessions_for(db: &Db, cohort_ids: &[i64]) -> Result<Vec<CohortSession>, DbError> {
    if cohort_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select cohort_session_id, cohort_id, title, starts_at, ends_at, joining_details \
         from cohort_sessions where cohort_id in ({}) order by starts_at, cohort_session_id",
        placeholders(cohort_ids.len())
    );
    Ok(run!(read db, |c| {
        let mut query = sqlx::query_as(&sql);
        for id in cohort_ids {
            query = query.bind(*id);
        }
        query.fetch_all(c).await
    })?)
}

/// A visible cohort of a published course, with that course's title.
pub async fn find_published(db: &Db, cohort_id: i64) -> Result<Option<(Cohort, String)>, DbError> {
    let sql = format!(
        "select {cols}, c.title from cohorts h join courses c on c.course_id = h.course_id \
         where h.cohort_id = $1 and h.status <> 'draft' and c.published = true",
        cols = COHORT_COLUMNS
            .split(", ")
            .map(|col| format!("h.{col}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        cohort: Cohort,
        title: String,
    }
    let row: Option<Row> =
        run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?;
    Ok(row.map(|r| (r.cohort, r.title)))
}

/// A cohort as an admin (or the demo seed) writes it.
pub struct CohortFields<'a> {
    pub course_id: i64,
    pub name: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrol_opens_at: DateTime<Utc>,
    pub enrol_closes_at: DateTime<Utc>,
    pub capacity: i64,
    pub status: CohortStatus,
    pub delivery_notes: &'a str,
}

pub async fn insert(
    tx: &mut Tx,
    cohort: &CohortFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into cohorts (course_id, name, starts_on, ends_on, enrol_opens_at, enrol_closes_at, \
               capacity, status, delivery_notes, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning cohort_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(cohort.course_id)
        .bind(cohort.name)
        .bind(cohort.starts_on)
        .bind(cohort.ends_on)
        .bind(cohort.enrol_opens_at)
        .bind(cohort.enrol_closes_at)
        .bind(cohort.capacity)
        .bind(cohort.status.as_str())
        .bind(cohort.delivery_notes)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

pub async fn insert_session(
    tx: &mut Tx,
    cohort_id: i64,
    title: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    joining_details: &str,
) -> Result<i64, DbError> {
    let sql = "insert into cohort_sessions (cohort_id, title, starts_at, ends_at, joining_details) \
               values ($1, $2, $3, $4, $5) returning cohort_session_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(cohort_id)
        .bind(title)
        .bind(starts_at)
        .bind(ends_at)
        .bind(joining_details)
        .fetch_one(c)
        .await)?)
}

pub async fn find(db: &Db, cohort_id: i64) -> Result<Option<Cohort>, DbError> {
    let sql = format!("select {COHORT_COLUMNS} from cohorts where cohort_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?)
}

/// A cohort as it stands inside a write transaction (no lock: see [`lock`] for that).
pub async fn find_in(tx: &mut Tx, cohort_id: i64) -> Result<Option<Cohort>, DbError> {
    let sql = format!("select {COHORT_COLUMNS} from cohorts where cohort_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?)
}

/// Saves an edit, unless the new capacity is below the places already taken (then false).
/// The calendar sequence moves on; sessions are saved separately, keeping their ids.
pub async fn update(
    tx: &mut Tx,
    cohort_id: i64,
    cohort: &CohortFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cohorts set name = $2, starts_on = $3, ends_on = $4, enrol_opens_at = $5, \
               enrol_closes_at = $6, capacity = $7, delivery_notes = $8, \
               calendar_sequence = calendar_sequence + 1, updated_at = $9 \
               where cohort_id = $1 and seats_taken <= $7";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(cohort_id)
        .bind(cohort.name)
        .bind(cohort.starts_on)
        .bind(cohort.ends_on)
        .bind(cohort.enrol_opens_at)
        .bind(cohort.enrol_closes_at)
        .bind(cohort.capacity)
        .bind(cohort.delivery_notes)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Edits a session of this cohort in place (its id, and so its calendar UID, stays).
/// False if no such session belongs to the cohort.
pub async fn update_session(
    tx: &mut Tx,
    cohort_id: i64,
    session_id: i64,
    title: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cohort_sessions set title = $3, starts_at = $4, ends_at = $5 \
               where cohort_session_id = $2 and cohort_id = $1";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(cohort_id)
        .bind(session_id)
        .bind(title)
        .bind(starts_at)
        .bind(ends_at)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Removes the cohort's sessions other than `keep`.
pub async fn delete_sessions_except(
    tx: &mut Tx,
    cohort_id: i64,
    keep: &[i64],
) -> Result<(), DbError> {
    let sql = match keep.is_empty() {
        true => "delete from cohort_sessions where cohort_id = $1".to_owned(),
        false => format!(
            "delete from cohort_sessions where cohort_id = $1 and cohort_session_id not in ({})",
            (2..keep.len() + 2)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    run!(tx tx, |c| {
        let mut query = sqlx::query(&sql).bind(cohort_id);
        for id in keep {
            query = query.bind(*id);
        }
        query.execute(c).await.map(|_| ())
    })?;
    Ok(())
}

/// Moves a cohort from one of `from` to `to`; false if it was in none of them.
pub async fn change_status(
    tx: &mut Tx,
    cohort_id: i64,
    from: &[CohortStatus],
    to: CohortStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let allowed = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "update cohorts set status = $2, calendar_sequence = calendar_sequence + 1, updated_at = $3 \
         where cohort_id = $1 and status in ({allowed})"
    );
    let updated = run!(tx tx, |c| sqlx::query(&sql)
        .bind(cohort_id)
        .bind(to.as_str())
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Cohorts of one course, drafts included (the admin's course view).
pub async fn for_course(db: &Db, course_id: i64) -> Result<Vec<Cohort>, DbError> {
    let sql = format!(
        "select {COHORT_COLUMNS} from cohorts where course_id = $1 order by starts_on, cohort_id"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(course_id).fetch_all(c).await)?)
}

/// Cancels a cohort that is not already cancelled or completed, keeping the message for
/// learners. False if it could not be cancelled.
pub async fn cancel(
    tx: &mut Tx,
    cohort_id: i64,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cohorts set status = 'cancelled', cancellation_message = $2, \
               calendar_sequence = calendar_sequence + 1, updated_at = $3 \
               where cohort_id = $1 and status in ('draft', 'open', 'closed')";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(cohort_id)
        .bind(message)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Reads a cohort for an enrolment change and locks its row until the transaction ends,
/// so changes to one cohort's places happen one at a time in every process.
pub async fn lock(tx: &mut Tx, cohort_id: i64) -> Result<Option<Cohort>, DbError> {
    let select = format!("select {COHORT_COLUMNS} from cohorts where cohort_id = $1");
    let sql = super::locking::locking(tx.backend(), &select, super::locking::Lock::Wait);
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?)
}

/// When the cohort's first live session starts, if it has any.
pub async fn first_session_start(
    tx: &mut Tx,
    cohort_id: i64,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let sql = "select starts_at from cohort_sessions where cohort_id = $1 \
               order by starts_at limit 1";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql).bind(cohort_id).fetch_optional(c).await)?)
}

/// A cohort's sessions read in an open transaction (never a second connection while one
/// is held: a full pool would wait on itself).
pub async fn sessions_in(tx: &mut Tx, cohort_id: i64) -> Result<Vec<CohortSession>, DbError> {
    let sql = "select cohort_session_id, cohort_id, title, starts_at, ends_at, joining_details \
               from cohort_sessions where cohort_id = $1 order by starts_at, cohort_session_id";
    Ok(run!(tx tx, |c| sqlx::query_as(sql).bind(cohort_id).fetch_all(c).await)?)
}
