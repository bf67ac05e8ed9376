//! `/admin/courses`: list, add, edit (with a Markdown preview), publish and unpublish.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::DbError;
use crate::db::audit::audit_admin;
use crate::db::courses::{self, Course, CourseFields};
use crate::domain::catalogue::{Format, Level};
use crate::domain::{money, slug};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::markdown::to_safe_html;
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::render;

#[derive(Template)]
#[template(path = "admin/courses.html")]
struct ListPage {
    layout: Layout,
    courses: Vec<Course>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(notice): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    render(&ListPage {
        layout: Layout::new("Courses", "Manage courses.", Section::Admin, &viewer)
            .with_banner(notice.banner()),
        courses: courses::list_all(&state.db).await?,
    })
}

/// The course form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CourseForm {
    title: String,
    slug: String,
    summary: String,
    description: String,
    who_for: String,
    learning_outcomes: String,
    level: String,
    format: String,
    duration: String,
    cpd_hours: String,
    cpd_extra_minutes: String,
    accreditation: String,
    fee: String,
    /// "preview" shows the description rendered, without saving.
    action: String,
}

impl CourseForm {
    fn from_course(course: &Course) -> CourseForm {
        CourseForm {
            title: course.title.clone(),
            slug: course.slug.clone(),
            summary: course.summary.clone(),
            description: course.description.clone(),
            who_for: course.who_for.clone(),
            learning_outcomes: course.learning_outcomes.clone(),
            level: course.level.clone(),
            format: course.format.clone(),
            duration: course.duration.clone(),
            cpd_hours: (course.cpd_minutes / 60).to_string(),
            cpd_extra_minutes: (course.cpd_minutes % 60).to_string(),
            accreditation: course.accreditation.clone(),
            fee: money::format_pence(course.fee_pence),
            action: String::new(),
        }
    }
}

/// A valid form, owned, ready to borrow as `CourseFields`.
struct CheckedCourse {
    slug: String,
    title: String,
    summary: String,
    description: String,
    who_for: String,
    learning_outcomes: String,
    level: Level,
    format: Format,
    duration: String,
    cpd_minutes: i64,
    accreditation: String,
    fee_pence: i64,
}

impl CheckedCourse {
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
            fee_pence: self.fee_pence,
            published,
        }
    }
}

const FIELD_ORDER: [&str; 12] = [
    "title",
    "slug",
    "summary",
    "description",
    "who_for",
    "learning_outcomes",
    "level",
    "format",
    "duration",
    "cpd_hours",
    "accreditation",
    "fee",
];

fn check(form: &CourseForm) -> Result<CheckedCourse, FormErrors> {
    let mut errors = FormErrors::default();
    let title = errors.text("title", &form.title, Some("Enter the course title"), 200);
    let typed_slug = form.slug.trim();
    let slug = match typed_slug.is_empty() {
        true => slug::slugify(&title),
        false => slug::parse(typed_slug)
            .map_err(|e| errors.add("slug", e))
            .unwrap_or_default(),
    };
    if slug.is_empty() && errors.get("slug").is_none() && !title.is_empty() {
        errors.add(
            "slug",
            "Enter a web address: the title has no letters or numbers to make one from",
        );
    }
    let summary = errors.multiline(
        "summary",
        &form.summary,
        Some("Enter a one or two sentence summary"),
        400,
    );
    let description = errors.multiline("description", &form.description, None, 20_000);
    let who_for = errors.multiline("who_for", &form.who_for, None, 2_000);
    let learning_outcomes =
        errors.multiline("learning_outcomes", &form.learning_outcomes, None, 5_000);
    let level = Level::parse(&form.level);
    if level.is_none() {
        errors.add("level", "Select the level");
    }
    let format = Format::parse(&form.format);
    if format.is_none() {
        errors.add("format", "Select the format");
    }
    let duration = errors.text(
        "duration",
        &form.duration,
        Some("Enter how long the course takes, like 6 weeks"),
        100,
    );
    let number = |raw: &str, max: i64| {
        let raw = raw.trim();
        if raw.is_empty() {
            Some(0)
        } else {
            raw.parse::<i64>().ok().filter(|n| (0..=max).contains(n))
        }
    };
    let cpd_minutes = match (
        number(&form.cpd_hours, 500),
        number(&form.cpd_extra_minutes, 59),
    ) {
        (Some(hours), Some(minutes)) => hours * 60 + minutes,
        _ => {
            errors.add(
                "cpd_hours",
                "Enter CPD time as whole hours (0 to 500) and minutes (0 to 59)",
            );
            0
        }
    };
    let accreditation = errors.text("accreditation", &form.accreditation, None, 200);
    let fee_pence = money::parse_pounds(&form.fee)
        .map_err(|e| errors.add("fee", e))
        .unwrap_or(0);
    match (level, format) {
        (Some(level), Some(format)) if errors.is_empty() => Ok(CheckedCourse {
            slug,
            title,
            summary,
            description,
            who_for,
            learning_outcomes,
            level,
            format,
            duration,
            cpd_minutes,
            accreditation,
            fee_pence,
        }),
        _ => Err(errors.in_field_order(&FIELD_ORDER)),
    }
}

