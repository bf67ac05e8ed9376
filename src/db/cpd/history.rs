//! `cpd_entry_history`: every change to an entry with a JSON snapshot of the entry after
//! it, kept when the entry is deleted (its last row says so).

use chrono::{DateTime, Utc};

use crate::db::{Db, DbError, Tx, run};

/// What happened to an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Created,
    Edited,
    Reflected,
    Deleted,
    CertificateRevoked,
    CertificateReplaced,
    EvidenceAdded,
    EvidenceRemoved,
}

impl HistoryAction {
    const ALL: [HistoryAction; 8] = [
        HistoryAction::Created,
        HistoryAction::Edited,
        HistoryAction::Reflected,
        HistoryAction::Deleted,
        HistoryAction::CertificateRevoked,
        HistoryAction::CertificateReplaced,
        HistoryAction::EvidenceAdded,
        HistoryAction::EvidenceRemoved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Created => "created",
            HistoryAction::Edited => "edited",
            HistoryAction::Reflected => "reflected",
            HistoryAction::Deleted => "deleted",
            HistoryAction::CertificateRevoked => "certificate_revoked",
            HistoryAction::CertificateReplaced => "certificate_replaced",
            HistoryAction::EvidenceAdded => "evidence_added",
            HistoryAction::EvidenceRemoved => "evidence_removed",
        }
    }

    pub fn parse(raw: &str) -> Option<HistoryAction> {
        HistoryAction::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    /// For the history page.
    pub fn label(self) -> &'static str {
        match self {
            HistoryAction::Created => "Added",
            HistoryAction::Edited => "Changed",
            HistoryAction::Reflected => "Reflection or tags changed",
            HistoryAction::Deleted => "Deleted",
            HistoryAction::CertificateRevoked => "Certificate revoked",
            HistoryAction::CertificateReplaced => "Certificate replaced by a corrected one",
            HistoryAction::EvidenceAdded => "Evidence added",
            HistoryAction::EvidenceRemoved => "Evidence removed",
        }
    }
}

/// One row of an entry's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub history_id: i64,
    pub entry_id: i64,
    pub action: HistoryAction,
    /// The entry after the change, as JSON.
    pub snapshot: String,
    pub at: DateTime<Utc>,
}

pub async fn record(
    tx: &mut Tx,
    entry_id: i64,
    user_id: i64,
    action: HistoryAction,
    snapshot: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "insert into cpd_entry_history (entry_id, user_id, action, snapshot, at) \
               values ($1, $2, $3, $4, $5)";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(entry_id)
        .bind(user_id)
        .bind(action)
        .bind(snapshot)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The learner's history of one entry, oldest first (empty for another learner's).
pub async fn for_entry(db: &Db, user_id: i64, entry_id: i64) -> Result<Vec<HistoryRow>, DbError> {
    let sql = "select history_id, entry_id, action, snapshot, at from cpd_entry_history \
               where entry_id = $1 and user_id = $2 order by history_id";
    Ok(run!(read db, |c| sqlx::query_as(sql)
        .bind(entry_id)
        .bind(user_id)
        .fetch_all(c)
        .await)?)
}
