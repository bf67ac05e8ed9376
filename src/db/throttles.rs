//! The `throttles` table: attempt counters shared by every process.

use chrono::{DateTime, Utc};

use super::locking::{Lock, locking};
use super::{Db, DbError, Tx, run};

/// A key's counter as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Counter {
    pub window_started_at: DateTime<Utc>,
    pub attempts: i64,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// Reads a counter inside `tx`, locking its row until the transaction ends, so deciding
/// and counting is one step.
pub async fn lock(tx: &mut Tx, key: &str, now: DateTime<Utc>) -> Result<Option<Counter>, DbError> {
    // The row must exist to be locked: otherwise simultaneous first attempts would each
    // count from zero. A concurrent insert of the same key makes this one wait for it.
    let ensure = "insert into throttles (throttle_key, window_started_at, attempts, blocked_until) \
                  values ($1, $2, 0, null) on conflict (throttle_key) do nothing";
    run!(tx tx, |c| sqlx::query(ensure).bind(key).bind(now).execute(c).await.map(|_| ()))?;
    let select =
        "select window_started_at, attempts, blocked_until from throttles where throttle_key = $1";
    let sql = locking(tx.backend(), select, Lock::Wait);
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(key).fetch_optional(c).await)?)
}

pub async fn store(tx: &mut Tx, key: &str, counter: &Counter) -> Result<(), DbError> {
    let sql = "insert into throttles (throttle_key, window_started_at, attempts, blocked_until) \
               values ($1, $2, $3, $4) on conflict (throttle_key) do update set \
               window_started_at = excluded.window_started_at, attempts = excluded.attempts, \
               blocked_until = excluded.blocked_until";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(key)
        .bind(counter.window_started_at)
        .bind(counter.attempts)
        .bind(counter.blocked_until)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), DbError> {
    let sql = "delete from throttles where throttle_key = $1";
    run!(write db, |c| sqlx::query(sql).bind(key).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// When the lock on `key` ends (`None`: no counter, or never locked).
pub async fn blocked_until(db: &Db, key: &str) -> Result<Option<DateTime<Utc>>, DbError> {
    let sql = "select blocked_until from throttles where throttle_key = $1";
    let found: Option<Option<DateTime<Utc>>> =
        run!(read db, |c| sqlx::query_scalar(sql).bind(key).fetch_optional(c).await)?;
    Ok(found.flatten())
}

/// Forgets every counter of `action` that names the account `email` (keys of the form
/// `{action}:…:account:{email}`).
pub async fn clear_for_account(db: &Db, action: &str, email: &str) -> Result<(), DbError> {
    let escape = crate::domain::search::escape_like;
    let pattern = format!("{}:%:account:{}", escape(action), escape(email));
    let sql = "delete from throttles where throttle_key like $1 escape '\\'";
    run!(write db, |c| sqlx::query(sql).bind(&pattern).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Drops counters whose window and block are both over.
pub async fn delete_stale(
    db: &Db,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let sql = "delete from throttles where window_started_at <= $1 and (blocked_until is null or blocked_until <= $2)";
    Ok(
        run!(write db, |c| sqlx::query(sql).bind(window_start).bind(now).execute(c).await.map(|d| d.rows_affected()))?,
    )
}

/// Counters keyed on an account's address (they name it), for account deletion.
pub async fn delete_for_account(tx: &mut super::Tx, email: &str) -> Result<(), DbError> {
    let pattern = format!("%:account:{}", crate::domain::search::escape_like(email));
    let sql = "delete from throttles where throttle_key like $1 escape '\\'";
    run!(tx tx, |c| sqlx::query(sql).bind(&pattern).execute(c).await.map(|_| ()))?;
    Ok(())
}