#[derive(Template)]
#[template(path = "admin/course_form.html")]
struct FormPage<'a> {
    layout: Layout,
    /// `None` while adding a course.
    course: Option<&'a Course>,
    form: &'a CourseForm,
    errors: &'a FormErrors,
    preview: Option<String>,
    levels: &'static [Level],
    formats: &'static [Format],
}

fn form_page<'a>(
    viewer: &Viewer,
    course: Option<&'a Course>,
    form: &'a CourseForm,
    errors: &'a FormErrors,
    preview: Option<String>,
) -> FormPage<'a> {
    let title = if course.is_some() {
        "Edit course"
    } else {
        "Add a course"
    };
    FormPage {
        layout: Layout::new(title, title, Section::Admin, viewer).with_errors(!errors.is_empty()),
        course,
        form,
        errors,
        preview,
        levels: Level::ALL,
        formats: Format::ALL,
    }
}

pub async fn new(viewer: Viewer, _: AdminUser) -> Result<Html<String>, AppError> {
    let form = CourseForm {
        fee: "£0".into(),
        ..CourseForm::default()
    };
    render(&form_page(
        &viewer,
        None,
        &form,
        &FormErrors::default(),
        None,
    ))
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let course = courses::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&form_page(
        &viewer,
        Some(&course),
        &CourseForm::from_course(&course),
        &FormErrors::default(),
        None,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Form(form): Form<CourseForm>,
) -> Result<Response, AppError> {
    save(state, viewer, admin.user_id, client, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<CourseForm>,
) -> Result<Response, AppError> {
    let course = courses::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    save(state, viewer, admin.user_id, client, Some(course), form).await
}

/// Previews, or checks and saves, a new or existing course.
async fn save(
    state: AppState,
    viewer: Viewer,
    admin_id: i64,
    client: ClientAddress,
    course: Option<Course>,
    form: CourseForm,
) -> Result<Response, AppError> {
    if form.action == "preview" {
        let preview = Some(to_safe_html(&form.description));
        return Ok(render(&form_page(
            &viewer,
            course.as_ref(),
            &form,
            &FormErrors::default(),
            preview,
        ))?
        .into_response());
    }
    let checked = match check(&form) {
        Ok(checked) => checked,
        Err(errors) => return rejected(&form_page(&viewer, course.as_ref(), &form, &errors, None)),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if courses::slug_taken(&mut tx, &checked.slug, course.as_ref().map(|c| c.course_id)).await? {
        let mut errors = FormErrors::default();
        errors.add(
            "slug",
            "Another course already uses that web address. Choose another",
        );
        return rejected(&form_page(&viewer, course.as_ref(), &form, &errors, None));
    }
    let (course_id, action) = match &course {
        Some(existing) => {
            let fields = checked.fields(existing.published);
            match courses::update(&mut tx, existing.course_id, &existing.slug, &fields, now).await {
                Ok(()) => (existing.course_id, "course_updated"),
                Err(DbError::UniqueViolation(_)) => return Err(slug_race()),
                Err(other) => return Err(other.into()),
            }
        }
        None => match courses::insert(&mut tx, &checked.fields(false), now).await {
            Ok(id) => (id, "course_created"),
            Err(DbError::UniqueViolation(_)) => return Err(slug_race()),
            Err(other) => return Err(other.into()),
        },
    };
    audit_admin(
        &mut tx,
        admin_id,
        action,
        &format!("course {course_id}: {}", checked.slug),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/courses?notice={}", Notice::Saved.name())).into_response())
}

/// Two admins chose the same address at the same moment: the second is told.
fn slug_race() -> AppError {
    AppError::BadRequest(
        "Another course was saved with that web address just now. Go back and choose another."
            .into(),
    )
}

pub async fn publish(
    state: State<AppState>,
    admin: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    set_published(state, admin, client, id, true).await
}

pub async fn unpublish(
    state: State<AppState>,
    admin: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    set_published(state, admin, client, id, false).await
}

async fn set_published(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    published: bool,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    courses::set_published(&mut tx, id, published, now).await?;
    let action = if published {
        "course_published"
    } else {
        "course_unpublished"
    };
    audit_admin(
        &mut tx,
        admin.user_id,
        action,
        &format!("course {id}"),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/admin/courses?notice={}", Notice::Saved.name())).into_response())
}
