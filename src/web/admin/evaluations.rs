//! `/admin/cohorts/{id}/evaluations`: a cohort's evaluation results without names (how
//! many sent one, averages overall and per learning outcome, the written answers), and
//! `…/evaluations.csv`, every evaluation as a streamed spreadsheet.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use crate::auth::{AdminUser, Viewer};
use crate::db::Db;
use crate::db::attendance;
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::evaluations::{self, ResultRow};
use crate::domain::learning::{RATINGS, average, overall_label};
use crate::domain::london;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;
use crate::web::spreadsheet::{self, Rows};

async fn cohort_and_course(state: &AppState, id: i64) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// One rating's share of the overall ratings.
pub struct RatingCount {
    pub label: &'static str,
    pub count: i64,
}

/// One learning outcome's results.
pub struct OutcomeResult {
    pub outcome: String,
    pub count: i64,
    pub average: String,
}

#[derive(Template)]
#[template(path = "admin/evaluations.html")]
struct ResultsPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    sent: i64,
    learners: usize,
    overall_average: String,
    overall: Vec<RatingCount>,
    outcomes: Vec<OutcomeResult>,
    practice: Vec<String>,
    comments: Vec<String>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let counts = evaluations::overall_counts(&state.db, id).await?;
    let sent: i64 = counts.iter().map(|(_, n)| n).sum();
    let total: i64 = counts.iter().map(|(rating, n)| rating * n).sum();
    let overall = RATINGS
        .iter()
        .map(|rating| RatingCount {
            label: overall_label(*rating),
            count: counts
                .iter()
                .find(|(r, _)| r == rating)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let outcomes = evaluations::outcome_totals(&state.db, id)
        .await?
        .into_iter()
        .map(|o| OutcomeResult {
            average: average(o.sum, o.count),
            count: o.count,
            outcome: o.outcome,
        })
        .collect();
    let answers = evaluations::answers(&state.db, id).await?;
    let written = |pick: fn(&(String, String)) -> &String| {
        answers
            .iter()
            .map(pick)
            .filter(|a| !a.is_empty())
            .cloned()
            .collect::<Vec<_>>()
    };
    let page = ResultsPage {
        layout: Layout::new(
            format!("Evaluation results: {}", cohort.name),
            "A cohort's course evaluation results.",
            Section::Admin,
            &viewer,
        ),
        learners: attendance::register(&state.db, id).await?.len(),
        overall_average: average(total, sent),
        practice: written(|a| &a.0),
        comments: written(|a| &a.1),
        sent,
        overall,
        outcomes,
        cohort: &cohort,
        course: &course,
    };
    Ok(render(&page)?.into_response())
}

/// Every evaluation of the cohort, one row each, without names: streamed from the
/// database as it is written, however many there are. The outcome columns are the
/// outcomes the learners rated (an outcome edited part-way gets a column of its own).
pub async fn csv(
    State(state): State<AppState>,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, _) = cohort_and_course(&state, id).await?;
    let outcomes: Vec<String> = evaluations::outcome_totals(&state.db, id)
        .await?
        .into_iter()
        .map(|o| o.outcome)
        .collect();
    let mut header = vec![
        "Evaluation".to_owned(),
        "Sent on".to_owned(),
        "Overall rating (1 to 5)".to_owned(),
    ];
    header.extend(
        outcomes
            .iter()
            .map(|o| format!("Outcome met (1 to 5): {o}")),
    );
    header.extend([
        "How I will use it in practice".to_owned(),
        "Comments".to_owned(),
    ]);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let filename = format!("evaluations-cohort-{}.csv", cohort.cohort_id);
    let db = state.db.clone();
    Ok(spreadsheet::streamed(&filename, &header, move |rows| {
        write_rows(db, id, outcomes, rows)
    }))
}

/// Reads the cohort's result rows one at a time and sends one line per evaluation (its
/// outcome ratings come as consecutive rows, in order).
async fn write_rows(db: Db, cohort_id: i64, outcomes: Vec<String>, out: Rows) {
    let mut stream = evaluations::result_rows(&db, cohort_id);
    let mut current: Option<(ResultRow, Vec<String>)> = None;
    let mut number = 0;
    while let Some(row) = stream.next().await {
        let row = match row {
            Ok(row) => row,
            Err(error) => return out.fail(error.into()).await,
        };
        let same = current
            .as_ref()
            .is_some_and(|(c, _)| c.evaluation_id == row.evaluation_id);
        if !same {
            if let Some((done, ratings)) = current.take() {
                number += 1;
                if !out.send(line(number, &done, &ratings)).await {
                    return;
                }
            }
            current = Some((row.clone(), vec![String::new(); outcomes.len()]));
        }
        if let (Some((_, ratings)), Some(outcome), Some(rating)) =
            (current.as_mut(), &row.outcome, row.rating)
        {
            if let Some(at) = outcomes.iter().position(|o| o == outcome) {
                ratings[at] = rating.to_string();
            }
        }
    }
    if let Some((done, ratings)) = current {
        out.send(line(number + 1, &done, &ratings)).await;
    }
}

/// One evaluation's cells: a running number (not the stored id), the day it was sent (not
/// the time, which says more about who sent it), its ratings and its answers.
fn line(number: i64, row: &ResultRow, ratings: &[String]) -> Vec<String> {
    let mut cells = vec![
        number.to_string(),
        london::date(london::day_of(row.submitted_at)),
        row.overall_rating.to_string(),
    ];
    cells.extend(ratings.iter().cloned());
    cells.extend([row.practice.clone(), row.comments.clone()]);
    cells
}
