//! The seat counter on `cohorts` and the waiting list: seats taken and given back with
//! conditional writes, the queue's order, and a learner's place in it.

use super::{COLUMNS, Enrolment};
use crate::db::{Db, DbError, Tx, run};
use crate::domain::enrolment::{HOLDING_SQL, Status};

/// Takes a seat if one is free; false if the cohort is full.
pub async fn take_seat(tx: &mut Tx, cohort_id: i64) -> Result<bool, DbError> {
    let sql = "update cohorts set seats_taken = seats_taken + 1 \
               where cohort_id = $1 and seats_taken < capacity";
    Ok(
        run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?
            == 1,
    )
}

/// Takes a seat beyond capacity (an admin's recorded override).
pub async fn take_seat_over_capacity(tx: &mut Tx, cohort_id: i64) -> Result<(), DbError> {
    let sql = "update cohorts set seats_taken = seats_taken + 1 where cohort_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Gives a seat back. Only ever called after the conditional transition that left a
/// seat-holding state succeeded, so a seat is released once.
pub async fn release_seat(tx: &mut Tx, cohort_id: i64) -> Result<(), DbError> {
    let sql = "update cohorts set seats_taken = seats_taken - 1 \
               where cohort_id = $1 and seats_taken > 0";
    run!(tx tx, |c| sqlx::query(sql).bind(cohort_id).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(())
}

/// Whether anyone is waiting or holding an offer in the cohort.
pub async fn queue_exists(tx: &mut Tx, cohort_id: i64) -> Result<bool, DbError> {
    let sql = "select count(*) from enrolments where cohort_id = $1 \
               and status in ('waitlisted', 'offered')";
    let count: i64 = run!(tx tx, |c| sqlx::query_scalar(sql).bind(cohort_id).fetch_one(c).await)?;
    Ok(count > 0)
}

/// The next number in the cohort's waiting-list sequence.
pub async fn next_waitlist_number(tx: &mut Tx, cohort_id: i64) -> Result<i64, DbError> {
    let sql = "update cohorts set waitlist_last = waitlist_last + 1 where cohort_id = $1 \
               returning waitlist_last";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql).bind(cohort_id).fetch_one(c).await)?)
}

/// The longest-waiting learner of a cohort.
pub async fn first_waiting(tx: &mut Tx, cohort_id: i64) -> Result<Option<Enrolment>, DbError> {
    let sql = format!(
        "select {COLUMNS} from enrolments where cohort_id = $1 and status = 'waitlisted' \
         order by waitlist_number, enrolment_id limit 1"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_optional(c).await)?)
}

/// Counts those still waiting up to a waiting-list number: a learner's place in the queue.
const RANK_SQL: &str = "select count(*) from enrolments where cohort_id = $1 \
                        and status = 'waitlisted' and waitlist_number <= $2";

/// A learner's place in the queue, counted among those still waiting: 1, 2, 3…
pub async fn waitlist_position(db: &Db, enrolment: &Enrolment) -> Result<Option<i64>, DbError> {
    let Some(number) = enrolment.waitlist_number else {
        return Ok(None);
    };
    if enrolment.status() != Status::Waitlisted {
        return Ok(None);
    }
    let rank: i64 = run!(read db, |c| sqlx::query_scalar(RANK_SQL)
        .bind(enrolment.cohort_id)
        .bind(number)
        .fetch_one(c)
        .await)?;
    Ok(Some(rank))
}

/// [`waitlist_position`] as this transaction sees it, for a learner who has just joined.
pub async fn waiting_rank(tx: &mut Tx, enrolment: &Enrolment) -> Result<i64, DbError> {
    Ok(run!(tx tx, |c| sqlx::query_scalar(RANK_SQL)
        .bind(enrolment.cohort_id)
        .bind(enrolment.waitlist_number)
        .fetch_one(c)
        .await)?)
}

/// Seat-holding enrolments counted per cohort: the invariant `seats_taken` must equal.
pub async fn holding_count(db: &Db, cohort_id: i64) -> Result<i64, DbError> {
    let sql =
        format!("select count(*) from enrolments where cohort_id = $1 and status in {HOLDING_SQL}");
    Ok(run!(read db, |c| sqlx::query_scalar(&sql).bind(cohort_id).fetch_one(c).await)?)
}
