//! What the account download reads of a learner's CPD record beyond the pages' reads:
//! every history row, every evidence file with its bytes, and their share links without
//! the token's hash. Each read is scoped to the learner.

use chrono::{DateTime, NaiveDate, Utc};

use super::history::HistoryRow;
use crate::db::{Db, DbError, run};
use crate::domain::material::FileFormat;

/// Every history row of the learner's entries (deleted ones included), oldest first.
pub async fn history(db: &Db, user_id: i64) -> Result<Vec<HistoryRow>, DbError> {
    let sql = "select history_id, entry_id, action, snapshot, at from cpd_entry_history \
               where user_id = $1 order by history_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?)
}

/// An evidence file with its bytes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EvidenceWithBytes {
    pub evidence_id: i64,
    pub entry_id: i64,
    pub file_format: FileFormat,
    pub filename: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub bytes: Vec<u8>,
}

/// Every evidence file on the learner's entries, with its bytes, oldest first.
pub async fn evidence(db: &Db, user_id: i64) -> Result<Vec<EvidenceWithBytes>, DbError> {
    let sql = "select v.evidence_id, v.entry_id, v.file_format, v.filename, v.size_bytes, \
               v.sha256, v.created_at, v.bytes from cpd_evidence v \
               join cpd_entries e on e.entry_id = v.entry_id \
               where e.user_id = $1 order by v.evidence_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?)
}

/// A share link as the learner made it, without its token (only a hash is stored, and the
/// hash is not theirs to need).
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct SharedLink {
    pub share_id: i64,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub include_evidence: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub views: i64,
    pub last_viewed_at: Option<DateTime<Utc>>,
}

/// The learner's share links, oldest first.
pub async fn share_links(db: &Db, user_id: i64) -> Result<Vec<SharedLink>, DbError> {
    let sql = "select share_id, from_on, to_on, include_evidence, created_at, expires_at, \
               revoked_at, views, last_viewed_at from cpd_share_links \
               where user_id = $1 order by share_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?)
}
