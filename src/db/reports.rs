//! The `reports`, `report_findings` and `report_courses` tables: investigation reports,
//! their structured findings and the courses that teach from them. What reports share with
//! posts (old addresses, the sitemap, deletion) is in [`super::publishable`].

use chrono::{DateTime, NaiveDate, Utc};

use super::statement::{self, Statement, Window};
use super::{Db, DbError, Tx, run};
use crate::domain::search;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Report {
    pub report_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub topic: String,
    pub publish_at: Option<DateTime<Utc>>,
    pub image_upload_id: Option<i64>,
    pub image_alt: Option<String>,
    pub pdf_upload_id: Option<i64>,
    pub pdf_size: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

const REPORT_SELECT: &str = "select r.report_id, r.slug, r.title, r.summary, r.body, r.topic, \
     r.publish_at, r.image_upload_id, i.alt_text as image_alt, r.pdf_upload_id, \
     p.size_bytes as pdf_size, r.updated_at from reports r \
     left join uploads i on i.upload_id = r.image_upload_id \
     left join uploads p on p.upload_id = r.pdf_upload_id";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Finding {
    pub finding_id: i64,
    pub kind: crate::domain::content::FindingKind,
    pub reference: String,
    pub text: String,
    pub addressee: String,
    pub response_status: String,
    pub response_due_on: Option<NaiveDate>,
    pub response: String,
}

pub async fn findings(db: &Db, report_id: i64) -> Result<Vec<Finding>, DbError> {
    let sql = "select finding_id, kind, reference, text, addressee, response_status, \
               response_due_on, response from report_findings where report_id = $1 \
               order by kind, position, finding_id";
    Ok(run!(read db, |c| sqlx::query_as(sql).bind(report_id).fetch_all(c).await)?)
}

/// A report as an admin (or the demo seed) writes it.
pub struct ReportFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub topic: &'a str,
    pub publish_at: Option<DateTime<Utc>>,
    pub image_upload_id: Option<i64>,
    pub pdf_upload_id: Option<i64>,
}

/// What the public search looks through: title, summary and topic, folded.
fn search_text(report: &ReportFields<'_>) -> String {
    search::fold(&format!(
        "{} {} {}",
        report.title, report.summary, report.topic
    ))
}

pub async fn insert(
    tx: &mut Tx,
    report: &ReportFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into reports (slug, title, summary, body, topic, publish_at, image_upload_id, \
               pdf_upload_id, search_text, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning report_id";
    let search_text = search_text(report);
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(report.slug)
        .bind(report.title)
        .bind(report.summary)
        .bind(report.body)
        .bind(report.topic)
        .bind(report.publish_at)
        .bind(report.image_upload_id)
        .bind(report.pdf_upload_id)
        .bind(&search_text)
        .bind(now)
        .fetch_one(c)
        .await)?)
}

/// A finding as written: (kind, reference, text, addressee, response status, due, response).
pub struct FindingFields<'a> {
    pub kind: crate::domain::content::FindingKind,
    pub reference: &'a str,
    pub text: &'a str,
    pub addressee: &'a str,
    pub response_status: &'a str,
    pub response_due_on: Option<NaiveDate>,
    pub response: &'a str,
}

