//! Launching the next cohort: asks for its start date, then shows the new-cohort form
//! filled in from this cohort with its timetable moved to that date. Nothing is saved
//! until that form is.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{cohort_and_course, form_again};
use crate::auth::{AdminUser, Viewer};
use crate::catalogue::launch::{self as service, LaunchError};
use crate::db::cohorts::Cohort;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::admin::cohort_form::{CohortForm, parse_date};
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LaunchQuery {
    starts_day: String,
    starts_month: String,
    starts_year: String,
}

#[derive(Template)]
#[template(path = "admin/launch_next.html")]
struct LaunchPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    query: &'a LaunchQuery,
    errors: &'a FormErrors,
}

pub async fn launch_next(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(query): Query<LaunchQuery>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let typed = [&query.starts_day, &query.starts_month, &query.starts_year];
    let asked = typed.iter().any(|v| !v.trim().is_empty());
    let Some(new_start) = parse_date(typed) else {
        return ask_for_date(&viewer, &cohort, &query, asked);
    };
    match service::plan_next(state.ctx(), id, new_start).await {
        Ok(draft) => form_again(&viewer, &course, None, &CohortForm::from_draft(&draft)),
        Err(LaunchError::StartNotAfter) => ask_for_date(&viewer, &cohort, &query, asked),
        Err(other) => Err(other.into()),
    }
}

/// The date question: plain at first, 422 with the problem once a date was typed.
fn ask_for_date(
    viewer: &Viewer,
    cohort: &Cohort,
    query: &LaunchQuery,
    asked: bool,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    if asked {
        errors.add(
            "starts",
            "Enter a real start date after this cohort's start date",
        );
    }
    let layout = Layout::new(
        "Launch the next cohort",
        "Launch the next cohort.",
        Section::Admin,
        viewer,
    )
    .with_errors(asked);
    let page = LaunchPage {
        layout,
        cohort,
        query,
        errors: &errors,
    };
    let status = match asked {
        true => StatusCode::UNPROCESSABLE_ENTITY,
        false => StatusCode::OK,
    };
    Ok((status, render(&page)?).into_response())
}
