//! `cpd_evidence`: files a learner attaches to an entry, kept here and never among the
//! public uploads; read only through their entry's learner.

use chrono::{DateTime, Utc};
use sha2::Digest;

use crate::db::{Db, DbError, Tx, run};
use crate::domain::material::FileFormat;

/// A file's details (its bytes are read only to serve it).
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Evidence {
    pub evidence_id: i64,
    pub entry_id: i64,
    pub file_format: FileFormat,
    pub filename: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// A file with its bytes, to serve.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EvidenceFile {
    pub file_format: FileFormat,
    pub filename: String,
    pub bytes: Vec<u8>,
}

pub async fn insert(
    tx: &mut Tx,
    entry_id: i64,
    format: FileFormat,
    filename: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into cpd_evidence (entry_id, file_format, filename, bytes, size_bytes, \
               sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7) returning evidence_id";
    let sha256 = hex::encode(sha2::Sha256::digest(bytes));
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(entry_id)
        .bind(format)
        .bind(filename)
        .bind(bytes)
        .bind(bytes.len() as i64)
        .bind(&sha256)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// The entry's files, oldest first.
pub async fn for_entry(db: &Db, entry_id: i64) -> Result<Vec<Evidence>, DbError> {
    let sql = "select evidence_id, entry_id, file_format, filename, size_bytes, created_at \
               from cpd_evidence where entry_id = $1 order by evidence_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(entry_id).fetch_all(c).await)?)
}

/// The details of every file on the learner's entries, oldest first.
pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<Evidence>, DbError> {
    let sql = "select v.evidence_id, v.entry_id, v.file_format, v.filename, v.size_bytes, \
               v.created_at from cpd_evidence v join cpd_entries e on e.entry_id = v.entry_id \
               where e.user_id = $1 order by v.evidence_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?)
}

/// One file of the learner's entry; `None` for another learner's or none.
pub async fn file(
    db: &Db,
    user_id: i64,
    entry_id: i64,
    evidence_id: i64,
) -> Result<Option<EvidenceFile>, DbError> {
    let sql = "select v.file_format, v.filename, v.bytes from cpd_evidence v \
               join cpd_entries e on e.entry_id = v.entry_id \
               where v.evidence_id = $1 and v.entry_id = $2 and e.user_id = $3";
    Ok(run!(read db, |c| sqlx::query_as(sql)
        .bind(evidence_id)
        .bind(entry_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?)
}

/// Deletes one file of the entry; false if it has no such file.
pub async fn delete(tx: &mut Tx, entry_id: i64, evidence_id: i64) -> Result<bool, DbError> {
    let sql = "delete from cpd_evidence where evidence_id = $1 and entry_id = $2";
    let deleted = run!(tx tx, |c| sqlx::query(sql)
        .bind(evidence_id)
        .bind(entry_id)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(deleted > 0)
}
