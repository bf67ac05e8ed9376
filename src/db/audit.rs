//! The `audit_events` table: who did what to which account, when and from where.

use chrono::{DateTime, Utc};

use super::writes::Writes;
use super::{Db, DbError, Tx, run};

/// One event. Details never hold passwords or tokens.
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: &'a str,
    pub detail: &'a str,
    pub client_address: Option<&'a str>,
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub audit_event_id: i64,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: String,
    pub detail: String,
    pub client_address: Option<String>,
    pub created_at: DateTime<Utc>,
}

const INSERT: &str = "insert into audit_events (actor_user_id, subject_user_id, action, detail, \
                      client_address, created_at) values ($1, $2, $3, $4, $5, $6)";

pub async fn record(
    tx: &mut Tx,
    event: &AuditEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut writes = Writes::new(tx.backend());
    push(&mut writes, event, now);
    writes.run(tx).await
}

/// Adds the event to writes sent together.
pub fn push(writes: &mut Writes, event: &AuditEvent<'_>, now: DateTime<Utc>) {
    writes.push(
        INSERT,
        vec![
            event.actor_user_id.into(),
            event.subject_user_id.into(),
            event.action.into(),
            event.detail.into(),
            event.client_address.into(),
            now.into(),
        ],
    );
}

/// Records `action` by `actor` on `subject` in `tx`.
pub async fn audit(
    tx: &mut Tx,
    actor: Option<i64>,
    subject: Option<i64>,
    action: &str,
    detail: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let event = AuditEvent {
        actor_user_id: actor,
        subject_user_id: subject,
        action,
        detail,
        client_address: client,
    };
    record(tx, &event, now).await
}

/// Records something a user did to their own account.
pub async fn audit_own(
    tx: &mut Tx,
    user_id: i64,
    action: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    audit(tx, Some(user_id), Some(user_id), action, "", client, now).await
}

/// Records something an admin did that concerns no single account (courses, cohorts, mail).
pub async fn audit_admin(
    tx: &mut Tx,
    admin_id: i64,
    action: &str,
    detail: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    audit(tx, Some(admin_id), None, action, detail, Some(client), now).await
}

/// For events with no other change to commit alongside (a failed sign-in).
pub async fn record_now(
    db: &Db,
    event: &AuditEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    record(&mut tx, event, now).await?;
    tx.commit().await
}

/// Events about or by one user, newest first.
pub async fn for_user(db: &Db, user_id: i64, limit: i64) -> Result<Vec<AuditRecord>, DbError> {
    let sql = "select audit_event_id, actor_user_id, subject_user_id, action, detail, client_address, \
               created_at from audit_events where subject_user_id = $1 or actor_user_id = $1 \
               order by audit_event_id desc limit $2";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).bind(limit).fetch_all(c).await)?)
}

/// What is kept of a deleted account's events: the id, never the client address.
pub async fn forget_addresses(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = "update audit_events set client_address = null \
               where subject_user_id = $1 or actor_user_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}
