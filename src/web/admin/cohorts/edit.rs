//! Adding and editing a cohort: the form (its session rows edited by buttons), checked into
//! a `CohortInput` and saved by `catalogue::cohorts`.

use axum::extract::{Path, State};
use axum::response::{Html, Response};

use super::{back_to_cohorts, back_to_cohorts_told, cohort_and_course, form_again, form_page};
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::Admin;
use crate::catalogue::cohorts::{self as service, CohortError};
use crate::catalogue::launch::CohortDraft;
use crate::db::{cohorts, courses};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::admin::cohort_form::{CohortForm, SessionRow};
use crate::web::forms::{Form, FormErrors, rejected};
use crate::web::render;

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(course_id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let course = courses::find(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = CohortForm {
        capacity: "24".into(),
        opens_time: "09:00".into(),
        closes_time: "17:00".into(),
        ..CohortForm::default()
    };
    form.push_row(SessionRow {
        title: "Session 1".into(),
        start: "09:30".into(),
        end: "12:30".into(),
        ..SessionRow::default()
    });
    render(&form_page(
        &viewer,
        &course,
        None,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let sessions = cohorts::sessions_for(&state.db, &[id]).await?;
    let form = CohortForm::from_draft(&CohortDraft::of(&cohort, &sessions));
    render(&form_page(
        &viewer,
        &course,
        Some(&cohort),
        &form,
        &FormErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(course_id): Path<i64>,
    Form(mut form): Form<CohortForm>,
) -> Result<Response, AppError> {
    let course = courses::find(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    form.rows_complete()?;
    if form.edit_rows() {
        return form_again(&viewer, &course, None, &form);
    }
    let input = match form.check(0) {
        Ok(input) => input,
        Err(errors) => return rejected(&form_page(&viewer, &course, None, &form, &errors)),
    };
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    service::create(state.ctx(), by, course_id, &input).await?;
    Ok(back_to_cohorts(course_id))
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(mut form): Form<CohortForm>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    form.rows_complete()?;
    if form.edit_rows() {
        return form_again(&viewer, &course, Some(&cohort), &form);
    }
    let input = match form.check(cohort.seats_taken) {
        Ok(input) => input,
        Err(errors) => {
            return rejected(&form_page(&viewer, &course, Some(&cohort), &form, &errors));
        }
    };
    let client = client.to_string();
    let by = Admin::new(admin.user_id, &client);
    let tell = form.tell_learners == "yes";
    match service::update(state.enrolment(), by, id, &input, tell).await {
        Ok(told) => Ok(back_to_cohorts_told(cohort.course_id, told)),
        Err(CohortError::CapacityBelowTaken) => {
            let mut errors = FormErrors::default();
            errors.add(
                "capacity",
                "More places have just been taken, so the capacity is too low. Check it and save again",
            );
            rejected(&form_page(&viewer, &course, Some(&cohort), &form, &errors))
        }
        Err(other) => Err(other.into()),
    }
}
