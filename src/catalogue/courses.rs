//! Saving a course (new or edited, with its web address kept unique and old addresses
//! redirecting), and publishing or unpublishing it.

use crate::catalogue::Admin;
use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_admin;
use crate::db::courses::{self, CourseFields};
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::catalogue::{Format, Level};
use crate::domain::learning::CompletionRule;

/// A course as checked by its form: every field valid, the slug already made.
#[derive(Clone, Debug)]
pub struct CourseInput {
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
    pub accreditation_reference: String,
    pub fee_pence: i64,
    pub completion_rule: CompletionRule,
    /// Live sessions to attend to complete; `None`: all of them.
    pub sessions_required: Option<i64>,
    pub evaluation_required: bool,
}

impl CourseInput {
    fn fields(&self, published: bool) -> CourseFields<'_> {
        CourseFields {
            slug: &self.slug,
            title: &self.title,
            summary: &self.summary,
            description: &self.description,
            who_for: &self.who_for,
            learning_outcomes: &self.learning_outcomes,
            level: self.level,
            format: self.format,
            duration: &self.duration,
            cpd_minutes: self.cpd_minutes,
            accreditation: &self.accreditation,
            accreditation_reference: &self.accreditation_reference,
            fee_pence: self.fee_pence,
            published,
            completion_rule: self.completion_rule,
            sessions_required: self.sessions_required,
            evaluation_required: self.evaluation_required,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CourseError {
    #[error("no such course")]
    NotFound,
    /// Another course uses the address (or had it and still redirects from it).
    #[error("another course already uses that web address")]
    SlugTaken,
    /// Two admins chose the same address at the same moment: the second is told.
    #[error("another course was saved with that web address just now")]
    SlugTakenJustNow,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Adds a course, unpublished. Returns its id.
pub async fn create(ctx: Ctx<'_>, by: Admin<'_>, input: &CourseInput) -> Result<i64, CourseError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    if courses::slug_taken(&mut tx, &input.slug, None).await? {
        return Err(CourseError::SlugTaken);
    }
    let course_id = courses::insert(&mut tx, &input.fields(false), now)
        .await
        .map_err(slug_race)?;
    let detail = format!("course {course_id}: {}", input.slug);
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Course, course_id)),
        "course_created",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(course_id)
}

/// Saves an edit; a changed address keeps the old one as a redirect. Publishing is
/// untouched (see [`publish`]).
pub async fn update(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    course_id: i64,
    input: &CourseInput,
) -> Result<(), CourseError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let existing = courses::find_in(&mut tx, course_id)
        .await?
        .ok_or(CourseError::NotFound)?;
    if courses::slug_taken(&mut tx, &input.slug, Some(course_id)).await? {
        return Err(CourseError::SlugTaken);
    }
    let fields = input.fields(existing.published);
    courses::update(&mut tx, course_id, &existing.slug, &fields, now)
        .await
        .map_err(slug_race)?;
    let detail = format!("course {course_id}: {}", input.slug);
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Course, course_id)),
        "course_updated",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A unique violation while saving means the address was taken since it was checked.
fn slug_race(error: DbError) -> CourseError {
    match error {
        DbError::UniqueViolation(_) => CourseError::SlugTakenJustNow,
        DbError::NotFound => CourseError::NotFound,
        other => CourseError::Db(other),
    }
}

/// Shows the course in the catalogue.
pub async fn publish(ctx: Ctx<'_>, by: Admin<'_>, course_id: i64) -> Result<(), CourseError> {
    set_published(ctx, by, course_id, true).await
}

/// Takes the course out of the catalogue; its page answers 404 until it is published again.
pub async fn unpublish(ctx: Ctx<'_>, by: Admin<'_>, course_id: i64) -> Result<(), CourseError> {
    set_published(ctx, by, course_id, false).await
}

async fn set_published(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    course_id: i64,
    published: bool,
) -> Result<(), CourseError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    courses::set_published(&mut tx, course_id, published, now)
        .await
        .map_err(|error| match error {
            DbError::NotFound => CourseError::NotFound,
            other => CourseError::Db(other),
        })?;
    let action = match published {
        true => "course_published",
        false => "course_unpublished",
    };
    let detail = format!("course {course_id}");
    let subject = Some(Subject::new(SubjectKind::Course, course_id));
    audit_admin(
        &mut tx, by.user_id, subject, action, &detail, by.client, now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
