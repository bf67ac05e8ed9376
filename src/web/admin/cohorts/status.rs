//! Opening, closing and cancelling a cohort. Cancelling asks first, with a message for the
//! learners; the changes themselves are `catalogue::lifecycle`'s.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{back_to_cohorts, cohort_and_course};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::catalogue::lifecycle;
use crate::db::cohorts::Cohort;
use crate::db::courses::Course;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

pub async fn open(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    let cohort = lifecycle::open(state.enrolment(), by, id).await?;
    Ok(back_to_cohorts(cohort.course_id))
}

pub async fn close(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    let cohort = lifecycle::close(state.ctx(), by, id).await?;
    Ok(back_to_cohorts(cohort.course_id))
}

#[derive(Debug, Deserialize)]
pub struct CancelForm {
    message: String,
}

#[derive(Template)]
#[template(path = "admin/cancel_cohort.html")]
struct CancelPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    message: &'a str,
    errors: &'a FormErrors,
}

fn cancel_page<'a>(
    viewer: &Viewer,
    cohort: &'a Cohort,
    course: &'a Course,
    message: &'a str,
    errors: &'a FormErrors,
) -> CancelPage<'a> {
    CancelPage {
        layout: Layout::new(
            "Cancel a cohort",
            "Cancel a cohort.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        cohort,
        course,
        message,
        errors,
    }
}

/// The confirmation page: what cancelling does, and the message for learners.
pub async fn confirm_cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let no_errors = FormErrors::default();
    let page = cancel_page(&viewer, &cohort, &course, "", &no_errors);
    Ok(render(&page)?.into_response())
}

pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let mut errors = FormErrors::default();
    let message = errors.multiline(
        "message",
        &form.message,
        Some("Enter a message to the learners, saying why and what happens next"),
        2_000,
    );
    if !errors.is_empty() {
        let page = cancel_page(&viewer, &cohort, &course, &form.message, &errors);
        return rejected(&page);
    }
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    lifecycle::cancel(state.enrolment(), by, id, &message).await?;
    Ok(back_to_cohorts(cohort.course_id))
}
