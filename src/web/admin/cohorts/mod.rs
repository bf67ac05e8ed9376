//! `/admin/cohorts`: every cohort at a glance; add, edit, launch the next, open, close and
//! cancel cohorts. The writes are the catalogue's services; this maps their answers.

mod edit;
mod launch;
mod status;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::cohort_form::{CohortForm, SessionRow};
use crate::auth::{AdminUser, Viewer};
use crate::catalogue::cohorts::{CohortError, Told};
use crate::catalogue::launch::LaunchError;
use crate::catalogue::lifecycle::LifecycleError;
use crate::catalogue::schedule_notice::NoticeError;
use crate::db::cohorts::{self, Cohort, CohortFilter, CohortOverview};
use crate::db::courses::{self, Course, CourseChoice};
use crate::domain::catalogue::{CohortStatus, cohort_dates};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::pagination::{PageLinks, PageQuery, Pager, page_address};
use crate::web::render;
pub use edit::{create, edit, new, update};
pub use launch::launch_next;
pub use status::{cancel, close, confirm_cancel, open};

impl From<CohortError> for AppError {
    fn from(error: CohortError) -> Self {
        match error {
            CohortError::NotFound => AppError::NotFound,
            CohortError::CapacityBelowTaken => AppError::BadRequest(
                "More places have just been taken, so the capacity is too low.".into(),
            ),
            CohortError::Enrolment(error) => error.into(),
            CohortError::Notice(NoticeError::Mail(error)) => AppError::Internal(error),
            CohortError::Notice(NoticeError::Db(error)) => error.into(),
            CohortError::Db(error) => error.into(),
        }
    }
}

impl From<LaunchError> for AppError {
    fn from(error: LaunchError) -> Self {
        match error {
            LaunchError::NotFound => AppError::NotFound,
            LaunchError::StartNotAfter => AppError::BadRequest(
                "The next cohort must start after this cohort's start date.".into(),
            ),
            LaunchError::Db(error) => error.into(),
        }
    }
}

impl From<LifecycleError> for AppError {
    fn from(error: LifecycleError) -> Self {
        match error {
            LifecycleError::NotFound => AppError::NotFound,
            LifecycleError::CannotChange { from, to } => AppError::BadRequest(format!(
                "A {} cohort cannot be changed to {}.",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            )),
            LifecycleError::NotOver { over_at } => AppError::BadRequest(format!(
                "This cohort is not over until {} (UK time). Mark it completed after that.",
                crate::domain::london::date_time(over_at)
            )),
            LifecycleError::PlacesUndecided { count } => AppError::BadRequest(format!(
                "{} on this cohort still waiting for or holding a place (on the waiting list, \
                 offered a place, or awaiting card payment or an invoice). Confirm, move or \
                 cancel them from the cohort's enrolments before marking it completed.",
                match count {
                    1 => "There is 1 learner".to_owned(),
                    n => format!("There are {n} learners"),
                }
            )),
            LifecycleError::CannotCancel { status } => AppError::BadRequest(format!(
                "A {} cohort cannot be cancelled.",
                status.label().to_lowercase()
            )),
            LifecycleError::InterestList(error) => AppError::internal(error),
            LifecycleError::Enrolment(error) => error.into(),
            LifecycleError::Db(error) => error.into(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    status: Option<String>,
    course: Option<String>,
    notice: Option<String>,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/cohorts.html")]
struct OverviewPage {
    layout: Layout,
    rows: Vec<CohortOverview>,
    total: i64,
    pagination: PageLinks,
    courses: Arc<[CourseChoice]>,
    status: Option<CohortStatus>,
    course_id: Option<i64>,
    statuses: &'static [CohortStatus],
}

/// A page of cohorts, soonest first, narrowed by status and course (kept in the page links).
pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<OverviewQuery>,
) -> Result<Html<String>, AppError> {
    let filter = CohortFilter {
        status: query.status.as_deref().and_then(CohortStatus::parse),
        course_id: query
            .course
            .as_deref()
            .and_then(|c| c.trim().parse::<i64>().ok()),
    };
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let total = state.counts.cohorts(&state.db, filter).await?;
    let pager = Pager::new(PageQuery { page: query.page }.number(), total);
    let rows = cohorts::overview(&state.db, &filter, pager.window()).await?;
    let status = filter.status.map(CohortStatus::as_str).unwrap_or_default();
    let course = filter
        .course_id
        .map(|id| id.to_string())
        .unwrap_or_default();
    let filters = [("status", status), ("course", course.as_str())];
    let pagination = pager.links(|n| page_address(paths::admin_cohorts(), &filters, n));
    render(&OverviewPage {
        layout: Layout::new(
            "Cohorts",
            "Every cohort across courses.",
            Section::Admin,
            &viewer,
        )
        .with_banner(banner),
        rows,
        total,
        pagination,
        courses: state.course_choices.get(&state.db).await?,
        status: filter.status,
        course_id: filter.course_id,
        statuses: CohortStatus::ALL,
    })
}

#[derive(Template)]
#[template(path = "admin/cohort_form.html")]
struct FormPage<'a> {
    layout: Layout,
    course: &'a Course,
    cohort: Option<&'a Cohort>,
    form: &'a CohortForm,
    rows: Vec<SessionRow>,
    errors: &'a FormErrors,
}

/// The add or edit form (`cohort` is `None` while adding).
fn form_page<'a>(
    viewer: &Viewer,
    course: &'a Course,
    cohort: Option<&'a Cohort>,
    form: &'a CohortForm,
    errors: &'a FormErrors,
) -> FormPage<'a> {
    let title = if cohort.is_some() {
        "Edit cohort"
    } else {
        "Add a cohort"
    };
    FormPage {
        layout: Layout::new(title, title, Section::Admin, viewer).with_errors(!errors.is_empty()),
        course,
        cohort,
        rows: form.rows(),
        form,
        errors,
    }
}

/// The form as typed, shown again without problems (after adding or removing a row).
fn form_again(
    viewer: &Viewer,
    course: &Course,
    cohort: Option<&Cohort>,
    form: &CohortForm,
) -> Result<Response, AppError> {
    let no_errors = FormErrors::default();
    let page = form_page(viewer, course, cohort, form, &no_errors);
    Ok(render(&page)?.into_response())
}

/// A cohort and its course, or the 404 page.
async fn cohort_and_course(state: &AppState, id: i64) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// After a change: the course's cohorts, with "saved".
fn back_to_cohorts(course_id: i64) -> Response {
    back_to_cohorts_told(course_id, Told::NotAsked)
}

/// The overview of the course's cohorts, saying whether the learners were told of an edit.
fn back_to_cohorts_told(course_id: i64, told: Told) -> Response {
    let notice = match told {
        Told::NotAsked => Notice::Saved,
        Told::NothingChanged => Notice::SavedNothingToTell,
        Told::Learners(_) => Notice::SavedLearnersTold,
    };
    Redirect::to(&paths::with_notice(
        &paths::admin_cohorts_of(course_id),
        notice.name(),
    ))
    .into_response()
}

/// "3 March 2026 to 14 April 2026".
pub fn dates(cohort: &Cohort) -> String {
    cohort_dates(cohort.starts_on, cohort.ends_on)
}
