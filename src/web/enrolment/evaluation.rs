//! `/enrolments/{id}/evaluation`: the learner's course evaluation (an overall rating, how
//! far each learning outcome was met, how they will use it in practice, comments). It
//! opens after the cohort's last live session and is final once sent; afterwards the page
//! shows the answers. The write is `learning::evaluation::submit`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::client::ClientAddress;
use crate::auth::{CurrentUser, Viewer};
use crate::db::cohorts;
use crate::db::courses::{self, Course};
use crate::db::enrolments::EnrolmentView;
use crate::db::evaluations;
use crate::domain::learning::{RATINGS, overall_label, rating, rating_label, took_part};
use crate::domain::london;
use crate::error::AppError;
use crate::learning::evaluation::{EvaluationError, EvaluationInput, submit as send};
use crate::learning::{Actor, over_at};
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::page_fields::{Fields, NamedErrors};
use crate::web::render;

use super::own_enrolment;

impl From<EvaluationError> for AppError {
    fn from(error: EvaluationError) -> Self {
        match error {
            EvaluationError::NotFound => AppError::NotFound,
            EvaluationError::NotTakingPart(_) => AppError::BadRequest(
                "Only learners who took part in the cohort can send its evaluation.".into(),
            ),
            EvaluationError::NotOpenYet { opens_at } => AppError::BadRequest(format!(
                "The evaluation opens after the last live session, at {} (UK time).",
                london::date_time(opens_at)
            )),
            EvaluationError::OutcomesChanged => AppError::IncompleteForm(
                "The course's learning outcomes changed while this form was open.".into(),
            ),
            EvaluationError::BadRating => AppError::IncompleteForm(
                "This form sent something the page could not have sent.".into(),
            ),
            EvaluationError::AlreadySent => {
                AppError::BadRequest("You have already sent this evaluation.".into())
            }
            EvaluationError::Enrolment(error) => error.into(),
            EvaluationError::Db(error) => error.into(),
        }
    }
}

const PRACTICE_CHARS: usize = 2_000;
const COMMENTS_CHARS: usize = 4_000;

/// A learning outcome's radio group, as shown or as typed.
pub struct OutcomeRow {
    pub field: String,
    pub outcome: String,
    pub chosen: String,
}

/// What the page shows.
pub enum Shown {
    /// Not open to this place, with why.
    Closed(String),
    Form,
    /// What was sent, final.
    Sent {
        on: String,
        overall: String,
        outcomes: Vec<(String, String)>,
        practice: String,
        comments: String,
    },
}