pub async fn insert_finding(
    tx: &mut Tx,
    report_id: i64,
    position: i64,
    finding: &FindingFields<'_>,
) -> Result<(), DbError> {
    let sql = "insert into report_findings (report_id, kind, position, reference, text, addressee, \
               response_status, response_due_on, response) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(report_id)
        .bind(finding.kind)
        .bind(position)
        .bind(finding.reference)
        .bind(finding.text)
        .bind(finding.addressee)
        .bind(finding.response_status)
        .bind(finding.response_due_on)
        .bind(finding.response)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn link_course(tx: &mut Tx, report_id: i64, course_id: i64) -> Result<(), DbError> {
    let sql = "insert into report_courses (report_id, course_id) values ($1, $2) \
               on conflict do nothing";
    run!(tx tx, |c| sqlx::query(sql).bind(report_id).bind(course_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

pub const COUNT_ALL: &str = "select count(*) from reports";

pub async fn count_all(db: &Db) -> Result<i64, DbError> {
    Ok(run!(read db, |c| sqlx::query_scalar(COUNT_ALL).fetch_one(c).await)?)
}

pub async fn find(db: &Db, report_id: i64) -> Result<Option<Report>, DbError> {
    let sql = format!("{REPORT_SELECT} where r.report_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(report_id).fetch_optional(c).await)?)
}

/// A report as the admin list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportListing {
    pub report_id: i64,
    pub title: String,
    pub topic: String,
    pub publish_at: Option<DateTime<Utc>>,
}

const LISTING: &str = "select report_id, title, topic, publish_at from reports";

/// The admin list's drafts, newest first. (`publish_at` is null throughout: ordering by it
/// too lets `reports_publish_at_idx` give the order on both databases.)
pub fn drafts_statement(window: Window) -> Statement {
    Statement::new(format!(
        "{LISTING} where publish_at is null order by publish_at desc, report_id desc"
    ))
    .page(window)
}

/// The admin list's reports with a publication time (scheduled ones first), latest first.
pub fn dated_statement(window: Window) -> Statement {
    Statement::new(format!(
        "{LISTING} where publish_at is not null order by publish_at desc, report_id desc"
    ))
    .page(window)
}

pub const COUNT_DRAFTS: &str = "select count(*) from reports where publish_at is null";

/// How many reports there are, and how many of them are drafts.
pub async fn admin_counts(db: &Db) -> Result<(i64, i64), DbError> {
    let all = statement::fetch_count(db, &Statement::new(COUNT_ALL)).await?;
    let drafts = statement::fetch_count(db, &Statement::new(COUNT_DRAFTS)).await?;
    Ok((all, drafts))
}

/// A page of every report, drafts first (`drafts` of them, from [`admin_counts`]).
pub async fn admin_page(
    db: &Db,
    drafts: i64,
    window: Window,
) -> Result<Vec<ReportListing>, DbError> {
    statement::drafts_first(db, drafts, window, drafts_statement, dated_statement).await
}

/// Saves an edit (the caller keeps a changed slug's old one as a redirect).
pub async fn update(
    tx: &mut Tx,
    report_id: i64,
    report: &ReportFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update reports set slug = $2, title = $3, summary = $4, body = $5, topic = $6, \
               publish_at = $7, image_upload_id = $8, pdf_upload_id = $9, search_text = $10, \
               updated_at = $11 where report_id = $1";
    let search_text = search_text(report);
    run!(tx tx, |c| sqlx::query(sql)
        .bind(report_id)
        .bind(report.slug)
        .bind(report.title)
        .bind(report.summary)
        .bind(report.body)
        .bind(report.topic)
        .bind(report.publish_at)
        .bind(report.image_upload_id)
        .bind(report.pdf_upload_id)
        .bind(&search_text)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Replaces a report's findings and course links with the ones given.
pub async fn clear_findings_and_courses(tx: &mut Tx, report_id: i64) -> Result<(), DbError> {
    run!(tx tx, |c| sqlx::query("delete from report_findings where report_id = $1").bind(report_id).execute(c).await.map(|_| ()))?;
    run!(tx tx, |c| sqlx::query("delete from report_courses where report_id = $1").bind(report_id).execute(c).await.map(|_| ()))?;
    Ok(())
}

/// The ids of the courses linked to a report (any state).
pub async fn course_ids(db: &Db, report_id: i64) -> Result<Vec<i64>, DbError> {
    let sql = "select course_id from report_courses where report_id = $1";
    Ok(run!(read db, |c| sqlx::query_scalar(sql).bind(report_id).fetch_all(c).await)?)
}
