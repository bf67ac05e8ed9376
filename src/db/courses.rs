//! The `courses` and `course_slugs` tables: the education offer.

use chrono::{DateTime, Utc};

use super::statement::{self, Statement, Window};
use super::{Db, DbError, Tx, run};
use crate::domain::catalogue::{Format, Level};
use crate::domain::learning::{CompletionRule, Requirement};
use crate::domain::search;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Course {
    pub course_id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub who_for: String,
    pub learning_outcomes: String,
    pub level: Level,
    pub format: Format,
    pub duration: String,
    pub cpd_minutes: i64,
    pub accreditation: String,
    /// The accrediting body's reference for the course, printed on certificates.
    pub accreditation_reference: String,
    pub fee_pence: i64,
    pub published: bool,
    pub completion_rule: CompletionRule,
    /// Live sessions a learner must attend to complete; `None`: all of them.
    pub sessions_required: Option<i64>,
    /// The evaluation must be done before completion (and the certificate).
    pub evaluation_required: bool,
    pub updated_at: DateTime<Utc>,
}

impl Course {
    /// How the course decides who completed it.
    pub fn requirement(&self) -> Requirement {
        Requirement {
            rule: self.completion_rule,
            sessions_required: self.sessions_required,
            evaluation_required: self.evaluation_required,
        }
    }

    pub fn level_label(&self) -> &'static str {
        self.level.label()
    }

    pub fn format_label(&self) -> &'static str {
        self.format.label()
    }

    /// "£450": the fee for learners outside the NHS in England.
    pub fn fee_label(&self) -> String {
        crate::domain::money::format_pence(self.fee_pence)
    }

    pub fn outcomes(&self) -> Vec<&str> {
        self.learning_outcomes
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

pub(super) const COURSE_COLUMNS: &str = "course_id, slug, title, summary, description, who_for, \
     learning_outcomes, level, format, duration, cpd_minutes, accreditation, \
     accreditation_reference, fee_pence, published, completion_rule, sessions_required, \
     evaluation_required, updated_at";

/// What the catalogue is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct CatalogueFilter {
    pub query: String,
    pub level: Option<Level>,
    pub format: Option<Format>,
    pub open_now: bool,
}

pub async fn find_published_by_slug(db: &Db, slug: &str) -> Result<Option<Course>, DbError> {
    let sql = format!("select {COURSE_COLUMNS} from courses where slug = $1 and published = true");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(slug).fetch_optional(c).await)?)
}

/// The current slug of a published course that once had `old_slug`.
pub async fn current_slug_for(db: &Db, old_slug: &str) -> Result<Option<String>, DbError> {
    let sql = "select c.slug from course_slugs s join courses c on c.course_id = s.course_id \
               where s.slug = $1 and c.published = true";
    Ok(run!(read db, |c| sqlx::query_scalar(sql).bind(old_slug).fetch_optional(c).await)?)
}

pub async fn find_by_slug_in(tx: &mut Tx, slug: &str) -> Result<Option<Course>, DbError> {
    let sql = format!("select {COURSE_COLUMNS} from courses where slug = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(slug).fetch_optional(c).await)?)
}

/// A course as an admin (or the demo seed) writes it.
pub struct CourseFields<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub who_for: &'a str,
    pub learning_outcomes: &'a str,
    pub level: Level,
    pub format: Format,
    pub duration: &'a str,
    pub cpd_minutes: i64,
    pub accreditation: &'a str,
    pub accreditation_reference: &'a str,
    pub fee_pence: i64,
    pub published: bool,
    pub completion_rule: CompletionRule,
    pub sessions_required: Option<i64>,
    pub evaluation_required: bool,
}

pub async fn insert(
    tx: &mut Tx,
    course: &CourseFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into courses (slug, title, summary, description, who_for, learning_outcomes, \
               level, format, duration, cpd_minutes, accreditation, fee_pence, published, search_text, \
               created_at, updated_at, completion_rule, sessions_required, evaluation_required, \
               accreditation_reference) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, \
               $16, $17, $18, $19) returning course_id";
    let search_text = search::fold(&format!("{} {}", course.title, course.summary));
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(course.slug)
        .bind(course.title)
        .bind(course.summary)
        .bind(course.description)
        .bind(course.who_for)
        .bind(course.learning_outcomes)
        .bind(course.level.as_str())
        .bind(course.format.as_str())
        .bind(course.duration)
        .bind(course.cpd_minutes)
        .bind(course.accreditation)
        .bind(course.fee_pence)
        .bind(course.published)
        .bind(&search_text)
        .bind(now)
        .bind(course.completion_rule.as_str())
        .bind(course.sessions_required)
        .bind(course.evaluation_required)
        .bind(course.accreditation_reference)
        .fetch_one(c)
        .await)?)
}

