//! The admins' audit log: every event, newest first, narrowed by who did it, the action,
//! what it was done to, when, and the client address; a page at a time or streamed whole.
//! Each filter is an index whose entries follow the log's order, a date range included
//! (migration `0021_audit_subjects`), so a page reads only its own rows however long the
//! log grows.

use chrono::{DateTime, Utc};

use super::audit::{AuditRecord, RECORD_COLUMNS};
use super::statement::{self, Statement, Window, where_all};
use super::stream::{RowStream, fetch_stream};
use super::{Db, DbError, run};
use crate::domain::audit::SubjectKind;

/// What the log is narrowed to (every part optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub subject_kind: Option<SubjectKind>,
    pub subject_id: Option<i64>,
    /// From this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    pub client_address: Option<String>,
}

/// An event as the log shows it: with the names of the accounts it involves (none once
/// the account was deleted).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LogEntry {
    #[sqlx(flatten)]
    pub event: AuditRecord,
    pub actor_email: Option<String>,
    pub subject_email: Option<String>,
}

impl LogFilter {
    fn conditions(&self, statement: &mut Statement) -> String {
        let mut conditions = Vec::new();
        if let Some(actor) = self.actor_user_id {
            conditions.push(format!("e.actor_user_id = {}", statement.param(actor)));
        }
        if let Some(action) = &self.action {
            conditions.push(format!("e.action = {}", statement.param(action.as_str())));
        }
        if let Some(kind) = self.subject_kind {
            conditions.push(format!(
                "e.subject_kind = {}",
                statement.param(kind.as_str())
            ));
        }
        if let Some(id) = self.subject_id {
            conditions.push(format!("e.subject_id = {}", statement.param(id)));
        }
        if let Some(from) = self.from {
            conditions.push(format!("e.created_at >= {}", statement.param(from)));
        }
        if let Some(until) = self.until {
            conditions.push(format!("e.created_at < {}", statement.param(until)));
        }
        if let Some(client) = &self.client_address {
            conditions.push(format!(
                "e.client_address = {}",
                statement.param(client.as_str())
            ));
        }
        where_all(&conditions)
    }
}

/// Every event `filter` lets through, newest first.
pub fn log_statement(filter: &LogFilter) -> Statement {
    let columns = RECORD_COLUMNS
        .split(", ")
        .map(|col| format!("e.{}", col.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut statement = Statement::default();
    let conditions = filter.conditions(&mut statement);
    statement.sql = format!(
        "select {columns}, a.email as actor_email, s.email as subject_email \
         from audit_events e left join users a on a.user_id = e.actor_user_id \
         left join users s on s.user_id = e.subject_user_id{conditions} \
         order by e.created_at desc, e.audit_event_id desc"
    );
    statement
}

pub async fn page(db: &Db, filter: &LogFilter, window: Window) -> Result<Vec<LogEntry>, DbError> {
    statement::fetch_all(db, &log_statement(filter).page(window)).await
}

/// Every event the filter lets through, one at a time (the CSV export).
pub fn stream<'a>(db: &'a Db, statement: &'a Statement) -> RowStream<'a, LogEntry> {
    fetch_stream(db, &statement.sql, statement.binds.clone())
}

/// Every action recorded, in order: one index step per action (a loose index scan written
/// as a recursive query, which both databases run without reading every event).
pub const ACTIONS: &str = "with recursive found (action) as ( \
     select min(action) from audit_events \
     union all \
     select (select min(action) from audit_events where action > found.action) \
     from found where found.action is not null) \
     select action from found where action is not null";

pub async fn actions(db: &Db) -> Result<Vec<String>, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(ACTIONS).fetch_all(c).await)?)
}
