//! `/courses`: the catalogue, each course's page, and each cohort's calendar.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::layout::{Layout, Section};
use super::markdown::to_safe_html;
use super::pagination::{PageQuery, Pager};
use super::render;
use crate::auth::Viewer;
use crate::db::cohorts::{self, Cohort, CohortSession};
use crate::db::courses::{self, CatalogueFilter, Course};
use crate::db::interests;
use crate::db::users::LearnerType;
use crate::domain::catalogue::{
    CohortAction, CohortStatus, Format, Level, Visitor, action_for, cpd_hours,
};
use crate::domain::{london, money};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::notice::NoticeQuery;

const CATALOGUE_PAGE_SIZE: i64 = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses", get(catalogue))
        .route("/courses/{slug}", get(course_page))
        .route("/cohorts/{id}/calendar.ics", get(calendar))
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    level: Option<String>,
    format: Option<String>,
    open: Option<String>,
    page: Option<String>,
}

/// A course in the list, with the cohort to tell people about.
struct CourseCard {
    course: Course,
    cpd: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "courses/catalogue.html")]
struct CataloguePage {
    layout: Layout,
    query: String,
    level: Option<Level>,
    format: Option<Format>,
    open_now: bool,
    levels: &'static [Level],
    formats: &'static [Format],
    cards: Vec<CourseCard>,
    total: i64,
    pager: Pager,
    /// The filters as a query string, for page links.
    filter_params: String,
    filtered: bool,
}

async fn catalogue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<CatalogueQuery>,
) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let filter = CatalogueFilter {
        query: query
            .q
            .unwrap_or_default()
            .trim()
            .chars()
            .take(200)
            .collect(),
        level: query.level.as_deref().and_then(Level::parse),
        format: query.format.as_deref().and_then(Format::parse),
        open_now: query.open.as_deref() == Some("yes"),
    };
    let page = PageQuery { page: query.page }.number();
    let total = courses::count_published(&state.db, &filter, now).await?;
    let pager = Pager::with_size(page, total, CATALOGUE_PAGE_SIZE);
    let found =
        courses::list_published(&state.db, &filter, now, pager.size(), pager.offset()).await?;
    let ids: Vec<i64> = found.iter().map(|c| c.course_id).collect();
    let mut next = next_cohorts(&cohorts::visible_for_courses(&state.db, &ids).await?, now);
    let cards = found
        .into_iter()
        .map(|course| CourseCard {
            cpd: cpd_hours(course.cpd_minutes),
            next: next.remove(&course.course_id),
            course,
        })
        .collect();
    render(&CataloguePage {
        layout: Layout::new(
            "Courses",
            "CPD-accredited courses in patient safety investigation, free for NHS staff in England.",
            Section::Courses,
            &viewer,
        ),
        filter_params: filter_params(&filter),
        filtered: !filter.query.is_empty()
            || filter.level.is_some()
            || filter.format.is_some()
            || filter.open_now,
        query: filter.query,
        level: filter.level,
        format: filter.format,
        open_now: filter.open_now,
        levels: Level::ALL,
        formats: Format::ALL,
        cards,
        total,
        pager,
    })
}

fn filter_params(filter: &CatalogueFilter) -> String {
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params.append_pair("q", &filter.query);
    if let Some(level) = filter.level {
        params.append_pair("level", level.as_str());
    }
    if let Some(format) = filter.format {
        params.append_pair("format", format.as_str());
    }
    if filter.open_now {
        params.append_pair("open", "yes");
    }
    params.finish()
}

/// For each course, a line about its next open cohort: the first still taking (or about
/// to take) enrolments.
pub fn next_cohorts(cohorts: &[Cohort], now: DateTime<Utc>) -> HashMap<i64, String> {
    let mut next = HashMap::new();
    for cohort in cohorts {
        let facts = cohort.facts();
        if next.contains_key(&cohort.course_id)
            || facts.status != CohortStatus::Open
            || now >= facts.enrol_closes_at
        {
            continue;
        }
        let starts = london::date(cohort.starts_on);
        let line = if now < facts.enrol_opens_at {
            format!(
                "Next cohort starts {starts}. Enrolment opens on {}",
                london::date(london::day_of(facts.enrol_opens_at))
            )
        } else if facts.seats_left() > 0 {
            format!(
                "Next cohort starts {starts}: {} left",
                seats(facts.seats_left())
            )
        } else {
            format!("Next cohort starts {starts}: full, waiting list open")
        };
        next.insert(cohort.course_id, line);
    }
    next
}

fn seats(n: i64) -> String {
    if n == 1 {
        "1 place".into()
    } else {
        format!("{n} places")
    }
}

/// A cohort as the course page shows it.
struct CohortRow {
    cohort: Cohort,
    dates: String,
    availability: String,
    tag_class: &'static str,
    sessions: Vec<(String, String)>,
    action: ActionView,
}

/// The action next to a cohort: a link, or words.
struct ActionView {
    label: String,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "courses/course.html")]
struct CoursePage {
    layout: Layout,
    course: Course,
    description_html: String,
    cpd: String,
    prices: Vec<String>,
    cohorts: Vec<CohortRow>,
    interest: Interest,
    interest_typed: String,
    errors: FormErrors,
    /// Investigation reports this course teaches from: (slug, title).
    reports: Vec<(String, String)>,
}

