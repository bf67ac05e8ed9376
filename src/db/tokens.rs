//! The `account_tokens` table: single-use verification, reset and sign-in links, stored
//! hashed.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    /// A one-time sign-in link, offered past the per-account ceiling on sign-in attempts.
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::SignIn => "sign_in",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountToken {
    pub account_token_id: i64,
    pub user_id: i64,
    /// The address this token proves (a new one, for an email change).
    pub email: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl AccountToken {
    /// Not used and not expired (spending it is still a conditional write).
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}

pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    purpose: Purpose,
    token_hash: &str,
    email: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into account_tokens (user_id, purpose, token_hash, email, expires_at, created_at) \
               values ($1, $2, $3, $4, $5, $6) returning account_token_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(purpose.as_str())
        .bind(token_hash)
        .bind(email)
        .bind(expires_at)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

const FIND: &str = "select account_token_id, user_id, email, expires_at, used_at from account_tokens \
                    where token_hash = $1 and purpose = $2";

/// The token with this hash and purpose, used or not (callers explain which).
pub async fn find(
    db: &Db,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<AccountToken>, DbError> {
    Ok(
        run!(read db, |c| sqlx::query_as(FIND).bind(token_hash).bind(purpose.as_str()).fetch_optional(c).await)?,
    )
}

pub async fn find_in(
    tx: &mut Tx,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<AccountToken>, DbError> {
    Ok(
        run!(tx tx, |c| sqlx::query_as(FIND).bind(token_hash).bind(purpose.as_str()).fetch_optional(c).await)?,
    )
}

/// Spends a token: true only for the one caller that found it unused and unexpired.
pub async fn spend(tx: &mut Tx, token_id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "update account_tokens set used_at = $2 where account_token_id = $1 \
               and used_at is null and expires_at > $2";
    let spent = run!(tx tx, |c| sqlx::query(sql).bind(token_id).bind(now).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(spent == 1)
}

/// Spends every other open token of this purpose for the user (e.g. after a reset).
pub async fn spend_all(
    tx: &mut Tx,
    user_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update account_tokens set used_at = $3 where user_id = $1 and purpose = $2 and used_at is null";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).bind(purpose.as_str()).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}
