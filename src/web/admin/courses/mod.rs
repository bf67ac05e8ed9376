//! `/admin/courses`: list, add, edit (with a Markdown preview), publish and unpublish.

mod form;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::catalogue::courses::{self as service, CourseError, CourseInput};
use crate::db::courses::{self, Course, CourseListing};
use crate::error::AppError;
use crate::markdown::to_safe_html;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};
use crate::web::render;
use form::{CourseForm, form_page};

impl From<CourseError> for AppError {
    fn from(error: CourseError) -> Self {
        match error {
            CourseError::NotFound => AppError::NotFound,
            CourseError::SlugTaken => AppError::BadRequest(
                "Another course already uses that web address. Choose another.".into(),
            ),
            CourseError::SlugTakenJustNow => AppError::BadRequest(
                "Another course was saved with that web address just now. Go back and choose another."
                    .into(),
            ),
            CourseError::Db(error) => error.into(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/courses.html")]
struct ListPage {
    layout: Layout,
    courses: Vec<CourseListing>,
    total: i64,
    pagination: PageLinks,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
    page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let total = courses::count_all(&state.db).await?;
    let pager = Pager::new(PageQuery { page: query.page }.number(), total);
    render(&ListPage {
        layout: Layout::new("Courses", "Manage courses.", Section::Admin, &viewer)
            .with_banner(banner),
        courses: courses::admin_page(&state.db, pager.window()).await?,
        total,
        pagination: pager.links(|n| page_address(paths::admin_courses(), &[], n)),
    })
}

pub async fn new(viewer: Viewer, _: AdminUser) -> Result<Html<String>, AppError> {
    let form = CourseForm::blank();
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
    let input = match checked(&viewer, None, &form)? {
        Ok(input) => input,
        Err(page) => return Ok(page),
    };
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    match service::create(state.ctx(), by, &input).await {
        Ok(_) => Ok(saved()),
        Err(error) => refused(&viewer, None, &form, error),
    }
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
    let input = match checked(&viewer, Some(&course), &form)? {
        Ok(input) => input,
        Err(page) => return Ok(page),
    };
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    match service::update(state.ctx(), by, id, &input).await {
        Ok(()) => Ok(saved()),
        Err(error) => refused(&viewer, Some(&course), &form, error),
    }
}

/// The checked course, or the page to show instead: the preview, or the form with its
/// problems (422).
fn checked(
    viewer: &Viewer,
    course: Option<&Course>,
    form: &CourseForm,
) -> Result<Result<CourseInput, Response>, AppError> {
    if form.action == "preview" {
        let preview = Some(to_safe_html(&form.description));
        let no_errors = FormErrors::default();
        let page = form_page(viewer, course, form, &no_errors, preview);
        return Ok(Err(render(&page)?.into_response()));
    }
    match form.check() {
        Ok(input) => Ok(Ok(input)),
        Err(errors) => Ok(Err(rejected(&form_page(
            viewer, course, form, &errors, None,
        ))?)),
    }
}

/// A taken address goes beside its field; anything else is a status page.
fn refused(
    viewer: &Viewer,
    course: Option<&Course>,
    form: &CourseForm,
    error: CourseError,
) -> Result<Response, AppError> {
    match error {
        CourseError::SlugTaken => {
            let mut errors = FormErrors::default();
            errors.add(
                "slug",
                "Another course already uses that web address. Choose another",
            );
            rejected(&form_page(viewer, course, form, &errors, None))
        }
        other => Err(other.into()),
    }
}

/// After a change: the course list, with "saved".
fn saved() -> Response {
    Redirect::to(&paths::with_notice(
        paths::admin_courses(),
        Notice::Saved.name(),
    ))
    .into_response()
}

pub async fn publish(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    service::publish(state.ctx(), by, id).await?;
    Ok(saved())
}

pub async fn unpublish(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    service::unpublish(state.ctx(), by, id).await?;
    Ok(saved())
}
