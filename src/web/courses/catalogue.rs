//! The catalogue page: published courses (from the content in memory), searched and
//! filtered, a page at a time, each with a line about its next cohort.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::seats;
use crate::auth::Viewer;
use crate::db::courses::{CatalogueFilter, Course};
use crate::domain::catalogue::{CohortStatus, Format, Level, cpd_hours};
use crate::domain::london;
use crate::error::AppError;
use crate::published::View;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::pagination::{PageQuery, Pager};
use crate::web::render;

const CATALOGUE_PAGE_SIZE: i64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    level: Option<String>,
    format: Option<String>,
    open: Option<String>,
    page: Option<String>,
}

/// A course in the list, with the cohort to tell people about.
struct CourseCard<'a> {
    course: &'a Course,
    cpd: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "courses/catalogue.html")]
struct CataloguePage<'a> {
    layout: Layout,
    query: String,
    level: Option<Level>,
    format: Option<Format>,
    open_now: bool,
    levels: &'static [Level],
    formats: &'static [Format],
    cards: Vec<CourseCard<'a>>,
    total: i64,
    pager: Pager,
    /// The filters as a query string, for page links.
    filter_params: String,
    filtered: bool,
}

pub(super) async fn catalogue(
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
    let view = state.published.view().await?;
    let total = view.content.catalogue(&filter, now).count() as i64;
    let pager = Pager::with_size(page, total, CATALOGUE_PAGE_SIZE);
    let cards = view
        .content
        .catalogue(&filter, now)
        .skip(pager.offset() as usize)
        .take(pager.size() as usize)
        .map(|entry| {
            let course = &entry.course;
            CourseCard {
                cpd: cpd_hours(course.cpd_minutes),
                next: next_cohort(&view, course.course_id, now),
                course,
            }
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
        query: filter.query.clone(),
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

/// A line about the course's next cohort: the first still taking (or about to take)
/// enrolments.
pub fn next_cohort(view: &View, course_id: i64, now: DateTime<Utc>) -> Option<String> {
    let (cohort, facts) = view
        .cohort_facts(course_id)
        .find(|(_, facts)| facts.status == CohortStatus::Open && now < facts.enrol_closes_at)?;
    let starts = london::date(cohort.starts_on);
    Some(if now < facts.enrol_opens_at {
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
    })
}
