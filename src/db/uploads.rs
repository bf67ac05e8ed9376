//! The `uploads` table: images and PDFs kept in the database, so every process serves the
//! same files.

use chrono::{DateTime, Utc};

use super::statement::{self, Statement, Window};
use super::{Db, DbError, Tx, run};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Upload {
    pub upload_id: i64,
    pub kind: String,
    pub content_type: String,
    pub filename: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub alt_text: String,
}

pub struct NewUpload<'a> {
    pub kind: &'a str,
    pub content_type: &'a str,
    pub filename: &'a str,
    pub bytes: &'a [u8],
    pub alt_text: &'a str,
}

pub async fn insert(
    tx: &mut Tx,
    upload: &NewUpload<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(upload.bytes));
    let sql = "insert into uploads (kind, content_type, filename, bytes, size_bytes, sha256, \
               alt_text, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning upload_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(upload.kind)
        .bind(upload.content_type)
        .bind(upload.filename)
        .bind(upload.bytes)
        .bind(upload.bytes.len() as i64)
        .bind(&sha256)
        .bind(upload.alt_text)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

pub async fn find(db: &Db, upload_id: i64) -> Result<Option<Upload>, DbError> {
    let sql = "select upload_id, kind, content_type, filename, bytes, sha256, alt_text \
               from uploads where upload_id = $1";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(upload_id).fetch_optional(c).await)?)
}

/// An upload as the admin list shows it (without its bytes).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UploadSummary {
    pub upload_id: i64,
    pub kind: String,
    pub filename: String,
    pub size_bytes: i64,
    pub alt_text: String,
    pub created_at: DateTime<Utc>,
}

const SUMMARY: &str =
    "select upload_id, kind, filename, size_bytes, alt_text, created_at from uploads";

/// A page of every upload, newest first (walking the key backwards).
pub fn page_statement(window: Window) -> Statement {
    Statement::new(format!("{SUMMARY} order by upload_id desc")).page(window)
}

pub async fn page(db: &Db, window: Window) -> Result<Vec<UploadSummary>, DbError> {
    statement::fetch_all(db, &page_statement(window)).await
}

/// Counted on `uploads_kind_idx`, never on the rows and their bytes.
pub const COUNT_ALL: &str = "select count(*) from uploads";

pub async fn count_all(db: &Db) -> Result<i64, DbError> {
    statement::fetch_count(db, &Statement::new(COUNT_ALL)).await
}

pub const OF_KIND: &str = "select upload_id, kind, filename, size_bytes, alt_text, created_at \
     from uploads where kind = $1 order by upload_id desc";

/// Every upload of one kind ("image" or "pdf"), newest first: what a form picks from.
pub async fn of_kind(db: &Db, kind: &str) -> Result<Vec<UploadSummary>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(OF_KIND).bind(kind).fetch_all(c).await)?)
}

/// The ids of every upload of one kind ("image" or "pdf"): what a form may choose from.
pub async fn ids(db: &Db, kind: &str) -> Result<Vec<i64>, DbError> {
    let sql = "select upload_id from uploads where kind = $1 order by upload_id desc";
    Ok(run!(read db, |c| sqlx::query_scalar(sql).bind(kind).fetch_all(c).await)?)
}

pub const USED_BY_PUBLISHED_REPORTS: &str = "select count(*) from reports \
     where (image_upload_id = $1 or pdf_upload_id = $1) \
     and publish_at is not null and publish_at <= $2";

pub const USED_BY_PUBLISHED_POSTS: &str = "select count(*) from posts where image_upload_id = $1 \
     and publish_at is not null and publish_at <= $2";

/// Whether a published report or post uses the upload: only those are served to everyone
/// (a scheduled report's PDF stays private until its time). Indexed by upload.
pub async fn is_public(db: &Db, upload_id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    let reports: i64 = run!(read db, |c| sqlx::query_scalar(USED_BY_PUBLISHED_REPORTS)
        .bind(upload_id)
        .bind(now)
        .fetch_one(c)
        .await)?;
    if reports > 0 {
        return Ok(true);
    }
    let posts: i64 = run!(read db, |c| sqlx::query_scalar(USED_BY_PUBLISHED_POSTS)
        .bind(upload_id)
        .bind(now)
        .fetch_one(c)
        .await)?;
    Ok(posts > 0)
}