async fn course_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    // Nothing that is not shaped like a slug can name a course (or reach the database).
    if crate::domain::slug::parse(&slug).ok().as_deref() != Some(slug.as_str()) {
        return Err(AppError::NotFound);
    }
    let Some(course) = courses::find_published_by_slug(&state.db, &slug).await? else {
        return match courses::current_slug_for(&state.db, &slug).await? {
            Some(current) => Ok(crate::web::moved_permanently(&format!(
                "/courses/{current}"
            ))),
            None => Err(AppError::NotFound),
        };
    };
    course_response(&state, &viewer, course, notice.banner(), None).await
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
    course: Course,
    banner: Option<String>,
    interest_error: Option<InterestProblem>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let visible = cohorts::visible_for_courses(&state.db, &[course.course_id]).await?;
    let ids: Vec<i64> = visible.iter().map(|c| c.cohort_id).collect();
    let sessions = cohorts::sessions_for(&state.db, &ids).await?;
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
            let mut row = cohort_row(cohort, &sessions, &course.slug, visitor, now);
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
    .with_canonical(state.site().url(&format!("/courses/{}", course.slug)))
    .with_banner(banner)
    .with_errors(interest_error.is_some());
    let page = CoursePage {
        layout,
        description_html: to_safe_html(&course.description),
        cpd: cpd_hours(course.cpd_minutes),
        prices: prices_for(&course, viewer),
        cohorts: rows,
        interest,
        interest_typed: interest_error
            .as_ref()
            .map(|p| p.typed.clone())
            .unwrap_or_default(),
        errors,
        reports: crate::db::reports::for_course(&state.db, course.course_id, now).await?,
        course,
    };
    let status = if interest_error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
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

fn cohort_row(
    cohort: Cohort,
    sessions: &[CohortSession],
    slug: &str,
    visitor: Visitor,
    now: DateTime<Utc>,
) -> CohortRow {
    let facts = cohort.facts();
    let (availability, tag_class) = match (facts.status, facts.seats_left()) {
        (CohortStatus::Cancelled, _) => ("Cancelled".to_owned(), "tag--red"),
        (CohortStatus::Completed, _) => ("Finished".to_owned(), "tag--grey"),
        (CohortStatus::Open, 0) => ("Full: waiting list".to_owned(), "tag--grey"),
        (CohortStatus::Open, left) => (format!("{} left", seats(left)), "tag--green"),
        _ => ("Closed".to_owned(), "tag--grey"),
    };
    let action = match action_for(&facts, visitor, now) {
        CohortAction::Enrol => link("Enrol", format!("/cohorts/{}/enrol", cohort.cohort_id)),
        CohortAction::JoinWaitingList => link(
            "Join the waiting list",
            format!("/cohorts/{}/enrol", cohort.cohort_id),
        ),
        CohortAction::SignInToEnrol => link(
            "Sign in to enrol",
            format!("/login?next=%2Fcourses%2F{slug}"),
        ),
        CohortAction::VerifyEmailToEnrol => {
            link("Confirm your email address to enrol", "/account".into())
        }
        CohortAction::OpensOn(at) => words(format!("Enrolment opens on {}", london::date_time(at))),
        CohortAction::Closed => words("Enrolment closed".into()),
        CohortAction::Cancelled => words("This cohort was cancelled".into()),
        CohortAction::Finished => words("This cohort has finished".into()),
    };
    let sessions = sessions
        .iter()
        .filter(|s| s.cohort_id == cohort.cohort_id)
        .map(|s| {
            (
                s.title.clone(),
                format!(
                    "{} to {}",
                    london::date_time(s.starts_at),
                    london::time(s.ends_at)
                ),
            )
        })
        .collect();
    CohortRow {
        dates: format!(
            "{} to {}",
            london::date(cohort.starts_on),
            london::date(cohort.ends_on)
        ),
        availability,
        tag_class,
        sessions,
        action,
        cohort,
    }
}

/// Instead of "Enrol": where the learner's own place on this cohort stands.
fn your_place(enrolment_id: i64, status: &str) -> ActionView {
    let label =
        crate::domain::enrolment::Status::parse(status).map_or("Your enrolment", |s| s.label());
    link(
        &format!("Your place: {}", label.to_lowercase()),
        format!("/enrolments/{enrolment_id}"),
    )
}

fn link(label: &str, href: String) -> ActionView {
    ActionView {
        label: label.to_owned(),
        href: Some(href),
    }
}

fn words(label: String) -> ActionView {
    ActionView { label, href: None }
}

/// Every live session of a cohort as iCalendar, in UTC, with stable UIDs and a sequence
/// that grows with each change so calendars update. Joining details are not published.
async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, title) = cohorts::find_published(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = cohorts::sessions_for(&state.db, &[cohort.cohort_id]).await?;
    if sessions.is_empty() {
        // A calendar must hold at least one event; the page offers no link in this case.
        return Err(AppError::NotFound);
    }
    let ics = crate::calendar::cohort_calendar(state.site(), &title, &cohort, &sessions);
    let filename = format!(
        "attachment; filename=\"academy-cohort-{}.ics\"",
        cohort.cohort_id
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, filename),
        ],
        ics,
    )
        .into_response())
}
