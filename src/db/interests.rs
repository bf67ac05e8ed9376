//! The `interests` table: people to tell when a course's next cohort opens.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Interest {
    pub interest_id: i64,
    pub course_id: i64,
    pub email: String,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// What a request to be told adds.
pub struct NewInterest<'a> {
    pub course_id: i64,
    pub user_id: Option<i64>,
    pub email: &'a str,
    pub confirm_token_hash: Option<&'a str>,
    pub unsubscribe_token_hash: &'a str,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// Adds an interest, or, when the address is already listed for the course and not yet
/// confirmed, gives it new tokens (so a second request sends a working link). A confirmed
/// interest keeps its links: nobody else can break its owner's unsubscribe link.
pub async fn upsert(
    tx: &mut Tx,
    new: &NewInterest<'_>,
    now: DateTime<Utc>,
) -> Result<Interest, DbError> {
    let sql = "insert into interests (course_id, user_id, email, confirm_token_hash, unsubscribe_token_hash, \
               confirmed_at, created_at) values ($1, $2, $3, $4, $5, $6, $7) \
               on conflict (course_id, email) do update set \
                 confirm_token_hash = case when interests.confirmed_at is null \
                   then excluded.confirm_token_hash else interests.confirm_token_hash end, \
                 unsubscribe_token_hash = case when interests.confirmed_at is null \
                   then excluded.unsubscribe_token_hash else interests.unsubscribe_token_hash end, \
                 confirmed_at = coalesce(interests.confirmed_at, excluded.confirmed_at), \
                 user_id = coalesce(excluded.user_id, interests.user_id) \
               returning interest_id, course_id, email, confirmed_at";
    Ok(run!(tx tx, |c| sqlx::query_as(sql)
        .bind(new.course_id)
        .bind(new.user_id)
        .bind(new.email)
        .bind(new.confirm_token_hash)
        .bind(new.unsubscribe_token_hash)
        .bind(new.confirmed_at)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Confirms the interest whose link this is. False if the link is unknown or was used.
pub async fn confirm(
    tx: &mut Tx,
    confirm_token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update interests set confirmed_at = $2, confirm_token_hash = null \
               where confirm_token_hash = $1";
    let updated = run!(tx tx, |c| sqlx::query(sql).bind(confirm_token_hash).bind(now).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Which of an interest's links a token belongs to.
#[derive(Clone, Copy, Debug)]
pub enum Link {
    Confirm,
    Unsubscribe,
}

/// Whether a listed interest has this link.
pub async fn has_link(db: &Db, link: Link, token_hash: &str) -> Result<bool, DbError> {
    let sql = match link {
        Link::Confirm => "select count(*) from interests where confirm_token_hash = $1",
        Link::Unsubscribe => "select count(*) from interests where unsubscribe_token_hash = $1",
    };
    let n: i64 = run!(read db, |c| sqlx::query_scalar(sql).bind(token_hash).fetch_one(c).await)?;
    Ok(n > 0)
}

pub async fn unsubscribe(tx: &mut Tx, unsubscribe_token_hash: &str) -> Result<bool, DbError> {
    let sql = "delete from interests where unsubscribe_token_hash = $1";
    let deleted = run!(tx tx, |c| sqlx::query(sql).bind(unsubscribe_token_hash).execute(c).await.map(|d| d.rows_affected()))?;
    Ok(deleted == 1)
}

/// Takes every confirmed interest in a course off the list, returning them to be mailed in
/// the same transaction: each person is told once.
pub async fn take_confirmed(tx: &mut Tx, course_id: i64) -> Result<Vec<Interest>, DbError> {
    let sql = "delete from interests where course_id = $1 and confirmed_at is not null \
               returning interest_id, course_id, email, confirmed_at";
    Ok(run!(tx tx, |c| sqlx::query_as(sql).bind(course_id).fetch_all(c).await)?)
}

/// Whether a signed-in learner is already on the list for a course.
pub async fn is_listed(db: &Db, course_id: i64, email: &str) -> Result<bool, DbError> {
    let sql = "select count(*) from interests where course_id = $1 and email = $2 and confirmed_at is not null";
    let n: i64 =
        run!(read db, |c| sqlx::query_scalar(sql).bind(course_id).bind(email).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Every interest of an account or its address (for the data export).
pub async fn for_person(db: &Db, user_id: i64, email: &str) -> Result<Vec<Interest>, DbError> {
    let sql = "select interest_id, course_id, email, confirmed_at from interests \
               where user_id = $1 or email = $2 order by interest_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).bind(email).fetch_all(c).await)?)
}

/// Removes the interests listed under an address (its account's go with the account).
pub async fn delete_for_email(tx: &mut Tx, email: &str) -> Result<(), DbError> {
    let sql = "delete from interests where email = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(email).execute(c).await.map(|_| ()))?;
    Ok(())
}
