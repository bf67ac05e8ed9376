//! What the in-memory read model of published content (`crate::published`) loads: every
//! published course, the visible cohorts with their sessions, every report and post with a
//! publication time (scheduled ones included: the pages compare with the clock), the
//! report–course links and the home blocks; the content version the triggers of
//! `0015_content_version.sql` move; and the seat counts of open cohorts, read each second.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::cohorts::{Cohort, CohortSession};
use super::courses::{COURSE_COLUMNS, Course};
use super::{Db, DbError, run};
use crate::domain::content::PostKind;

/// The version every content write moves (in its own transaction, by trigger).
pub const CONTENT_VERSION: &str = "select version from content_version where id = 1";

pub async fn content_version(db: &Db) -> Result<i64, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(CONTENT_VERSION).fetch_one(c).await)?)
}

pub const OPEN_SEATS: &str = "select cohort_id, seats_taken from cohorts where status = 'open'";

/// Places taken in each open cohort: the only part of a cohort an enrolment changes.
pub async fn open_seats(db: &Db) -> Result<HashMap<i64, i64>, DbError> {
    let rows: Vec<(i64, i64)> = run!(read db, |c| sqlx::query_as(OPEN_SEATS).fetch_all(c).await)?;
    Ok(rows.into_iter().collect())
}

const COHORT_COLUMNS: &str = "h.cohort_id, h.course_id, h.name, h.starts_on, h.ends_on, \
     h.enrol_opens_at, h.enrol_closes_at, h.capacity, h.seats_taken, h.status, \
     h.delivery_notes, h.calendar_sequence, h.updated_at";

/// Every cohort people can see (all but drafts) of a published course, soonest first.
pub fn visible_cohorts_sql() -> String {
    format!(
        "select {COHORT_COLUMNS} from cohorts h join courses c on c.course_id = h.course_id \
         where h.status <> 'draft' and c.published = true order by h.starts_on, h.cohort_id"
    )
}

pub async fn visible_cohorts(db: &Db) -> Result<Vec<Cohort>, DbError> {
    let sql = visible_cohorts_sql();
    Ok(run!(read db, |c| sqlx::query_as(&sql).fetch_all(c).await)?)
}

/// The live sessions of those cohorts, in time order.
pub const VISIBLE_SESSIONS: &str = "select s.cohort_session_id, s.cohort_id, s.title, s.starts_at, s.ends_at, \
               s.joining_details from cohort_sessions s \
               join cohorts h on h.cohort_id = s.cohort_id \
               join courses c on c.course_id = h.course_id \
               where h.status <> 'draft' and c.published = true \
               order by s.starts_at, s.cohort_session_id";

pub async fn visible_sessions(db: &Db) -> Result<Vec<CohortSession>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(VISIBLE_SESSIONS).fetch_all(c).await)?)
}

/// A report as lists show it: everything but its body and findings.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportItem {
    pub report_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub topic: String,
    pub publish_at: DateTime<Utc>,
    pub image_upload_id: Option<i64>,
    pub image_alt: Option<String>,
    pub pdf_upload_id: Option<i64>,
    pub pdf_size: Option<i64>,
    pub updated_at: DateTime<Utc>,
    /// Title, summary and topic, folded (`domain::search::fold`).
    pub search_text: String,
}

/// Every report with a publication time, newest first.
pub const REPORTS: &str = "select r.report_id, r.slug, r.title, r.summary, r.topic, r.publish_at, \
               r.image_upload_id, i.alt_text as image_alt, r.pdf_upload_id, \
               p.size_bytes as pdf_size, r.updated_at, r.search_text from reports r \
               left join uploads i on i.upload_id = r.image_upload_id \
               left join uploads p on p.upload_id = r.pdf_upload_id \
               where r.publish_at is not null order by r.publish_at desc, r.report_id desc";

pub async fn reports(db: &Db) -> Result<Vec<ReportItem>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(REPORTS).fetch_all(c).await)?)
}

/// A post as lists show it: everything but its body.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostItem {
    pub post_id: i64,
    pub kind: PostKind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub event_starts_at: Option<DateTime<Utc>>,
    pub event_ends_at: Option<DateTime<Utc>>,
    pub event_location: String,
    pub image_upload_id: Option<i64>,
    pub image_alt: Option<String>,
    pub publish_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every post with a publication time, newest first.
pub const POSTS: &str = "select p.post_id, p.kind, p.slug, p.title, p.summary, p.author, \
               p.event_starts_at, p.event_ends_at, p.event_location, p.image_upload_id, \
               i.alt_text as image_alt, p.publish_at, p.updated_at from posts p \
               left join uploads i on i.upload_id = p.image_upload_id \
               where p.publish_at is not null order by p.publish_at desc, p.post_id desc";

pub async fn posts(db: &Db) -> Result<Vec<PostItem>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(POSTS).fetch_all(c).await)?)
}

/// Every (report, course) link.
pub const REPORT_COURSES: &str = "select report_id, course_id from report_courses";

pub async fn report_courses(db: &Db) -> Result<Vec<(i64, i64)>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(REPORT_COURSES).fetch_all(c).await)?)
}

/// A published report's body (the page's one query when it is not in memory yet).
pub const REPORT_BODY: &str =
    "select body from reports where report_id = $1 and publish_at is not null";

pub async fn report_body(db: &Db, report_id: i64) -> Result<Option<String>, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(REPORT_BODY).bind(report_id).fetch_optional(c).await)?)
}

/// A published post's body.
pub const POST_BODY: &str = "select body from posts where post_id = $1 and publish_at is not null";

pub async fn post_body(db: &Db, post_id: i64) -> Result<Option<String>, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(POST_BODY).bind(post_id).fetch_optional(c).await)?)
}

/// Every published course with its folded search text, in the catalogue's order (by that
/// text, the same on both databases).
pub fn courses_sql() -> String {
    format!(
        "select {COURSE_COLUMNS}, search_text from courses where published = true \
         order by search_text, course_id"
    )
}

pub async fn courses(db: &Db) -> Result<Vec<(Course, String)>, DbError> {
    let sql = courses_sql();
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        course: Course,
        search_text: String,
    }
    let rows: Vec<Row> = run!(read db, |c| sqlx::query_as(&sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.course, r.search_text))
        .collect())
}
