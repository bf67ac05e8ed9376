//! The `users` table: accounts of learners and admins.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};
pub use crate::domain::eligibility::LearnerType;
use crate::domain::email::Email;
use crate::domain::search;

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

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "learner" => Some(Role::Learner),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Everything held about an account.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub organisation: String,
    pub job_role: String,
    pub professional_body: Option<String>,
    pub registration_number: Option<String>,
    pub learner_type: String,
    pub learner_type_reason: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub pending_email: Option<String>,
    pub last_signed_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub session_epoch: i64,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin.as_str()
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    pub fn learner_type(&self) -> LearnerType {
        LearnerType::parse(&self.learner_type).unwrap_or(LearnerType::External)
    }
}

/// What signing in checks.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
    pub session_epoch: i64,
    pub disabled_at: Option<DateTime<Utc>>,
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

/// The editable parts of a profile.
pub struct Profile<'a> {
    pub full_name: &'a str,
    pub organisation: &'a str,
    pub job_role: &'a str,
    pub professional_body: Option<&'a str>,
    pub registration_number: Option<&'a str>,
}

const USER_COLUMNS: &str = "user_id, email, full_name, role, email_verified_at, organisation, \
     job_role, professional_body, registration_number, learner_type, learner_type_reason, \
     disabled_at, pending_email, last_signed_in_at, created_at, updated_at, session_epoch";

fn search_text(full_name: &str, email: &str) -> String {
    search::fold(&format!("{full_name} {email}"))
}

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

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64, DbError> {
    let sql = "insert into users (email, password_hash, full_name, role, organisation, job_role, \
               professional_body, registration_number, learner_type, learner_type_reason, \
               email_verified_at, search_text, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) returning user_id";
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
        .bind(search_text(user.full_name, user.email.as_str()))
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// Runs an update that must touch exactly the one user.
async fn update_one(
    tx: &mut Tx,
    sql: &str,
    user_id: i64,
    bind: impl FnOnce(UpdateArgs) -> UpdateArgs,
) -> Result<(), DbError> {
    let args = bind(UpdateArgs::default());
    let updated = run!(tx tx, |c| {
        let mut query = sqlx::query(sql).bind(user_id);
        for value in &args.0 {
            query = match value {
                Arg::Text(v) => query.bind(v.clone()),
                Arg::Int(v) => query.bind(*v),
                Arg::Time(v) => query.bind(*v),
            };
        }
        query.execute(c).await.map(|done| done.rows_affected())
    })?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

enum Arg {
    Text(Option<String>),
    Int(i64),
    Time(Option<DateTime<Utc>>),
}

/// Values bound after the user id (`$2`, `$3`, …), in order.
#[derive(Default)]
struct UpdateArgs(Vec<Arg>);

impl UpdateArgs {
    fn text(mut self, value: Option<&str>) -> Self {
        self.0.push(Arg::Text(value.map(str::to_owned)));
        self
    }
    fn int(mut self, value: i64) -> Self {
        self.0.push(Arg::Int(value));
        self
    }
    fn time(mut self, value: Option<DateTime<Utc>>) -> Self {
        self.0.push(Arg::Time(value));
        self
    }
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
    update_one(tx, sql, user_id, |a| {
        a.text(Some(full_name))
            .text(Some(password_hash))
            .text(Some(&search_text(full_name, email)))
            .time(Some(now))
    })
    .await
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
    update_one(tx, sql, user_id, |a| {
        a.text(Some(password_hash)).time(Some(now))
    })
    .await
}

/// Ends every session of the user.
pub async fn end_all_sessions(
    tx: &mut Tx,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql =
        "update users set session_epoch = session_epoch + 1, updated_at = $2 where user_id = $1";
    update_one(tx, sql, user_id, |a| a.time(Some(now))).await
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
    update_one(tx, sql, user_id, |a| {
        a.text(Some(email.as_str()))
            .time(Some(now))
            .text(Some(learner_type.as_str()))
            .text(Some(reason))
            .text(Some(&search_text(full_name, email.as_str())))
    })
    .await
}

pub async fn set_pending_email(
    tx: &mut Tx,
    user_id: i64,
    email: Option<&Email>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set pending_email = $2, updated_at = $3 where user_id = $1";
    update_one(tx, sql, user_id, |a| {
        a.text(email.map(Email::as_str)).time(Some(now))
    })
    .await
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
    update_one(tx, sql, user_id, |a| {
        a.text(Some(profile.full_name))
            .text(Some(profile.organisation))
            .text(Some(profile.job_role))
            .text(profile.professional_body)
            .text(profile.registration_number)
            .text(Some(&search_text(profile.full_name, email)))
            .time(Some(now))
    })
    .await
}

pub async fn set_role(
    tx: &mut Tx,
    user_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set role = $2, updated_at = $3 where user_id = $1";
    update_one(tx, sql, user_id, |a| {
        a.text(Some(role.as_str())).time(Some(now))
    })
    .await
}

pub async fn set_learner_type(
    tx: &mut Tx,
    user_id: i64,
    learner_type: LearnerType,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update users set learner_type = $2, learner_type_reason = $3, updated_at = $4 where user_id = $1";
    update_one(tx, sql, user_id, |a| {
        a.text(Some(learner_type.as_str()))
            .text(Some(reason))
            .time(Some(now))
    })
    .await
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
    update_one(tx, sql, user_id, |a| {
        a.time(disabled.then_some(now))
            .int(i64::from(disabled))
            .time(Some(now))
    })
    .await
}

/// Admins who can still sign in (the last of them is never demoted or disabled).
/// On PostgreSQL the admins' rows stay locked until the transaction ends, so two admins
/// demoting each other at once cannot both see "someone else is left" (SQLite's single
/// writer already serialises them).
pub async fn count_active_admins(tx: &mut Tx) -> Result<i64, DbError> {
    let select = "select user_id from users where role = 'admin' and disabled_at is null";
    let ids: Vec<i64> = match tx {
        Tx::Sqlite(tx) => sqlx::query_scalar(select).fetch_all(&mut **tx).await?,
        Tx::Postgres(tx) => {
            sqlx::query_scalar(&format!("{select} for update"))
                .fetch_all(&mut **tx)
                .await?
        }
    };
    Ok(ids.len() as i64)
}

/// Admins who can sign in (they are told about payments that need a person).
pub async fn active_admins(tx: &mut Tx) -> Result<Vec<User>, DbError> {
    let sql = format!(
        "select {USER_COLUMNS} from users where role = 'admin' and disabled_at is null \
         order by user_id"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).fetch_all(c).await)?)
}

/// Locks an account's row until the transaction ends (PostgreSQL; SQLite's single writer
/// already excludes others), so nothing can enrol it while it is being deleted.
pub async fn lock(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    if let Tx::Postgres(tx) = tx {
        sqlx::query("select user_id from users where user_id = $1 for update")
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
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

/// A page of accounts matching `query` (name or email, any case or accents), newest first,
/// and how many match in all.
pub async fn search(
    db: &Db,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), DbError> {
    let pattern = search::contains_pattern(query);
    let filter = "search_text like $1 escape '\\'";
    let list = format!(
        "select {USER_COLUMNS} from users where {filter} order by user_id desc limit $2 offset $3"
    );
    let count = format!("select count(*) from users where {filter}");
    let users = run!(read db, |c| sqlx::query_as(&list).bind(&pattern).bind(limit).bind(offset).fetch_all(c).await)?;
    let total = run!(read db, |c| sqlx::query_scalar(&count).bind(&pattern).fetch_one(c).await)?;
    Ok((users, total))
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
