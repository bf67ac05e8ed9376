//! Writing accounts: creating, changing one field group at a time, deleting, purging.

use chrono::{DateTime, NaiveDate, Utc};

use super::{LearnerType, NewUser, Profile, Role, search_text};
use crate::db::binds::{Value, bind_values};
use crate::db::{Db, DbError, Tx, run};
use crate::domain::email::Email;

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64, DbError> {
    let sql = "insert into users (email, password_hash, full_name, role, organisation, job_role, \
               professional_body, registration_number, learner_type, learner_type_reason, \
               email_verified_at, search_text, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) returning user_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(user.email.as_str())
        .bind(user.password_hash)
        .bind(user.full_name)
        .bind(user.role)
        .bind(user.organisation)
        .bind(user.job_role)
        .bind(user.professional_body)
        .bind(user.registration_number)
        .bind(user.learner_type)
        .bind(user.learner_type_reason)
        .bind(user.email_verified_at)
        .bind(search_text(user.full_name, user.email.as_str()))
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Runs an update that must touch exactly the one user: `$1` is the user id, `values`
/// are bound after it (`$2`, `$3`, …) in order.
async fn update_one(
    tx: &mut Tx,
    sql: &str,
    user_id: i64,
    values: Vec<Value>,
) -> Result<(), DbError> {
    let updated = run!(tx tx, |c| bind_values!(sqlx::query(sql).bind(user_id), values)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Makes an existing account an admin with a new name and password; an operator vouching
/// for the account also proves its address.
pub async fn promote_to_admin(
    tx: &mut Tx,
    user_id: i64,
    full_name: &str,
    password_hash: &str,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set role = 'admin', full_name = $2, password_hash = $3, search_text = $4, \
               email_verified_at = coalesce(email_verified_at, $5), disabled_at = null, \
               session_epoch = session_epoch + 1, updated_at = $5 where user_id = $1";
    let values = vec![
        full_name.into(),
        password_hash.into(),
        search_text(full_name, email).into(),
        now.into(),
    ];
    update_one(tx, sql, user_id, values).await
}

/// Sets a new password, ends every session and cancels a pending email change.
pub async fn set_password(
    tx: &mut Tx,
    user_id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    // A pending email change is cancelled: whoever asked for it may not have been the owner.
    let sql = "update users set password_hash = $2, session_epoch = session_epoch + 1, \
               pending_email = null, updated_at = $3 where user_id = $1";
    update_one(tx, sql, user_id, vec![password_hash.into(), now.into()]).await
}

/// Ends every session of the user.
pub async fn end_all_sessions(
    tx: &mut Tx,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql =
        "update users set session_epoch = session_epoch + 1, updated_at = $2 where user_id = $1";
    update_one(tx, sql, user_id, vec![now.into()]).await
}

pub async fn record_sign_in(db: &Db, user_id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let sql = "update users set last_signed_in_at = $2 where user_id = $1";
    run!(write db, |c| sqlx::query(sql).bind(user_id).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Marks `email` as the account's proven address, deciding the learner type from it.
pub async fn verify_email(
    tx: &mut Tx,
    user_id: i64,
    email: &Email,
    full_name: &str,
    learner_type: LearnerType,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set email = $2, email_verified_at = $3, learner_type = $4, \
               learner_type_reason = $5, search_text = $6, \
               pending_email = case when pending_email = $2 then null else pending_email end, \
               updated_at = $3 where user_id = $1";
    let values = vec![
        email.as_str().into(),
        now.into(),
        learner_type.as_str().into(),
        reason.into(),
        search_text(full_name, email.as_str()).into(),
    ];
    update_one(tx, sql, user_id, values).await
}

pub async fn set_pending_email(
    tx: &mut Tx,
    user_id: i64,
    email: Option<&Email>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set pending_email = $2, updated_at = $3 where user_id = $1";
    let values = vec![email.map(Email::as_str).into(), now.into()];
    update_one(tx, sql, user_id, values).await
}

pub async fn update_profile(
    tx: &mut Tx,
    user_id: i64,
    email: &str,
    profile: &Profile<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set full_name = $2, organisation = $3, job_role = $4, professional_body = $5, \
               registration_number = $6, search_text = $7, updated_at = $8 where user_id = $1";
    let values = vec![
        profile.full_name.into(),
        profile.organisation.into(),
        profile.job_role.into(),
        profile.professional_body.into(),
        profile.registration_number.into(),
        search_text(profile.full_name, email).into(),
        now.into(),
    ];
    update_one(tx, sql, user_id, values).await
}

/// The learner's CPD renewal or appraisal date (none to clear it) and whether they want
/// reminders before it.
pub async fn set_cpd_date(
    tx: &mut Tx,
    user_id: i64,
    renewal_on: Option<NaiveDate>,
    reminders: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set cpd_renewal_on = $2, cpd_reminders = $3, updated_at = $4 \
               where user_id = $1";
    let values = vec![renewal_on.into(), reminders.into(), now.into()];
    update_one(tx, sql, user_id, values).await
}

pub async fn set_role(
    tx: &mut Tx,
    user_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set role = $2, updated_at = $3 where user_id = $1";
    update_one(tx, sql, user_id, vec![role.as_str().into(), now.into()]).await
}

pub async fn set_learner_type(
    tx: &mut Tx,
    user_id: i64,
    learner_type: LearnerType,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set learner_type = $2, learner_type_reason = $3, updated_at = $4 where user_id = $1";
    let values = vec![learner_type.as_str().into(), reason.into(), now.into()];
    update_one(tx, sql, user_id, values).await
}

/// Disables (ending every session) or re-enables an account.
pub async fn set_disabled(
    tx: &mut Tx,
    user_id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set disabled_at = $2, session_epoch = session_epoch + $3, updated_at = $4 \
               where user_id = $1";
    let values = vec![
        disabled.then_some(now).into(),
        i64::from(disabled).into(),
        now.into(),
    ];
    update_one(tx, sql, user_id, values).await
}

pub async fn delete(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = "delete from users where user_id = $1";
    let deleted = run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|d| d.rows_affected()))?;
    if deleted == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Accounts never verified and created before `before` (purged with their tokens).
pub async fn delete_unverified_before(db: &Db, before: DateTime<Utc>) -> Result<u64, DbError> {
    let sql = "delete from users where email_verified_at is null and created_at < $1 and role = 'learner'";
    Ok(
        run!(write db, |c| sqlx::query(sql).bind(before).execute(c).await.map(|d| d.rows_affected()))?,
    )
}

/// Fills `search_text` for rows written before the column existed.
pub async fn backfill_search_text(db: &Db) -> Result<(), DbError> {
    let sql = "select user_id, full_name, email from users where search_text = ''";
    let rows: Vec<(i64, String, String)> =
        run!(read db, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    for (user_id, full_name, email) in rows {
        let sql = "update users set search_text = $2 where user_id = $1";
        let text = search_text(&full_name, &email);
        run!(write db, |c| sqlx::query(sql).bind(user_id).bind(&text).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}
