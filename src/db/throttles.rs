//! The `throttles` table: attempt counters shared by every process.

use chrono::{DateTime, Utc};

use super::{Db, DbError, run};

/// The counter for a key after an attempt was added.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Counter {
    pub attempts: i64,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// When the key is refused until, if it is now.
pub async fn blocked_until(
    db: &Db,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let sql = "select blocked_until from throttles where throttle_key = $1 and blocked_until > $2";
    let found: Option<Option<DateTime<Utc>>> =
        run!(read db, |c| sqlx::query_scalar(sql).bind(key).bind(now).fetch_optional(c).await)?;
    Ok(found.flatten())
}

/// Adds one attempt, starting a new window if the current one began before `window_start`.
pub async fn add_attempt(
    db: &Db,
    key: &str,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> Result<Counter, DbError> {
    let sql = "insert into throttles (throttle_key, window_started_at, attempts, blocked_until) \
               values ($1, $2, 1, null) \
               on conflict (throttle_key) do update set \
                 attempts = case when throttles.window_started_at <= $3 then 1 else throttles.attempts + 1 end, \
                 blocked_until = case when throttles.window_started_at <= $3 then null else throttles.blocked_until end, \
                 window_started_at = case when throttles.window_started_at <= $3 then $2 else throttles.window_started_at end \
               returning attempts, blocked_until";
    Ok(
        run!(write db, |c| sqlx::query_as(sql).bind(key).bind(now).bind(window_start).fetch_one(c).await)?,
    )
}

pub async fn block(db: &Db, key: &str, until: DateTime<Utc>) -> Result<(), DbError> {
    let sql = "update throttles set blocked_until = $2 where throttle_key = $1";
    run!(write db, |c| sqlx::query(sql).bind(key).bind(until).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<(), DbError> {
    let sql = "delete from throttles where throttle_key = $1";
    run!(write db, |c| sqlx::query(sql).bind(key).execute(c).await.map(|_| ()))?;
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
