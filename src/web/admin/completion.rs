//! `/admin/cohorts/{id}/completion`: who the course's rule completes and who it does not,
//! and why; completing everyone who meets it, one learner, or recording "did not
//! complete" with a reason (`/admin/enrolments/{id}/complete`, `…/not-completed`); and
//! marking the cohort itself completed (`/admin/cohorts/{id}/complete`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::catalogue::{Admin, lifecycle};
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::users::{self, User};
use crate::domain::catalogue::CohortStatus;
use crate::domain::enrolment::{Status, reference};
use crate::domain::learning::{CompletionRule, Verdict};
use crate::domain::london;
use crate::error::AppError;
use crate::learning::Actor;
use crate::learning::completion::{self, CompletionError, Preview};
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};

impl From<CompletionError> for AppError {
    fn from(error: CompletionError) -> Self {
        match error {
            CompletionError::NotFound => AppError::NotFound,
            CompletionError::NotConfirmed(refused) => AppError::BadRequest(format!(
                "This place is {}: only a confirmed place can be marked completed or not completed.",
                refused.from.label().to_lowercase()
            )),
            CompletionError::NotOver { over_at } => AppError::BadRequest(format!(
                "The cohort is not over until {} (UK time): decide who completed it after that.",
                london::date_time(over_at)
            )),
            CompletionError::EvaluationRequired => AppError::BadRequest(
                "This course requires the evaluation before completion, and the learner has not sent it yet."
                    .into(),
            ),
            CompletionError::ReasonRequired => {
                AppError::BadRequest("Say why the learner did not complete the course.".into())
            }
            CompletionError::AdminDecides => AppError::BadRequest(
                "On this course an admin decides for each learner: mark them one by one.".into(),
            ),
            error if error.is_internal() => AppError::internal(error),
            CompletionError::Enrolment(error) => error.into(),
            CompletionError::Certificate(error) => error.into(),
            CompletionError::Db(error) => error.into(),
        }
    }
}

fn actor<'a>(admin: &User, address: &'a str) -> Actor<'a> {
    Actor {
        user_id: Some(admin.user_id),
        client: Some(address),
    }
}

async fn cohort_and_course(state: &AppState, id: i64) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// A row of the preview.
pub struct Row {
    pub enrolment_id: i64,
    pub name: String,
    pub email: String,
    pub status: Status,
    pub attended: String,
    pub evaluation: &'static str,
    /// "Will complete", "Will not complete: attended 3 of 4, needs 4", …
    pub verdict: String,
    pub meets: bool,
    /// The admin may mark them complete by hand (a required evaluation is sent).
    pub may_complete: bool,
}

#[derive(Template)]
#[template(path = "admin/completion.html")]
struct CompletionPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    rule: String,
    over: bool,
    over_at: String,
    /// Confirmed learners still to decide, and those decided.
    undecided: Vec<Row>,
    decided: Vec<Row>,
    will_complete: usize,
    by_rule: bool,
    can_close: bool,
}

/// "Attend at least 3 of the 4 live sessions, and send the evaluation."
fn rule_in_words(preview: &Preview) -> String {
    let requirement = &preview.requirement;
    let evaluation = match requirement.evaluation_required {
        true => ", and send the course evaluation",
        false => "",
    };
    match requirement.rule {
        CompletionRule::Attendance if preview.sessions == 0 => {
            format!("Learners complete the course when it ends{evaluation}.")
        }
        CompletionRule::Attendance => format!(
            "Learners complete the course by attending at least {} of its {} live sessions{evaluation}.",
            preview.needed, preview.sessions
        ),
        CompletionRule::AdminDecides => match requirement.evaluation_required {
            true => {
                "An admin decides for each learner; they must send the course evaluation first."
                    .to_owned()
            }
            false => "An admin decides for each learner.".to_owned(),
        },
    }
}