#[derive(Template)]
#[template(path = "enrolment/evaluation.html")]
struct EvaluationPage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    shown: Shown,
    overall: String,
    outcomes: Vec<OutcomeRow>,
    practice: String,
    comments: String,
    /// (value, label) for the overall rating and for each outcome's.
    overall_choices: Vec<(String, &'static str)>,
    ratings: Vec<(String, &'static str)>,
    errors: &'a NamedErrors,
}

fn outcome_field(number: usize) -> String {
    format!("outcome_{number}")
}

async fn course_of(state: &AppState, view: &EnrolmentView) -> Result<Course, AppError> {
    let cohort = cohorts::find(&state.db, view.enrolment.cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the page shows for this place now.
async fn shown(state: &AppState, view: &EnrolmentView) -> Result<Shown, AppError> {
    let id = view.enrolment.enrolment_id;
    if let Some(sent) = evaluations::for_enrolment(&state.db, id).await? {
        let outcomes = evaluations::outcomes_of(&state.db, sent.evaluation_id)
            .await?
            .into_iter()
            .map(|o| (o.outcome, rating_label(o.rating).to_owned()))
            .collect();
        return Ok(Shown::Sent {
            on: london::date(london::day_of(sent.submitted_at)),
            overall: overall_label(sent.overall_rating).to_owned(),
            outcomes,
            practice: sent.practice,
            comments: sent.comments,
        });
    }
    if !took_part(view.enrolment.status()) {
        return Ok(Shown::Closed(
            "The course evaluation is for learners who took part in the cohort.".into(),
        ));
    }
    let cohort = cohorts::find(&state.db, view.enrolment.cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let sessions = cohorts::sessions_for(&state.db, &[cohort.cohort_id]).await?;
    let opens = over_at(&cohort, &sessions);
    if state.clock.now() < opens {
        return Ok(Shown::Closed(format!(
            "The evaluation opens after the last live session, at {} (UK time). We will email you then.",
            london::date_time(opens)
        )));
    }
    Ok(Shown::Form)
}

fn evaluation_page<'a>(
    viewer: &Viewer,
    view: &'a EnrolmentView,
    shown: Shown,
    form: (&str, Vec<OutcomeRow>, &str, &str),
    errors: &'a NamedErrors,
    banner: Option<String>,
) -> EvaluationPage<'a> {
    let (overall, outcomes, practice, comments) = form;
    EvaluationPage {
        layout: Layout::new(
            format!("Evaluation: {}", view.course_title),
            "Your course evaluation.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        view,
        shown,
        overall: overall.to_owned(),
        outcomes,
        practice: practice.to_owned(),
        comments: comments.to_owned(),
        overall_choices: RATINGS
            .iter()
            .map(|r| (r.to_string(), overall_label(*r)))
            .collect(),
        ratings: RATINGS
            .iter()
            .map(|r| (r.to_string(), rating_label(*r)))
            .collect(),
        errors,
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    let course = course_of(&state, &view).await?;
    let outcomes = course
        .outcomes()
        .iter()
        .enumerate()
        .map(|(i, outcome)| OutcomeRow {
            field: outcome_field(i + 1),
            outcome: (*outcome).to_owned(),
            chosen: String::new(),
        })
        .collect();
    let shown = shown(&state, &view).await?;
    let no_errors = NamedErrors::default();
    let page = evaluation_page(
        &viewer,
        &view,
        shown,
        ("", outcomes, "", ""),
        &no_errors,
        notice.banner(),
    );
    Ok(render(&page)?.into_response())
}

/// Sends the evaluation. The form says how many outcomes it showed; if the course's have
/// changed since, nothing is saved (the ratings would go to the wrong outcomes).
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let view = own_enrolment(&state, &user, id).await?;
    let course = course_of(&state, &view).await?;
    let shown_outcomes = course.outcomes();
    let rows: usize = form
        .required("outcome_rows")?
        .parse()
        .map_err(|_| AppError::from(EvaluationError::BadRating))?;
    if rows != shown_outcomes.len() {
        return Err(EvaluationError::OutcomesChanged.into());
    }
    let mut errors = NamedErrors::default();
    let overall_sent = form.optional("overall")?.unwrap_or_default();
    let overall = rating(overall_sent);
    if overall.is_none() {
        errors.add("overall", "Choose an overall rating from 1 to 5");
    }
    let mut outcomes = Vec::new();
    let mut ratings = Vec::new();
    for (i, outcome) in shown_outcomes.iter().enumerate() {
        let field = outcome_field(i + 1);
        let sent = form.optional(&field)?.unwrap_or_default();
        let chosen = rating(sent);
        match chosen {
            Some(r) => ratings.push(r),
            None => errors.add(
                field.clone(),
                format!("Choose how far the course met outcome {}: {outcome}", i + 1),
            ),
        }
        outcomes.push(OutcomeRow {
            chosen: chosen.map(|r| r.to_string()).unwrap_or_default(),
            outcome: (*outcome).to_owned(),
            field,
        });
    }
    let practice_sent = form.required("practice")?;
    let comments_sent = form.required("comments")?;
    let practice = errors.multiline(
        "practice",
        practice_sent,
        Some("Say how you will use what you learnt in your practice"),
        PRACTICE_CHARS,
    );
    let comments = errors.multiline("comments", comments_sent, None, COMMENTS_CHARS);
    let overall_chosen = overall.map(|r| r.to_string()).unwrap_or_default();
    let Some(overall) = overall.filter(|_| errors.is_empty()) else {
        let shown = shown(&state, &view).await?;
        let form = (
            overall_chosen.as_str(),
            outcomes,
            practice_sent,
            comments_sent,
        );
        return rejected(&evaluation_page(&viewer, &view, shown, form, &errors, None));
    };
    let input = EvaluationInput {
        overall,
        outcomes: ratings,
        practice,
        comments,
    };
    let address = client.to_string();
    let by = Actor {
        user_id: Some(user.user_id),
        client: Some(&address),
    };
    let done = match send(state.ctx(), user.user_id, id, &input, by).await {
        Ok(()) => paths::with_notice(
            &paths::enrolment_evaluation(id),
            Notice::EvaluationSent.name(),
        ),
        // A second click, or another tab: the page shows what was sent the first time.
        Err(EvaluationError::AlreadySent) => paths::enrolment_evaluation(id),
        Err(other) => return Err(other.into()),
    };
    Ok(Redirect::to(&done).into_response())
}
