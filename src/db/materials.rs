//! The `cohort_materials` table: a cohort's files (their bytes kept here, never in the
//! public `uploads`), links and notes, in order, and their pending announcements.

use chrono::{DateTime, Utc};

use super::{Db, DbError, Tx, run};
use crate::domain::enrolment::Status;
use crate::domain::material::{FileFormat, MaterialKind};

/// A material without its file's bytes: what lists and checks need.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Material {
    pub material_id: i64,
    pub cohort_id: i64,
    pub kind: MaterialKind,
    pub title: String,
    pub position: i64,
    pub available_from: Option<DateTime<Utc>>,
    pub file_format: Option<FileFormat>,
    pub filename: String,
    pub size_bytes: i64,
    pub url: String,
    pub body: String,
    pub announce_requested: bool,
    pub announced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "material_id, cohort_id, kind, title, position, available_from, \
     file_format, filename, size_bytes, url, body, announce_requested, announced_at, \
     created_at, updated_at";

/// A file material's bytes, for the download.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MaterialFile {
    pub file_format: FileFormat,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A file as stored: its format (already read from the bytes) and safe name.
pub struct NewFile<'a> {
    pub format: FileFormat,
    pub filename: &'a str,
    pub bytes: &'a [u8],
}

pub struct NewMaterial<'a> {
    pub cohort_id: i64,
    pub kind: MaterialKind,
    pub title: &'a str,
    pub available_from: Option<DateTime<Utc>>,
    pub file: Option<NewFile<'a>>,
    pub url: &'a str,
    pub body: &'a str,
    pub announce_requested: bool,
}

