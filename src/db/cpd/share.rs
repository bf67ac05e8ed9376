//! `cpd_share_links`: a learner's read-only links (only each token's SHA-256 hash is kept),
//! their views as added by the flush job, and what an open link reads: the learner's
//! entries inside its scope and, when it includes them, those entries' evidence files.

use chrono::{DateTime, NaiveDate, Utc};

use super::evidence::{Evidence, EvidenceFile};
use super::{COLUMNS, Entry, FROM};
use crate::db::binds::{Value, bind_values};
use crate::db::locking::{Lock, locking};
use crate::db::{Db, DbError, Tx, run};
use crate::domain::cpd::counting::Counted;
use crate::domain::cpd::share::{LinkState, ShareScope};

/// A link as stored, without its token's hash (nothing after creation needs it).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShareLink {
    pub share_id: i64,
    pub user_id: i64,
    pub from_on: Option<NaiveDate>,
    pub to_on: Option<NaiveDate>,
    pub include_evidence: bool,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Views saved so far (the last minute's are still in memory).
    pub views: i64,
    pub last_viewed_at: Option<DateTime<Utc>>,
}

impl ShareLink {
    pub fn scope(&self) -> ShareScope {
        ShareScope {
            from_on: self.from_on,
            to_on: self.to_on,
            include_evidence: self.include_evidence,
        }
    }

    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        LinkState::at(self.expires_at, self.revoked_at, now)
    }
}

const LINK_COLUMNS: &str = "share_id, user_id, from_on, to_on, include_evidence, created_at, \
                            expires_at, revoked_at, views, last_viewed_at";

/// The most links the learner's page lists (newest first): far more than anyone keeps.
pub const LIST_MAX: i64 = 100;

pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    token_hash: &str,
    scope: &ShareScope,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into cpd_share_links (user_id, token_hash, from_on, to_on, \
               include_evidence, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) \
               returning share_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(user_id)
        .bind(token_hash)
        .bind(scope.from_on)
        .bind(scope.to_on)
        .bind(scope.include_evidence)
        .bind(now)
        .bind(expires_at)
        .fetch_one(c)
        .await)?)
}

/// The learner's links, newest first, at most [`LIST_MAX`].
pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<ShareLink>, DbError> {
    let sql = format!(
        "select {LINK_COLUMNS} from cpd_share_links where user_id = $1 \
         order by created_at desc, share_id desc limit $2"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql)
        .bind(user_id)
        .bind(LIST_MAX)
        .fetch_all(c)
        .await)?)
}

