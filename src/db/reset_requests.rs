//! The `reset_requests` table: forgot-password requests waiting for the background worker.

use chrono::{DateTime, Utc};

use super::locking::{Lock, locking};
use super::{Db, DbError, Tx, run};

/// A request as the worker answers it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetRequest {
    pub reset_request_id: i64,
    pub email: String,
    pub client_address: String,
    pub attempts: i64,
}

/// Queues a request: the page's only write, the same whatever the address.
pub async fn insert(
    db: &Db,
    email: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql =
        "insert into reset_requests (email, client_address, requested_at) values ($1, $2, $3)";
    run!(write db, |c| sqlx::query(sql)
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
    let sql = "select count(*) from (select 1 from reset_requests limit 1) waiting";
    let waiting: i64 = run!(read db, |c| sqlx::query_scalar(sql).fetch_one(c).await)?;
    Ok(waiting > 0)
}

/// The oldest waiting request, locked until `tx` ends. Processes sharing the table skip a
/// request another one is answering, so each is answered once.
pub async fn next(tx: &mut Tx) -> Result<Option<ResetRequest>, DbError> {
    let select = "select reset_request_id, email, client_address, attempts from reset_requests \
                  order by reset_request_id limit 1";
    let sql = locking(tx.backend(), select, Lock::SkipLocked);
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).fetch_optional(c).await)?)
}

/// Removes an answered request, in the transaction that answered it.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), DbError> {
    let sql = "delete from reset_requests where reset_request_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Counts a failed attempt at answering request `id`, and drops it once it has failed
/// `give_up_after` times (the person can ask again; a request that always fails must not
/// hold up the others).
pub async fn record_failure(db: &Db, id: i64, give_up_after: i64) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    let bump = "update reset_requests set attempts = attempts + 1 where reset_request_id = $1";
    run!(tx &mut tx, |c| sqlx::query(bump).bind(id).execute(c).await.map(|_| ()))?;
    let drop = "delete from reset_requests where reset_request_id = $1 and attempts >= $2";
    run!(tx &mut tx, |c| sqlx::query(drop).bind(id).bind(give_up_after).execute(c).await.map(|_| ()))?;
    tx.commit().await?;
    Ok(())
}

/// Waiting requests for an address, for account deletion (they name it).
pub async fn delete_for_email(tx: &mut Tx, email: &str) -> Result<(), DbError> {
    let sql = "delete from reset_requests where email = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(email).execute(c).await.map(|_| ()))?;
    Ok(())
}
