//! The `audit_events` table: who did what to which account, when and from where.

use chrono::{DateTime, Utc};

use super::writes::Writes;
use super::{Db, DbError, Tx, run};
use crate::domain::audit::{Subject, SubjectKind};

/// One event. Details never hold passwords or tokens.
#[derive(Clone, Copy, Debug)]
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    /// The account the event concerns (it shows on that account's page).
    pub subject_user_id: Option<i64>,
    /// What it was done to; [`AuditEvent::new`] leaves it to the account, if any.
    pub subject: Option<Subject>,
    pub action: &'a str,
    pub detail: &'a str,
    pub client_address: Option<&'a str>,
}

impl<'a> AuditEvent<'a> {
    /// `action` by nobody in particular, on nothing, with no detail: the methods add them.
    pub fn new(action: &'a str) -> AuditEvent<'a> {
        AuditEvent {
            actor_user_id: None,
            subject_user_id: None,
            subject: None,
            action,
            detail: "",
            client_address: None,
        }
    }

    /// Who did it, and from where.
    pub fn by(self, actor_user_id: Option<i64>, client: Option<&'a str>) -> AuditEvent<'a> {
        AuditEvent {
            actor_user_id,
            client_address: client,
            ..self
        }
    }

    /// The account it concerns.
    pub fn about(self, user_id: Option<i64>) -> AuditEvent<'a> {
        AuditEvent {
            subject_user_id: user_id,
            ..self
        }
    }

    /// What it was done to, when that is not the account itself.
    pub fn on(self, kind: SubjectKind, id: i64) -> AuditEvent<'a> {
        AuditEvent {
            subject: Some(Subject::new(kind, id)),
            ..self
        }
    }

    pub fn detail(self, detail: &'a str) -> AuditEvent<'a> {
        AuditEvent { detail, ..self }
    }

    /// The subject stored: the one given, or else the account.
    fn stored_subject(&self) -> Option<Subject> {
        self.subject.or(self
            .subject_user_id
            .map(|id| Subject::new(SubjectKind::User, id)))
    }
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub audit_event_id: i64,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub subject_kind: Option<SubjectKind>,
    pub subject_id: Option<i64>,
    pub action: String,
    pub detail: String,
    pub client_address: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl AuditRecord {
    pub fn subject(&self) -> Option<Subject> {
        Some(Subject::new(self.subject_kind?, self.subject_id?))
    }
}

/// Every column of [`AuditRecord`], in its order.
pub const RECORD_COLUMNS: &str = "audit_event_id, actor_user_id, subject_user_id, subject_kind, \
                                  subject_id, action, detail, client_address, created_at";

const INSERT: &str = "insert into audit_events (actor_user_id, subject_user_id, subject_kind, \
                      subject_id, action, detail, client_address, created_at) \
                      values ($1, $2, $3, $4, $5, $6, $7, $8)";

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
    let subject = event.stored_subject();
    writes.push(
        INSERT,
        vec![
            event.actor_user_id.into(),
            event.subject_user_id.into(),
            subject.map(|s| s.kind.as_str()).into(),
            subject.map(|s| s.id).into(),
            event.action.into(),
            event.detail.into(),
            event.client_address.into(),
            now.into(),
        ],
    );
}

/// Records `action` by `actor` on the account `subject` in `tx`.
pub async fn audit(
    tx: &mut Tx,
    actor: Option<i64>,
    subject: Option<i64>,
    action: &str,
    detail: &str,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let event = AuditEvent::new(action)
        .by(actor, client)
        .about(subject)
        .detail(detail);
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
    let event = AuditEvent::new(action)
        .by(Some(user_id), client)
        .about(Some(user_id));
    record(tx, &event, now).await
}

/// Records something an admin did to `subject` that concerns no single account (courses,
/// cohorts, content, mail), or to nothing in particular (the home page).
pub async fn audit_admin(
    tx: &mut Tx,
    admin_id: i64,
    subject: Option<Subject>,
    action: &str,
    detail: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let event = AuditEvent {
        subject,
        ..AuditEvent::new(action)
            .by(Some(admin_id), Some(client))
            .detail(detail)
    };
    record(tx, &event, now).await
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
    let sql = format!(
        "select {RECORD_COLUMNS} from audit_events where subject_user_id = $1 or actor_user_id = $1 \
         order by audit_event_id desc limit $2"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).bind(limit).fetch_all(c).await)?)
}

/// What is kept of a deleted account's events: the id, never the client address.
pub async fn forget_addresses(tx: &mut Tx, user_id: i64) -> Result<(), DbError> {
    let sql = "update audit_events set client_address = null \
               where subject_user_id = $1 or actor_user_id = $1";
    run!(tx tx, |c| sqlx::query(sql).bind(user_id).execute(c).await.map(|_| ()))?;
    Ok(())
}