/// The learner's link; `None` for another learner's or none.
pub async fn find_for_user(
    db: &Db,
    user_id: i64,
    share_id: i64,
) -> Result<Option<ShareLink>, DbError> {
    let sql =
        format!("select {LINK_COLUMNS} from cpd_share_links where share_id = $1 and user_id = $2");
    Ok(run!(read db, |c| sqlx::query_as(&sql)
        .bind(share_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?)
}

/// The link whose token hashes to `token_hash`, whatever its state.
pub async fn find_by_token_hash(db: &Db, token_hash: &str) -> Result<Option<ShareLink>, DbError> {
    let sql = format!("select {LINK_COLUMNS} from cpd_share_links where token_hash = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(token_hash).fetch_optional(c).await)?)
}

/// The learner's link, locked until the transaction ends.
pub async fn lock(tx: &mut Tx, user_id: i64, share_id: i64) -> Result<Option<ShareLink>, DbError> {
    let sql = locking(
        tx.backend(),
        &format!("select {LINK_COLUMNS} from cpd_share_links where share_id = $1 and user_id = $2"),
        Lock::Wait,
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql)
        .bind(share_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?)
}

/// Withdraws a link; false if it already was.
pub async fn revoke(tx: &mut Tx, share_id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "update cpd_share_links set revoked_at = $2 \
               where share_id = $1 and revoked_at is null";
    let changed = run!(tx tx, |c| sqlx::query(sql)
        .bind(share_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(changed > 0)
}

/// Adds views counted in memory (each process adds its own, so the sum is right with
/// several processes); a link deleted since is skipped.
pub async fn add_views(
    tx: &mut Tx,
    counts: &[(i64, u64)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update cpd_share_links set views = views + $2, last_viewed_at = $3 \
               where share_id = $1";
    for &(share_id, count) in counts {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        run!(tx tx, |c| sqlx::query(sql)
            .bind(share_id)
            .bind(count)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// `e.user_id = $1` and the scope's dates over `e`, with their binds from `$2`.
fn scope_clause(scope: &ShareScope) -> (String, Vec<Value>) {
    let mut clause = "where e.user_id = $1".to_owned();
    let mut values = Vec::new();
    for (condition, day) in [
        ("e.ended_on >= ", scope.from_on),
        ("e.ended_on <= ", scope.to_on),
    ] {
        if let Some(day) = day {
            values.push(Value::Date(Some(day)));
            clause.push_str(&format!(" and {condition}${}", values.len() + 1));
        }
    }
    (clause, values)
}

/// How many of the learner's entries the scope holds.
pub async fn count_in_scope(db: &Db, user_id: i64, scope: &ShareScope) -> Result<i64, DbError> {
    let (clause, values) = scope_clause(scope);
    let sql = format!("select count(*) from cpd_entries e {clause}");
    Ok(run!(read db, |c| bind_values!(
        sqlx::query_scalar(&sql).bind(user_id),
        values.clone()
    )
    .fetch_one(c)
    .await)?)
}

/// One page of the entries the scope holds, newest (by end date) first.
pub async fn entries_in_scope(
    db: &Db,
    user_id: i64,
    scope: &ShareScope,
    limit: i64,
    offset: i64,
) -> Result<Vec<Entry>, DbError> {
    let (clause, values) = scope_clause(scope);
    let next = values.len() + 2;
    let sql = format!(
        "select {COLUMNS} {FROM} {clause} \
         order by e.ended_on desc, e.started_on desc, e.entry_id desc limit ${next} offset ${}",
        next + 1
    );
    Ok(run!(read db, |c| bind_values!(
        sqlx::query_as(&sql).bind(user_id),
        values.clone()
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)?)
}

/// Every entry the scope holds as the rules count it, for the totals.
pub async fn counted_in_scope(
    db: &Db,
    user_id: i64,
    scope: &ShareScope,
) -> Result<Vec<Counted>, DbError> {
    let (clause, values) = scope_clause(scope);
    super::counted::counted_where(db, user_id, &clause, values).await
}

/// The files of these entries (one page's), oldest first.
pub async fn evidence_of(db: &Db, entry_ids: &[i64]) -> Result<Vec<Evidence>, DbError> {
    if entry_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=entry_ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "select evidence_id, entry_id, file_format, filename, size_bytes, created_at \
         from cpd_evidence where entry_id in ({}) order by evidence_id",
        placeholders.join(", ")
    );
    let values: Vec<Value> = entry_ids.iter().map(|&id| Value::Int(Some(id))).collect();
    Ok(
        run!(read db, |c| bind_values!(sqlx::query_as(&sql), values.clone())
        .fetch_all(c)
        .await)?,
    )
}

/// One file of an entry the scope holds; `None` for any other file.
pub async fn evidence_file_in_scope(
    db: &Db,
    user_id: i64,
    scope: &ShareScope,
    evidence_id: i64,
) -> Result<Option<EvidenceFile>, DbError> {
    let (clause, values) = scope_clause(scope);
    let id = values.len() + 2;
    let sql = format!(
        "select v.file_format, v.filename, v.bytes from cpd_evidence v \
         join cpd_entries e on e.entry_id = v.entry_id {clause} and v.evidence_id = ${id}"
    );
    Ok(run!(read db, |c| bind_values!(
        sqlx::query_as(&sql).bind(user_id),
        values.clone()
    )
    .bind(evidence_id)
    .fetch_optional(c)
    .await)?)
}