fn rows(preview: &Preview, evaluation_required: bool) -> (Vec<Row>, Vec<Row>) {
    let (mut undecided, mut decided) = (Vec::new(), Vec::new());
    for standing in &preview.learners {
        let progress = &standing.progress;
        let verdict = match &standing.verdict {
            Verdict::Completes => "Will complete".to_owned(),
            Verdict::DoesNotComplete(_) => {
                format!("Will not complete: {}", standing.verdict.reasons())
            }
            Verdict::AdminDecides(s) if s.is_empty() => "An admin decides".to_owned(),
            Verdict::AdminDecides(_) => {
                format!("An admin decides: {}", standing.verdict.reasons())
            }
        };
        let row = Row {
            enrolment_id: standing.learner.enrolment_id,
            name: standing.learner.full_name.clone(),
            email: standing.learner.email.clone(),
            status: standing.learner.status,
            attended: format!("{} of {}", progress.attended, progress.sessions),
            evaluation: match (progress.evaluation_done, evaluation_required) {
                (true, _) => "Sent",
                (false, true) => "Not sent (required)",
                (false, false) => "Not sent",
            },
            verdict,
            meets: standing.verdict == Verdict::Completes,
            may_complete: !evaluation_required || progress.evaluation_done,
        };
        match standing.learner.status {
            Status::Confirmed => undecided.push(row),
            _ => decided.push(row),
        }
    }
    (undecided, decided)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let preview = completion::preview(&state.db, &cohort, &course).await?;
    let over = state.clock.now() >= preview.over_at;
    let (undecided, decided) = rows(&preview, course.evaluation_required);
    let page = CompletionPage {
        layout: Layout::new(
            format!("Completion: {}", cohort.name),
            "Who completed a cohort's course.",
            Section::Admin,
            &viewer,
        )
        .with_banner(notice.banner()),
        rule: rule_in_words(&preview),
        over,
        over_at: london::date_time(preview.over_at),
        will_complete: preview.will_complete().count(),
        by_rule: course.completion_rule == CompletionRule::Attendance,
        can_close: over && matches!(cohort.status(), CohortStatus::Open | CohortStatus::Closed),
        undecided,
        decided,
        cohort: &cohort,
        course: &course,
    };
    Ok(crate::web::render(&page)?.into_response())
}

fn back_to_completion(cohort_id: i64) -> Response {
    let done = paths::with_notice(
        &paths::admin_cohort_completion(cohort_id),
        Notice::CompletionRecorded.name(),
    );
    Redirect::to(&done).into_response()
}

/// Completes every confirmed learner who meets the course's rule.
pub async fn complete_all(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let address = client.to_string();
    completion::complete_everyone_who_meets_the_rule(
        state.enrolment(),
        actor(&admin, &address),
        id,
    )
    .await?;
    Ok(back_to_completion(id))
}

/// The enrolment whose completion is decided, or 404.
async fn enrolment(state: &AppState, id: i64) -> Result<EnrolmentView, AppError> {
    enrolments::view(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn complete_one(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = enrolment(&state, id).await?;
    let address = client.to_string();
    completion::complete(state.enrolment(), actor(&admin, &address), id).await?;
    Ok(back_to_completion(view.enrolment.cohort_id))
}

/// The "did not complete" form: its reason is always sent.
#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    reason: String,
}

#[derive(Template)]
#[template(path = "admin/not_completed.html")]
struct ReasonPage<'a> {
    layout: Layout,
    view: &'a EnrolmentView,
    learner: &'a User,
    reference: String,
    status: Status,
    reason: &'a str,
    errors: &'a FormErrors,
}

async fn reason_page(
    state: &AppState,
    viewer: &Viewer,
    view: &EnrolmentView,
    reason: &str,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let learner = users::find(&state.db, view.enrolment.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ReasonPage {
        layout: Layout::new(
            "Did not complete",
            "Record that a learner did not complete a course.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        reference: reference(view.enrolment.enrolment_id),
        status: view.enrolment.status(),
        learner: &learner,
        view,
        reason,
        errors,
    };
    page_or_rejected(&page, errors)
}

pub async fn confirm_not_completed(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = enrolment(&state, id).await?;
    reason_page(&state, &viewer, &view, "", &FormErrors::default()).await
}

pub async fn not_completed(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let view = enrolment(&state, id).await?;
    let mut errors = FormErrors::default();
    let reason = errors.multiline(
        "reason",
        &form.reason,
        Some("Enter the reason the learner did not complete the course: they are sent it"),
        1_000,
    );
    if !errors.is_empty() {
        return reason_page(&state, &viewer, &view, &form.reason, &errors).await;
    }
    let address = client.to_string();
    completion::not_complete(state.enrolment(), actor(&admin, &address), id, &reason).await?;
    Ok(back_to_completion(view.enrolment.cohort_id))
}

/// Marks the cohort completed (after its last live session).
pub async fn complete_cohort(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let address = client.to_string();
    lifecycle::complete(state.ctx(), Admin::new(admin.user_id, &address), id).await?;
    let done = paths::with_notice(&paths::admin_cohort_completion(id), Notice::Saved.name());
    Ok(Redirect::to(&done).into_response())
}