pub async fn find_in(tx: &mut Tx, course_id: i64) -> Result<Option<Course>, DbError> {
    let sql = format!("select {COURSE_COLUMNS} from courses where course_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(course_id).fetch_optional(c).await)?)
}

pub async fn find(db: &Db, course_id: i64) -> Result<Option<Course>, DbError> {
    let sql = format!("select {COURSE_COLUMNS} from courses where course_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(course_id).fetch_optional(c).await)?)
}

/// A course as the admin list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CourseListing {
    pub course_id: i64,
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub fee_pence: i64,
}

impl CourseListing {
    pub fn fee_label(&self) -> String {
        crate::domain::money::format_pence(self.fee_pence)
    }
}

/// A page of every course, published or not, by title (folded, the same on both
/// databases); served by `courses_search_idx`.
pub fn admin_page_statement(window: Window) -> Statement {
    Statement::new(
        "select course_id, slug, title, published, fee_pence from courses \
         order by search_text, course_id",
    )
    .page(window)
}

pub async fn admin_page(db: &Db, window: Window) -> Result<Vec<CourseListing>, DbError> {
    statement::fetch_all(db, &admin_page_statement(window)).await
}

pub const COUNT_ALL: &str = "select count(*) from courses";

pub async fn count_all(db: &Db) -> Result<i64, DbError> {
    statement::fetch_count(db, &Statement::new(COUNT_ALL)).await
}

/// A course to pick from a list (a filter, the courses a report links to).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CourseChoice {
    pub course_id: i64,
    pub title: String,
}

pub const CHOICES: &str = "select course_id, title from courses order by search_text, course_id";

/// Every course's id and title, by title: a few hundred short rows, for pickers.
pub async fn choices(db: &Db) -> Result<Vec<CourseChoice>, DbError> {
    Ok(run!(read db, |c| sqlx::query_as(CHOICES).fetch_all(c).await)?)
}

/// Saves an admin's edit. A changed slug keeps the old one as a redirect, and a slug taken
/// back from the history stops redirecting elsewhere.
pub async fn update(
    tx: &mut Tx,
    course_id: i64,
    old_slug: &str,
    course: &CourseFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update courses set slug = $2, title = $3, summary = $4, description = $5, who_for = $6, \
               learning_outcomes = $7, level = $8, format = $9, duration = $10, cpd_minutes = $11, \
               accreditation = $12, fee_pence = $13, search_text = $14, updated_at = $15, \
               completion_rule = $16, sessions_required = $17, evaluation_required = $18, \
               accreditation_reference = $19 where course_id = $1";
    let search_text = search::fold(&format!("{} {}", course.title, course.summary));
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(course_id)
        .bind(course.slug)
        .bind(course.title)
        .bind(course.summary)
        .bind(course.description)
        .bind(course.who_for)
        .bind(course.learning_outcomes)
        .bind(course.level.as_str())
        .bind(course.format.as_str())
        .bind(course.duration)
        .bind(course.cpd_minutes)
        .bind(course.accreditation)
        .bind(course.fee_pence)
        .bind(&search_text)
        .bind(now)
        .bind(course.completion_rule.as_str())
        .bind(course.sessions_required)
        .bind(course.evaluation_required)
        .bind(course.accreditation_reference)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    super::slugs::remember_rename(
        tx,
        super::slugs::Owner::Course,
        course_id,
        old_slug,
        course.slug,
        now,
    )
    .await
}

pub async fn set_published(
    tx: &mut Tx,
    course_id: i64,
    published: bool,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update courses set published = $2, updated_at = $3 where course_id = $1";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(course_id)
        .bind(published)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    if updated == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Whether another course uses `slug` (an old address is taken over instead).
pub async fn slug_taken(tx: &mut Tx, slug: &str, except: Option<i64>) -> Result<bool, DbError> {
    super::slugs::taken(tx, super::slugs::Owner::Course, slug, except).await
}
