//! The `evaluations`, `evaluation_outcomes` and `evaluation_requests` tables: each
//! learner's course evaluation, the cohort's results without names, and who has been
//! asked for one.

use chrono::{DateTime, NaiveDate, Utc};

use super::binds::Value;
use super::stream::{RowStream, fetch_stream};
use super::{Db, DbError, Tx, run};

/// A cohort `h` is over at `now`: its last live session has ended, or it has none and its
/// last day (before `today`, in London) has passed. Matches `domain::catalogue::cohort_over_at`.
fn over(now: &str, today: &str) -> String {
    format!(
        "(case when exists (select 1 from cohort_sessions s where s.cohort_id = h.cohort_id) \
         then (select max(s.ends_at) from cohort_sessions s where s.cohort_id = h.cohort_id) <= {now} \
         else h.ends_on < {today} end)"
    )
}

/// Learners who are asked for the evaluation: a confirmed place, or one already marked
/// completed. (One marked not completed may still send it from their page.)
const ASKED: &str = "e.status in ('confirmed', 'completed') and h.status <> 'cancelled'";

/// An evaluation as sent.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Evaluation {
    pub evaluation_id: i64,
    pub enrolment_id: i64,
    pub overall_rating: i64,
    pub practice: String,
    pub comments: String,
    pub submitted_at: DateTime<Utc>,
}

/// How far one learning outcome was met, in one evaluation.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutcomeRating {
    pub outcome_number: i64,
    pub outcome: String,
    pub rating: i64,
}

pub struct NewEvaluation<'a> {
    pub enrolment_id: i64,
    pub overall_rating: i64,
    pub practice: &'a str,
    pub comments: &'a str,
    /// Each outcome's words and rating, in the course's order.
    pub outcomes: &'a [(String, i64)],
}

/// Stores an evaluation; `UniqueViolation` if the enrolment already has one.
pub async fn insert(
    tx: &mut Tx,
    evaluation: &NewEvaluation<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into evaluations (enrolment_id, overall_rating, practice, comments, \
               submitted_at) values ($1, $2, $3, $4, $5) returning evaluation_id";
    let id: i64 = run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(evaluation.enrolment_id)
        .bind(evaluation.overall_rating)
        .bind(evaluation.practice)
        .bind(evaluation.comments)
        .bind(now)
        .fetch_one(c)
        .await)?;
    let sql = "insert into evaluation_outcomes (evaluation_id, outcome_number, outcome, rating) \
               values ($1, $2, $3, $4)";
    for (number, (outcome, rating)) in (1_i64..).zip(evaluation.outcomes) {
        run!(tx tx, |c| sqlx::query(sql)
            .bind(id)
            .bind(number)
            .bind(outcome)
            .bind(*rating)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(id)
}

const COLUMNS: &str =
    "evaluation_id, enrolment_id, overall_rating, practice, comments, submitted_at";

pub async fn for_enrolment(db: &Db, enrolment_id: i64) -> Result<Option<Evaluation>, DbError> {
    let sql = format!("select {COLUMNS} from evaluations where enrolment_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

pub async fn outcomes_of(db: &Db, evaluation_id: i64) -> Result<Vec<OutcomeRating>, DbError> {
    let sql = "select outcome_number, outcome, rating from evaluation_outcomes \
               where evaluation_id = $1 order by outcome_number";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(evaluation_id).fetch_all(c).await)?)
}

const SENT_IN_COHORT: &str = "select v.enrolment_id from evaluations v \
     join enrolments e on e.enrolment_id = v.enrolment_id where e.cohort_id = $1";

/// The enrolments of a cohort that have sent their evaluation.
pub async fn sent_in_cohort(db: &Db, cohort_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(SENT_IN_COHORT).bind(cohort_id).fetch_all(c).await)?)
}

/// [`sent_in_cohort`] as this transaction sees it.
pub async fn sent_in_cohort_in(tx: &mut Tx, cohort_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(run!(tx tx, |c| sqlx::query_scalar(SENT_IN_COHORT).bind(cohort_id).fetch_all(c).await)?)
}

/// Whether the enrolment has sent its evaluation, as this transaction sees it.
pub async fn sent_in(tx: &mut Tx, enrolment_id: i64) -> Result<bool, DbError> {
    let sql = "select count(*) from evaluations where enrolment_id = $1";
    let count: i64 =
        run!(tx tx, |c| sqlx::query_scalar(sql).bind(enrolment_id).fetch_one(c).await)?;
    Ok(count > 0)
}

