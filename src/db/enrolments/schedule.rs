//! Enrolments due for timed work: lapsed holds and offers, invoice holds to warn, session
//! reminders, each marked done with a conditional write so two processes never both act.

use chrono::{DateTime, Utc};

use crate::db::{Db, DbError, Tx, run};

/// Holds (card or invoice) and offers whose time ran out: (enrolment id, cohort id).
pub async fn lapsed(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<(i64, i64)>, DbError> {
    let sql = "select enrolment_id, cohort_id from enrolments where \
               (status in ('awaiting_payment', 'awaiting_invoice') and hold_expires_at <= $1) \
               or (status = 'offered' and offer_expires_at <= $1) \
               order by enrolment_id limit $2";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(now).bind(limit).fetch_all(c).await)?)
}

/// Restarts a card hold that has no checkout yet (the provider was unreachable before).
pub async fn extend_hold(
    db: &Db,
    enrolment_id: i64,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update enrolments set hold_expires_at = $2, updated_at = $3 \
               where enrolment_id = $1 and status = 'awaiting_payment'";
    run!(write db, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(until)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Confirmed places whose first live session is within `within` of now and that have not
/// had this reminder: (enrolment id, cohort id).
pub async fn due_reminders(
    db: &Db,
    week: bool,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, i64)>, DbError> {
    let column = if week {
        "reminded_week_at"
    } else {
        "reminded_day_at"
    };
    let sql = format!(
        "select e.enrolment_id, e.cohort_id from enrolments e where e.status = 'confirmed' \
         and e.{column} is null and exists (select 1 from cohort_sessions s \
           where s.cohort_id = e.cohort_id and s.starts_at > $1 and s.starts_at <= $2 \
           and not exists (select 1 from cohort_sessions t where t.cohort_id = s.cohort_id \
             and t.starts_at < s.starts_at)) \
         order by e.enrolment_id limit $3"
    );
    Ok(
        run!(read db, |c| sqlx::query_as(&sql).bind(now).bind(until).bind(limit).fetch_all(c).await)?,
    )
}

/// Marks a reminder sent; false if another process sent it first.
pub async fn mark_reminded(
    tx: &mut Tx,
    enrolment_id: i64,
    week: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let column = if week {
        "reminded_week_at"
    } else {
        "reminded_day_at"
    };
    let sql =
        format!("update enrolments set {column} = $2 where enrolment_id = $1 and {column} is null");
    let updated = run!(tx tx, |c| sqlx::query(&sql)
        .bind(enrolment_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Invoice holds ending within `within` that have not been warned: (enrolment id, cohort id).
pub async fn holds_to_warn(
    db: &Db,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(i64, i64)>, DbError> {
    let sql = "select enrolment_id, cohort_id from enrolments where status = 'awaiting_invoice' \
               and hold_warned_at is null and hold_expires_at > $1 and hold_expires_at <= $2 \
               order by enrolment_id limit $3";
    Ok(run!(read db, |c| sqlx::query_as(sql)
        .bind(now)
        .bind(until)
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

pub async fn mark_hold_warned(
    tx: &mut Tx,
    enrolment_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update enrolments set hold_warned_at = $2 where enrolment_id = $1 \
               and hold_warned_at is null";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(enrolment_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}