/// Adds a material after the cohort's last one. The caller holds the cohort's lock, so two
/// additions never take the same place.
pub async fn insert(
    tx: &mut Tx,
    new: &NewMaterial<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    use sha2::Digest;
    let (format, filename, bytes) = match &new.file {
        Some(file) => (Some(file.format), file.filename, Some(file.bytes)),
        None => (None, "", None),
    };
    let sha256 = bytes.map(|b| hex::encode(sha2::Sha256::digest(b)));
    let size = bytes.map_or(0, |b| b.len() as i64);
    let sql = "insert into cohort_materials (cohort_id, kind, title, position, available_from, \
               file_format, filename, bytes, size_bytes, sha256, url, body, announce_requested, \
               created_at, updated_at) values ($1, $2, $3, \
               (select coalesce(max(position), 0) + 1 from cohort_materials where cohort_id = $1), \
               $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) returning material_id";
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(new.cohort_id)
        .bind(new.kind)
        .bind(new.title)
        .bind(new.available_from)
        .bind(format)
        .bind(filename)
        .bind(bytes)
        .bind(size)
        .bind(sha256.as_deref().unwrap_or(""))
        .bind(new.url)
        .bind(new.body)
        .bind(new.announce_requested)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

pub async fn find(db: &Db, material_id: i64) -> Result<Option<Material>, DbError> {
    let sql = format!("select {COLUMNS} from cohort_materials where material_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(material_id).fetch_optional(c).await)?)
}

/// A material read in a transaction that changes it.
pub async fn find_in(tx: &mut Tx, material_id: i64) -> Result<Option<Material>, DbError> {
    let sql = format!("select {COLUMNS} from cohort_materials where material_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(material_id).fetch_optional(c).await)?)
}

/// A file material's bytes (none for a link or a note).
pub async fn file(db: &Db, material_id: i64) -> Result<Option<MaterialFile>, DbError> {
    let sql = "select file_format, filename, bytes from cohort_materials \
               where material_id = $1 and kind = 'file'";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(material_id).fetch_optional(c).await)?)
}

/// Every material of a cohort, in order.
pub async fn for_cohort(db: &Db, cohort_id: i64) -> Result<Vec<Material>, DbError> {
    let sql = format!(
        "select {COLUMNS} from cohort_materials where cohort_id = $1 \
         order by position, material_id"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// The materials of these cohorts available at `now`, each cohort's in order.
pub async fn available_for_cohorts(
    db: &Db,
    cohort_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<Material>, DbError> {
    if cohort_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = (2..cohort_ids.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "select {COLUMNS} from cohort_materials where cohort_id in ({list}) \
         and (available_from is null or available_from <= $1) \
         order by cohort_id, position, material_id"
    );
    Ok(run!(read db, |c| {
        let mut query = sqlx::query_as(&sql).bind(now);
        for id in cohort_ids {
            query = query.bind(*id);
        }
        query.fetch_all(c).await
    })?)
}

/// What an edit may change.
pub struct Changes<'a> {
    pub title: &'a str,
    pub available_from: Option<DateTime<Utc>>,
    pub url: &'a str,
    pub body: &'a str,
}

pub async fn update(
    tx: &mut Tx,
    material_id: i64,
    changes: &Changes<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cohort_materials set title = $2, available_from = $3, url = $4, \
               body = $5, updated_at = $6 where material_id = $1";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(material_id)
        .bind(changes.title)
        .bind(changes.available_from)
        .bind(changes.url)
        .bind(changes.body)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Asks for the material to be announced (now or when it becomes available).
pub async fn request_announcement(
    tx: &mut Tx,
    material_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update cohort_materials set announce_requested = true, updated_at = $2 \
               where material_id = $1";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(material_id)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Takes a requested announcement that has not gone yet: true once, in one process, for
/// each material (the row stays locked until the transaction ends).
pub async fn claim_announcement(
    tx: &mut Tx,
    material_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cohort_materials set announced_at = $2 where material_id = $1 \
               and announce_requested and announced_at is null \
               and (available_from is null or available_from <= $2)";
    let claimed = run!(tx tx, |c| sqlx::query(sql)
        .bind(material_id)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(claimed == 1)
}

/// Materials whose requested announcement is due (their time has come), oldest first.
pub async fn due_announcements(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    let sql = "select material_id from cohort_materials where announce_requested \
               and announced_at is null and (available_from is null or available_from <= $1) \
               order by available_from, material_id limit $2";
    Ok(run!(read db, |c| sqlx::query_scalar(sql).bind(now).bind(limit).fetch_all(c).await)?)
}

/// The material next to this one in the cohort's order (`before`: the one above it).
pub async fn neighbour(
    tx: &mut Tx,
    material: &Material,
    before: bool,
) -> Result<Option<Material>, DbError> {
    let sql = if before {
        format!(
            "select {COLUMNS} from cohort_materials where cohort_id = $1 and \
             (position < $2 or (position = $2 and material_id < $3)) \
             order by position desc, material_id desc limit 1"
        )
    } else {
        format!(
            "select {COLUMNS} from cohort_materials where cohort_id = $1 and \
             (position > $2 or (position = $2 and material_id > $3)) \
             order by position, material_id limit 1"
        )
    };
    Ok(run!(tx tx, |c| sqlx::query_as(&sql)
        .bind(material.cohort_id)
        .bind(material.position)
        .bind(material.material_id)
        .fetch_optional(c)
        .await)?)
}

pub async fn set_position(
    tx: &mut Tx,
    material_id: i64,
    position: i64,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update cohort_materials set position = $2, updated_at = $3 where material_id = $1";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(material_id)
        .bind(position)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, material_id: i64) -> Result<bool, DbError> {
    let sql = "delete from cohort_materials where material_id = $1";
    let deleted = run!(tx tx, |c| sqlx::query(sql)
        .bind(material_id)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(deleted == 1)
}

/// A confirmed learner of a cohort, as an announcement addresses them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recipient {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub full_name: String,
    pub email: String,
}

/// Everyone with a confirmed place on the cohort whose account is not disabled, in the
/// order they enrolled.
pub async fn confirmed_learners(tx: &mut Tx, cohort_id: i64) -> Result<Vec<Recipient>, DbError> {
    let sql = "select e.enrolment_id, u.user_id, u.full_name, u.email from enrolments e \
               join users u on u.user_id = e.user_id \
               where e.cohort_id = $1 and e.status = $2 and u.disabled_at is null \
               order by e.enrolment_id";
    Ok(run!(tx tx, |c| sqlx::query_as(sql)
        .bind(cohort_id)
        .bind(Status::Confirmed)
        .fetch_all(c)
        .await)?)
}