/// How many evaluations gave each overall rating: (rating, count), lowest first.
pub async fn overall_counts(db: &Db, cohort_id: i64) -> Result<Vec<(i64, i64)>, DbError> {
    let sql = "select v.overall_rating, count(*) from evaluations v \
               join enrolments e on e.enrolment_id = v.enrolment_id where e.cohort_id = $1 \
               group by v.overall_rating order by v.overall_rating";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(cohort_id).fetch_all(c).await)?)
}

/// One learning outcome's ratings across a cohort's evaluations.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutcomeTotal {
    pub outcome: String,
    pub first_number: i64,
    pub count: i64,
    pub sum: i64,
}

/// Each outcome (by its words, so an outcome edited part-way is counted apart) with its
/// ratings' count and sum, in the course's order.
pub async fn outcome_totals(db: &Db, cohort_id: i64) -> Result<Vec<OutcomeTotal>, DbError> {
    let sql = "select o.outcome, min(o.outcome_number) as first_number, count(*) as count, \
               cast(sum(o.rating) as bigint) as sum from evaluation_outcomes o \
               join evaluations v on v.evaluation_id = o.evaluation_id \
               join enrolments e on e.enrolment_id = v.enrolment_id where e.cohort_id = $1 \
               group by o.outcome order by min(o.outcome_number), o.outcome";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(cohort_id).fetch_all(c).await)?)
}

/// The written answers (how they will use it, comments), without who wrote them, in the
/// order they were sent.
pub async fn answers(db: &Db, cohort_id: i64) -> Result<Vec<(String, String)>, DbError> {
    let sql = "select v.practice, v.comments from evaluations v \
               join enrolments e on e.enrolment_id = v.enrolment_id where e.cohort_id = $1 \
               order by v.evaluation_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(cohort_id).fetch_all(c).await)?)
}

/// A row of the results download: one evaluation with one of its outcome ratings (none
/// when it has no outcomes). Rows of one evaluation come together, outcomes in order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResultRow {
    pub evaluation_id: i64,
    pub submitted_at: DateTime<Utc>,
    pub overall_rating: i64,
    pub practice: String,
    pub comments: String,
    pub outcome: Option<String>,
    pub rating: Option<i64>,
}

const RESULT_ROWS: &str = "select v.evaluation_id, v.submitted_at, v.overall_rating, v.practice, \
     v.comments, o.outcome, o.rating from evaluations v \
     join enrolments e on e.enrolment_id = v.enrolment_id \
     left join evaluation_outcomes o on o.evaluation_id = v.evaluation_id \
     where e.cohort_id = $1 order by v.evaluation_id, o.outcome_number";

/// A cohort's results one row at a time (however many there are).
pub fn result_rows(db: &Db, cohort_id: i64) -> RowStream<'_, ResultRow> {
    fetch_stream(db, RESULT_ROWS, vec![Value::from(cohort_id)])
}

/// Learners to ask for the evaluation: their cohort was over by `now` but not before
/// `since` (so a new installation does not mail every past cohort), they have not sent
/// it and have not been asked.
pub async fn due_requests(
    db: &Db,
    now: DateTime<Utc>,
    today: NaiveDate,
    since: DateTime<Utc>,
    since_day: NaiveDate,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    let sql = format!(
        "select e.enrolment_id from enrolments e join cohorts h on h.cohort_id = e.cohort_id \
         where {ASKED} and {over_now} and not {over_before} \
         and not exists (select 1 from evaluation_requests r where r.enrolment_id = e.enrolment_id) \
         and not exists (select 1 from evaluations v where v.enrolment_id = e.enrolment_id) \
         order by e.enrolment_id limit $5",
        over_now = over("$1", "$2"),
        over_before = over("$3", "$4"),
    );
    Ok(run!(read db, |c| sqlx::query_scalar(&sql)
        .bind(now)
        .bind(today)
        .bind(since)
        .bind(since_day)
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

/// Records that the learner was asked; false if they already were (another process).
pub async fn mark_requested(
    tx: &mut Tx,
    enrolment_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "insert into evaluation_requests (enrolment_id, requested_at) values ($1, $2) \
               on conflict (enrolment_id) do nothing";
    let inserted = run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(inserted == 1)
}

/// A learner's enrolments whose evaluation is open (their cohort is over) and not sent.
pub async fn waiting_for(
    db: &Db,
    user_id: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<i64>, DbError> {
    let sql = format!(
        "select e.enrolment_id from enrolments e join cohorts h on h.cohort_id = e.cohort_id \
         where e.user_id = $1 and {ASKED} and {over_now} \
         and not exists (select 1 from evaluations v where v.enrolment_id = e.enrolment_id) \
         order by e.enrolment_id",
        over_now = over("$2", "$3"),
    );
    Ok(run!(read db, |c| sqlx::query_scalar(&sql)
        .bind(user_id)
        .bind(now)
        .bind(today)
        .fetch_all(c)
        .await)?)
}
