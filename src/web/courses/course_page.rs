//! A course's page (from the published content in memory): what it is, its price for this visitor, its cohorts, related reports,
//! and the "tell me when the next cohort opens" form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::cohort_rows::{CohortRow, cohort_row, your_place};
use crate::auth::Viewer;
use crate::db::cohorts::Cohort;
use crate::db::courses::{self, Course};
use crate::db::interests;
use crate::db::users::LearnerType;
use crate::domain::catalogue::{CohortStatus, Visitor, cpd_hours};
use crate::domain::{london, money};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::layout::{Layout, Section};
use crate::web::notice::NoticeQuery;
use crate::web::render;

#[derive(Template)]
#[template(path = "courses/course.html")]
struct CoursePage<'a> {
    layout: Layout,
    course: &'a Course,
    description_html: &'a str,
    cpd: String,
    prices: Vec<String>,
    cohorts: Vec<CohortRow>,
    interest: Interest,
    interest_typed: String,
    errors: FormErrors,
    /// Investigation reports this course teaches from: (slug, title).
    reports: Vec<(&'a str, &'a str)>,
}

/// What the "tell me when the next cohort opens" part of the page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interest {
    /// A cohort is taking enrolments: nothing to wait for.
    NotOffered,
    OneClick,
    ByEmail,
    Listed,
}

pub(super) async fn course_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    // Nothing that is not shaped like a slug can name a course (or reach the database).
    if crate::domain::slug::parse(&slug).ok().as_deref() != Some(slug.as_str()) {
        return Err(AppError::NotFound);
    }
    let view = state.published.view().await?;
    if view.content.course_by_slug(&slug).is_none() {
        return match courses::current_slug_for(&state.db, &slug).await? {
            Some(current) => Ok(crate::web::moved_permanently(&paths::course(&current))),
            None => Err(AppError::NotFound),
        };
    }
    course_response(&state, &viewer, &slug, notice.banner(), None).await
}

/// A problem with the "tell me" form: what was typed, and what is wrong with it.
pub struct InterestProblem {
    pub typed: String,
    pub message: String,
}

/// The course page; with an `InterestProblem` it answers 422 with the form shown again.
pub async fn course_response(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    banner: Option<String>,
    interest_error: Option<InterestProblem>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let view = state.published.view().await?;
    let entry = view
        .content
        .course_by_slug(slug)
        .ok_or(AppError::NotFound)?;
    let course = &entry.course;
    let visible = view.cohorts(course.course_id);
    let visitor = match &viewer.user {
        None => Visitor::Anonymous,
        Some(user) if !user.is_verified() => Visitor::Unverified,
        Some(_) => Visitor::Verified,
    };
    let taking_enrolments = visible
        .iter()
        .any(|c| c.status() == CohortStatus::Open && now < c.enrol_closes_at);
    let interest = match (taking_enrolments, &viewer.user) {
        _ if interest_error.is_some() => Interest::ByEmail,
        (true, _) => Interest::NotOffered,
        (false, Some(user)) if user.is_verified() => {
            if interests::is_listed(&state.db, course.course_id, &user.email).await? {
                Interest::Listed
            } else {
                Interest::OneClick
            }
        }
        (false, _) => Interest::ByEmail,
    };
    // Current and coming cohorts first, soonest first; finished ones after, latest first.
    let today = london::day_of(now);
    let (mut coming, mut past): (Vec<Cohort>, Vec<Cohort>) =
        visible.into_iter().partition(|c| c.ends_on >= today);
    past.reverse();
    coming.append(&mut past);
    let mine = match &viewer.user {
        Some(user) => crate::db::enrolments::active_for_user(&state.db, user.user_id).await?,
        None => Vec::new(),
    };
    let rows = coming
        .into_iter()
        .map(|cohort| {
            let place = mine.iter().find(|(id, ..)| *id == cohort.cohort_id);
            let sessions = view.content.sessions(cohort.cohort_id);
            let mut row = cohort_row(cohort, sessions, &course.slug, visitor, now);
            if let Some((_, enrolment_id, status)) = place {
                row.action = your_place(*enrolment_id, status);
            }
            row
        })
        .collect();
    let mut errors = FormErrors::default();
    if let Some(problem) = &interest_error {
        errors.add("interest_email", problem.message.clone());
    }
    let layout = Layout::new(
        course.title.clone(),
        course.summary.clone(),
        Section::Courses,
        viewer,
    )
    .with_canonical(state.site().url(&paths::course(&course.slug)))
    .with_banner(banner)
    .with_errors(interest_error.is_some());
    let page = CoursePage {
        layout,
        description_html: &entry.description_html,
        cpd: cpd_hours(course.cpd_minutes),
        prices: prices_for(course, viewer),
        cohorts: rows,
        interest,
        interest_typed: interest_error
            .as_ref()
            .map(|p| p.typed.clone())
            .unwrap_or_default(),
        errors,
        reports: view
            .content
            .reports_of_course(course.course_id, now)
            .into_iter()
            .map(|r| (r.slug.as_str(), r.title.as_str()))
            .collect(),
        course,
    };
    let status = match interest_error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    Ok((status, render(&page)?).into_response())
}

/// The price lines for this visitor: both for someone not signed in, theirs otherwise.
fn prices_for(course: &Course, viewer: &Viewer) -> Vec<String> {
    let fee = money::format_pence(course.fee_pence);
    if course.fee_pence == 0 {
        return vec!["Free for everyone".into()];
    }
    match viewer
        .user
        .as_ref()
        .map(|u| (u.is_verified(), u.learner_type()))
    {
        Some((true, LearnerType::Nhs)) => vec!["Free for you as NHS staff in England".into()],
        Some((true, LearnerType::External)) => vec![format!("{fee} for you")],
        _ => vec![
            "Free for NHS staff in England".into(),
            format!("{fee} for other learners"),
        ],
    }
}
