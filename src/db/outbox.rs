//! The `email_outbox` table: queued mail, leased claims, and delivery bookkeeping.

use chrono::{DateTime, Utc};

use super::binds::{Value, bind_values};
use super::statement::{Statement, Window};
use super::writes::Writes;
use super::{Db, DbError, Tx, run};

/// A mail as the worker sends it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxMail {
    pub email_outbox_id: i64,
    pub message_id: String,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub attempts: i64,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment_body: Option<String>,
}

/// A mail as the admin page lists it.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct OutboxEntry {
    pub email_outbox_id: i64,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub carries_token: bool,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub struct NewMail<'a> {
    pub idempotency_key: &'a str,
    pub message_id: &'a str,
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub carries_token: bool,
    pub attachment: Option<&'a Attachment>,
}

/// A file sent with a mail, e.g. a cohort's calendar.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub body: String,
}

const MAIL_COLUMNS: &str = "email_outbox_id, message_id, kind, to_address, subject, body_text, body_html, attempts, \
     attachment_name, attachment_type, attachment_body";

/// Queues a mail unless one with the same idempotency key exists. True when queued now.
const INSERT: &str = "insert into email_outbox (idempotency_key, message_id, kind, user_id, \
     to_address, subject, body_text, body_html, carries_token, status, next_attempt_at, \
     created_at, attachment_name, attachment_type, attachment_body) \
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $10, $11, $12, $13) \
     on conflict (idempotency_key) do nothing returning email_outbox_id";

fn values(mail: &NewMail<'_>, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        mail.idempotency_key.into(),
        mail.message_id.into(),
        mail.kind.into(),
        mail.user_id.into(),
        mail.to_address.into(),
        mail.subject.into(),
        mail.body_text.into(),
        mail.body_html.into(),
        mail.carries_token.into(),
        now.into(),
        mail.attachment.map(|a| a.filename.as_str()).into(),
        mail.attachment.map(|a| a.content_type.as_str()).into(),
        mail.attachment.map(|a| a.body.as_str()).into(),
    ]
}

/// Queues a mail; false when one with its idempotency key was already queued.
pub async fn insert(tx: &mut Tx, mail: &NewMail<'_>, now: DateTime<Utc>) -> Result<bool, DbError> {
    let binds = values(mail, now);
    let inserted: Option<i64> = run!(tx tx, |c| bind_values!(
        sqlx::query_scalar(INSERT),
        binds.iter().cloned()
    )
    .fetch_optional(c)
    .await)?;
    Ok(inserted.is_some())
}

/// Queues a mail in writes sent together (a mail already queued under its key stays as it
/// was), for a caller that does not need to know which.
pub fn push_insert(writes: &mut Writes, mail: &NewMail<'_>, now: DateTime<Utc>) {
    writes.push(INSERT, values(mail, now));
}

/// Claims the next due mail until `lease_until`: a queued or failed one whose time has
/// come, or one whose earlier claim lapsed (a worker that died mid-send); the longest due
/// first, so mail about one change goes out in the order it was queued. Processes sharing
/// the outbox skip the row another one is claiming.
pub async fn claim_next(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<OutboxMail>, DbError> {
    let due = "select email_outbox_id from email_outbox \
               where (status in ('queued', 'failed') and next_attempt_at <= $1) \
                  or (status = 'sending' and claimed_until <= $1) \
               order by next_attempt_at, email_outbox_id limit 1";
    let due = super::locking::locking(db.backend(), due, super::locking::Lock::SkipLocked);
    let sql = format!(
        "update email_outbox set status = 'sending', claimed_until = $2, attempts = attempts + 1 \
         where email_outbox_id in ({due}) returning {MAIL_COLUMNS}"
    );
    Ok(run!(write db, |c| sqlx::query_as(&sql)
        .bind(now)
        .bind(lease_until)
        .fetch_optional(c)
        .await)?)
}

pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let sql = "update email_outbox set status = 'sent', sent_at = $2, claimed_until = null, \
               last_error = null where email_outbox_id = $1 and status = 'sending'";
    run!(write db, |c| sqlx::query(sql).bind(id).bind(now).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or dead when that is `None`.
pub async fn mark_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let sql = "update email_outbox set status = $2, next_attempt_at = coalesce($3, next_attempt_at), \
               claimed_until = null, last_error = $4 where email_outbox_id = $1 and status = 'sending'";
    let status = if retry_at.is_some() { "failed" } else { "dead" };
    run!(write db, |c| sqlx::query(sql)
        .bind(id)
        .bind(status)
        .bind(retry_at)
        .bind(error)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// An admin's retry of a dead or failed mail: due now, with a fresh count of attempts.
/// False when it cannot be (not failed or dead, or its body already erased).
pub async fn retry(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let retried = retry_in(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(retried)
}

/// [`retry`] inside the caller's transaction (beside the admin's audit event).
pub async fn retry_in(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "update email_outbox set status = 'queued', attempts = 0, next_attempt_at = $2 \
               where email_outbox_id = $1 and status in ('failed', 'dead') and body_text is not null";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    Ok(updated == 1)
}

/// Whether mail `id` exists (to tell an unknown id from one that cannot be retried).
pub async fn exists_in(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    let sql = "select count(*) from email_outbox where email_outbox_id = $1";
    let found: i64 = run!(tx tx, |c| sqlx::query_scalar(sql).bind(id).fetch_one(c).await)?;
    Ok(found > 0)
}

/// Erases the bodies of mail sent (or given up on) before `before`; they may hold tokens.
pub async fn purge_bodies(
    db: &Db,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    let sql = "update email_outbox set body_text = null, body_html = null, attachment_body = null, purged_at = $2 \
               where purged_at is null and status in ('sent', 'dead') \
               and coalesce(sent_at, created_at) < $1";
    Ok(run!(write db, |c| sqlx::query(sql)
        .bind(before)
        .bind(now)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?)
}

const LISTING: &str = "select email_outbox_id, kind, to_address, subject, carries_token, status, \
     attempts, next_attempt_at, last_error, created_at, sent_at from email_outbox";

/// A page of the newest mails, optionally in one status, for the admin page: newest first
/// on the key, or on `email_outbox_status_idx` for one status.
pub fn page_statement(status: Option<&str>, window: Window) -> Statement {
    let mut statement = Statement::new(LISTING);
    if let Some(status) = status {
        let status = statement.param(status);
        statement.sql.push_str(&format!(" where status = {status}"));
    }
    statement.sql.push_str(" order by email_outbox_id desc");
    statement.page(window)
}

pub async fn list(
    db: &Db,
    status: Option<&str>,
    window: Window,
) -> Result<Vec<OutboxEntry>, DbError> {
    super::statement::fetch_all(db, &page_statement(status, window)).await
}

/// How many mails are in each status.
pub async fn count_by_status(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    let sql = "select status, count(*) from email_outbox group by status order by status";
    Ok(run!(read db, |c| sqlx::query_as(sql).fetch_all(c).await)?)
}

/// Mail to a deleted account: its addresses and bodies are personal data.
pub async fn delete_for_user(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = "delete from email_outbox where user_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// What was sent to a user, without bodies, for their data download.
pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<OutboxEntry>, DbError> {
    let sql = "select email_outbox_id, kind, to_address, subject, carries_token, status, attempts, \
               next_attempt_at, last_error, created_at, sent_at from email_outbox \
               where user_id = $1 order by email_outbox_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?)
}
