//! Reading accounts: by id or address, for signing in, the admins, and the admin search.

use super::{Credentials, USER_COLUMNS, User};
use crate::db::{Db, DbError, Tx, run};
use crate::domain::email::Email;
use crate::domain::search as text_search;

pub async fn find(db: &Db, user_id: i64) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where user_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).fetch_optional(c).await)?)
}

pub async fn find_in(tx: &mut Tx, user_id: i64) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where user_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(user_id).fetch_optional(c).await)?)
}

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where email = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(c).await)?)
}

pub async fn find_by_email_in(tx: &mut Tx, email: &Email) -> Result<Option<User>, DbError> {
    let sql = format!("select {USER_COLUMNS} from users where email = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(email.as_str()).fetch_optional(c).await)?)
}

pub async fn credentials(db: &Db, email: &Email) -> Result<Option<Credentials>, DbError> {
    let sql =
        "select user_id, password_hash, session_epoch, disabled_at from users where email = $1";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(email.as_str()).fetch_optional(c).await)?)
}

pub async fn password_hash(db: &Db, user_id: i64) -> Result<String, DbError> {
    let sql = "select password_hash from users where user_id = $1";
    Ok(run!(read db, |c| sqlx::query_scalar(sql).bind(user_id).fetch_one(c).await)?)
}

pub async fn count(db: &Db) -> Result<i64, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar("select count(*) from users").fetch_one(c).await)?)
}

/// Admins who can sign in (they are told about payments that need a person).
pub async fn active_admins(tx: &mut Tx) -> Result<Vec<User>, DbError> {
    let sql = format!(
        "select {USER_COLUMNS} from users where role = 'admin' and disabled_at is null \
         order by user_id"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).fetch_all(c).await)?)
}

/// A page of accounts matching `query` (name or email, any case or accents), newest first,
/// and how many match in all.
pub async fn search(
    db: &Db,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), DbError> {
    let pattern = text_search::contains_pattern(query);
    let filter = "search_text like $1 escape '\\'";
    let list = format!(
        "select {USER_COLUMNS} from users where {filter} order by user_id desc limit $2 offset $3"
    );
    let count = format!("select count(*) from users where {filter}");
    let users = run!(read db, |c| sqlx::query_as(&list).bind(&pattern).bind(limit).bind(offset).fetch_all(c).await)?;
    let total = run!(read db, |c| sqlx::query_scalar(&count).bind(&pattern).fetch_one(c).await)?;
    Ok((users, total))
}
