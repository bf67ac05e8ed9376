//! The `users` table: accounts of learners and admins.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};
use crate::domain::email::Email;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Learner,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Admin => "admin",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerType {
    Nhs,
    External,
}

impl LearnerType {
    pub fn as_str(self) -> &'static str {
        match self {
            LearnerType::Nhs => "nhs",
            LearnerType::External => "external",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub organisation: String,
    pub job_role: String,
    pub learner_type: String,
    pub created_at: DateTime<Utc>,
}

/// What a new account starts with.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub organisation: &'a str,
    pub job_role: &'a str,
    pub professional_body: Option<&'a str>,
    pub registration_number: Option<&'a str>,
    pub learner_type: LearnerType,
    pub learner_type_reason: &'a str,
    pub email_verified_at: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "user_id, email, full_name, role, email_verified_at, organisation, \
                            job_role, learner_type, created_at";

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where email = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(c).await)?)
}

pub async fn find_by_email_in(tx: &mut Tx, email: &Email) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where email = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(c).await)?)
}

pub async fn count(db: &Db) -> Result<i64, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar("select count(*) from users").fetch_one(c).await)?)
}

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64, DbError> {
    let sql = "insert into users (email, password_hash, full_name, role, organisation, job_role, \
               professional_body, registration_number, learner_type, learner_type_reason, \
               email_verified_at, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning user_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(user.email.as_str())
        .bind(user.password_hash)
        .bind(user.full_name)
        .bind(user.role.as_str())
        .bind(user.organisation)
        .bind(user.job_role)
        .bind(user.professional_body)
        .bind(user.registration_number)
        .bind(user.learner_type.as_str())
        .bind(user.learner_type_reason)
        .bind(user.email_verified_at)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Makes an existing account an admin with a new name and password; an operator vouching
/// for the account also proves its address.
pub async fn promote_to_admin(
    tx: &mut Tx,
    user_id: i64,
    full_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set role = 'admin', full_name = $2, password_hash = $3, \
               email_verified_at = coalesce(email_verified_at, $4), disabled_at = null, \
               updated_at = $4 where user_id = $1";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(user_id)
        .bind(full_name)
        .bind(password_hash)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
