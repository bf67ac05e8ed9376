//! The `link_requests` table: requests for a mailed link (reset or sign-in) waiting for the
//! background worker.

use chrono::{DateTime, Utc};

use super::locking::{Lock, locking};
use super::{Db, DbError, Tx, run};

/// Which link a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkWanted {
    /// "Forgot your password?"
    ResetPassword,
    /// A one-time sign-in link, offered past an account's ceiling on sign-in attempts.
    SignIn,
}

impl LinkWanted {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkWanted::ResetPassword => "reset_password",
            LinkWanted::SignIn => "sign_in",
        }
    }

    pub fn parse(raw: &str) -> Option<LinkWanted> {
        [LinkWanted::ResetPassword, LinkWanted::SignIn]
            .into_iter()
            .find(|wanted| wanted.as_str() == raw)
    }
}

/// A request as the worker answers it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LinkRequest {
    pub link_request_id: i64,
    pub purpose: LinkWanted,
    pub email: String,
    pub client_address: String,
    pub attempts: i64,
}

/// Queues a request: the page's only write, the same whatever the address.
pub async fn insert(
    db: &Db,
    purpose: LinkWanted,
    email: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "insert into link_requests (purpose, email, client_address, requested_at) \
               values ($1, $2, $3, $4)";
    run!(write db, |c| sqlx::query(sql)
        .bind(purpose)
        .bind(email)
        .bind(client_address)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Whether any request waits (a read, so an idle worker takes no write lock).
pub async fn any_waiting(db: &Db) -> Result<bool, DbError> {
    let sql = "select count(*) from (select 1 from link_requests limit 1) waiting";
    let waiting: i64 = run!(read db, |c| sqlx::query_scalar(sql).fetch_one(c).await)?;
    Ok(waiting > 0)
}

/// The oldest waiting request, locked until `tx` ends. Processes sharing the table skip a
/// request another one is answering, so each is answered once.
pub async fn next(tx: &mut Tx) -> Result<Option<LinkRequest>, DbError> {
    let select = "select link_request_id, purpose, email, client_address, attempts \
                  from link_requests order by link_request_id limit 1";
    let sql = locking(tx.backend(), select, Lock::SkipLocked);
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).fetch_optional(c).await)?)
}

/// Removes an answered request, in the transaction that answered it.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), DbError> {
    let sql = "delete from link_requests where link_request_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Counts a failed attempt at answering request `id`, and drops it once it has failed
/// `give_up_after` times (the person can ask again; a request that always fails must not
/// hold up the others).
pub async fn record_failure(db: &Db, id: i64, give_up_after: i64) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    let bump = "update link_requests set attempts = attempts + 1 where link_request_id = $1";
    run!(tx &mut tx, |c| sqlx::query(bump).bind(id).execute(c).await.map(|_| ()))?;
    let drop = "delete from link_requests where link_request_id = $1 and attempts >= $2";
    run!(tx &mut tx, |c| sqlx::query(drop).bind(id).bind(give_up_after).execute(c).await.map(|_| ()))?;
    tx.commit().await?;
    Ok(())
}

/// Waiting requests for an address, for account deletion (they name it).
pub async fn delete_for_email(tx: &mut Tx, email: &str) -> Result<(), DbError> {
    let sql = "delete from link_requests where email = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(email).execute(c).await.map(|_| ()))?;
    Ok(())
}
