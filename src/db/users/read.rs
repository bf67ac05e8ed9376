//! Reading accounts: by id or address, for signing in, the admins, and the admin list.

use super::{Credentials, USER_COLUMNS, User};
use crate::db::statement::{self, Statement, Window};
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

/// The admin list's condition: none for an empty search box (a `like` on a bound pattern is
/// re-prepared by SQLite every time, and reads every row), otherwise name or address
/// containing the words, any case or accents.
fn matching(query: &str, statement: &mut Statement) -> String {
    if query.trim().is_empty() {
        return String::new();
    }
    let pattern = statement.param(text_search::contains_pattern(query));
    format!(" where search_text like {pattern} escape '\\'")
}

/// A page of the accounts matching `query`, newest first (walking the key backwards).
pub fn search_statement(query: &str, window: Window) -> Statement {
    let mut statement = Statement::default();
    let condition = matching(query, &mut statement);
    statement.sql = format!("select {USER_COLUMNS} from users{condition} order by user_id desc");
    statement.page(window)
}

/// How many accounts match `query` (all of them, on the smallest index, when it is empty).
pub fn count_statement(query: &str) -> Statement {
    let mut statement = Statement::default();
    let condition = matching(query, &mut statement);
    statement.sql = format!("select count(*) from users{condition}");
    statement
}

pub async fn search(db: &Db, query: &str, window: Window) -> Result<Vec<User>, DbError> {
    statement::fetch_all(db, &search_statement(query, window)).await
}

pub async fn count_matching(db: &Db, query: &str) -> Result<i64, DbError> {
    statement::fetch_count(db, &count_statement(query)).await
}
