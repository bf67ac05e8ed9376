//! Renewal reminders: who is due one, and the record that one was sent (one per learner,
//! renewal date and lead time, so a changed date gets its own reminders).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::db::{Db, DbError, Tx, run};

/// Learners whose renewal or appraisal date is between `today` and `lead_days` ahead, who
/// want reminders, can sign in, and have not had this lead time's reminder for this date.
pub async fn due(
    db: &Db,
    today: NaiveDate,
    lead_days: i64,
    limit: i64,
) -> Result<Vec<(i64, NaiveDate)>, DbError> {
    let sql = "select u.user_id, u.cpd_renewal_on from users u \
               where u.cpd_reminders and u.cpd_renewal_on is not null \
               and u.email_verified_at is not null and u.disabled_at is null \
               and u.cpd_renewal_on >= $1 and u.cpd_renewal_on <= $2 \
               and not exists (select 1 from cpd_reminders r where r.user_id = u.user_id \
               and r.renewal_on = u.cpd_renewal_on and r.days_before = $3) \
               order by u.user_id limit $4";
    let until = today + Duration::days(lead_days);
    Ok(run!(read db, |c| sqlx::query_as(sql)
        .bind(today)
        .bind(until)
        .bind(lead_days)
        .bind(limit)
        .fetch_all(c)
        .await)?)
}

/// Records that the reminder `lead_days` before `renewal_on` went to the learner. False
/// when it already had (another process got there first).
pub async fn mark_sent(
    tx: &mut Tx,
    user_id: i64,
    renewal_on: NaiveDate,
    lead_days: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "insert into cpd_reminders (user_id, renewal_on, days_before, sent_at) \
               values ($1, $2, $3, $4) on conflict do nothing";
    let inserted = run!(tx tx, |c| sqlx::query(sql)
        .bind(user_id)
        .bind(renewal_on)
        .bind(lead_days)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(inserted == 1)
}
