//! `/admin/cohorts/{id}/attendance` (each live session with its marks) and
//! `/admin/sessions/{id}/attendance` (one session's register: a radio group per learner,
//! a note, "mark all present"; saved without JavaScript). The write is
//! `learning::attendance::record`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::attendance::{self, OnRegister};
use crate::db::cohorts::{self, Cohort, CohortSession};
use crate::db::courses::{self, Course};
use crate::domain::enrolment::Status;
use crate::domain::learning::Mark;
use crate::domain::london;
use crate::error::AppError;
use crate::learning::Actor;
use crate::learning::attendance::{AttendanceError, MarkInput, record};
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::page_fields::{Fields, NamedErrors};
use crate::web::render;

impl From<AttendanceError> for AppError {
    fn from(error: AttendanceError) -> Self {
        match error {
            AttendanceError::NotFound => AppError::NotFound,
            AttendanceError::NotStarted { starts_at } => AppError::BadRequest(format!(
                "The register opens when the session starts, {} (UK time).",
                london::date_time(starts_at)
            )),
            AttendanceError::CohortCancelled => {
                AppError::BadRequest("This cohort was cancelled, so it has no register.".into())
            }
            AttendanceError::NotOnRegister(_) => AppError::IncompleteForm(
                "This form named a learner who is not on this session's register.".into(),
            ),
            AttendanceError::NoteRequired(_) => AppError::IncompleteForm(
                "This form marked a learner excused without a note.".into(),
            ),
            AttendanceError::Db(error) => error.into(),
        }
    }
}

/// The most a note may say.
const NOTE_CHARS: usize = 300;

async fn cohort_and_course(state: &AppState, cohort_id: i64) -> Result<(Cohort, Course), AppError> {
    let cohort = cohorts::find(&state.db, cohort_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let course = courses::find(&state.db, cohort.course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((cohort, course))
}

/// "4 May 2026 at 9:30am to 12:30pm".
fn when(session: &CohortSession) -> String {
    format!(
        "{} to {}",
        london::date_time(session.starts_at),
        london::time(session.ends_at)
    )
}

/// A session in the cohort's list, with its marks counted.
pub struct SessionSummary {
    pub session_id: i64,
    pub title: String,
    pub when: String,
    pub open: bool,
    pub present: usize,
    pub absent: usize,
    pub excused: usize,
    pub not_recorded: usize,
}

#[derive(Template)]
#[template(path = "admin/attendance.html")]
struct CohortPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    learners: usize,
    sessions: Vec<SessionSummary>,
}

pub async fn cohort(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let register = attendance::register(&state.db, id).await?;
    let marks = attendance::marks_for_cohort(&state.db, id).await?;
    let now = state.clock.now();
    let on_register = |enrolment_id: i64| register.iter().any(|l| l.enrolment_id == enrolment_id);
    let sessions = cohorts::sessions_for(&state.db, &[id])
        .await?
        .into_iter()
        .map(|session| {
            let count = |mark: Mark| {
                marks
                    .iter()
                    .filter(|m| m.cohort_session_id == session.cohort_session_id)
                    .filter(|m| m.mark == mark && on_register(m.enrolment_id))
                    .count()
            };
            let (present, absent, excused) = (
                count(Mark::Present),
                count(Mark::Absent),
                count(Mark::Excused),
            );
            SessionSummary {
                session_id: session.cohort_session_id,
                when: when(&session),
                open: now >= session.starts_at,
                not_recorded: register.len().saturating_sub(present + absent + excused),
                present,
                absent,
                excused,
                title: session.title,
            }
        })
        .collect();
    let page = CohortPage {
        layout: Layout::new(
            format!("Attendance: {}", cohort.name),
            "A cohort's attendance registers.",
            Section::Admin,
            &viewer,
        ),
        cohort: &cohort,
        course: &course,
        learners: register.len(),
        sessions,
    };
    Ok(render(&page)?.into_response())
}

/// One learner's row of the register, as stored or as typed.
pub struct RegisterRow {
    pub learner: OnRegister,
    /// The radio group's name and the note's, each with the enrolment's id.
    pub field: String,
    pub note_field: String,
    /// "present", "absent", "excused", or "" for not recorded.
    pub chosen: String,
    pub note: String,
}

impl RegisterRow {
    /// The learner's place, when it is no longer simply confirmed ("Completed").
    pub fn decided(&self) -> Option<&'static str> {
        (self.learner.status != Status::Confirmed).then(|| self.learner.status.label())
    }
}

/// The register's choices: (value, label). "Not recorded" takes a mark off.
pub const CHOICES: [(&str, &str); 4] = [
    ("present", "Present"),
    ("absent", "Absent"),
    ("excused", "Excused"),
    ("", "Not recorded"),
];

#[derive(Template)]
#[template(path = "admin/register.html")]
struct RegisterPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    session: &'a CohortSession,
    when: String,
    /// The session has started: the register can be taken.
    open: bool,
    rows: Vec<RegisterRow>,
    choices: &'static [(&'static str, &'static str)],
    errors: &'a NamedErrors,
}

fn field(enrolment_id: i64) -> String {
    format!("attendance_{enrolment_id}")
}

fn note_field(enrolment_id: i64) -> String {
    format!("note_{enrolment_id}")
}

/// A session, its cohort and course, and its register.
struct Session {
    session: CohortSession,
    cohort: Cohort,
    course: Course,
    register: Vec<OnRegister>,
}

async fn session(state: &AppState, session_id: i64) -> Result<Session, AppError> {
    let session = attendance::find_session(&state.db, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (cohort, course) = cohort_and_course(state, session.cohort_id).await?;
    let register = attendance::register(&state.db, cohort.cohort_id).await?;
    Ok(Session {
        session,
        cohort,
        course,
        register,
    })
}

fn register_page(
    state: &AppState,
    viewer: &Viewer,
    found: &Session,
    rows: Vec<RegisterRow>,
    errors: &NamedErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let page = RegisterPage {
        layout: Layout::new(
            format!("Register: {}", found.session.title),
            "A live session's register.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        cohort: &found.cohort,
        course: &found.course,
        session: &found.session,
        when: when(&found.session),
        open: state.clock.now() >= found.session.starts_at,
        rows,
        choices: &CHOICES,
        errors,
    };
    match errors.is_empty() {
        true => Ok(render(&page)?.into_response()),
        false => rejected(&page),
    }
}

pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let found = session(&state, id).await?;
    let marks = attendance::marks_for_cohort(&state.db, found.cohort.cohort_id).await?;
    let rows = found
        .register
        .iter()
        .map(|learner| {
            let stored = marks
                .iter()
                .find(|m| m.cohort_session_id == id && m.enrolment_id == learner.enrolment_id);
            RegisterRow {
                field: field(learner.enrolment_id),
                note_field: note_field(learner.enrolment_id),
                chosen: stored.map_or("", |m| m.mark.as_str()).to_owned(),
                note: stored.map(|m| m.note.clone()).unwrap_or_default(),
                learner: learner.clone(),
            }
        })
        .collect();
    let banner = notice.banner();
    register_page(
        &state,
        &viewer,
        &found,
        rows,
        &NamedErrors::default(),
        banner,
    )
}

/// Saves the register. Every learner on it sends a choice and a note (a body without one
/// was not sent by this page); "Mark all present" marks everyone left not recorded as
/// present, and keeps the marks chosen. A learner the body names who is not on the
/// register (waiting, cancelled) is refused by the service, and nothing is saved.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<Fields>,
) -> Result<Response, AppError> {
    let found = session(&state, id).await?;
    let all_present = form.optional("action")? == Some("all_present");
    let mut errors = NamedErrors::default();
    let mut rows = Vec::new();
    let mut marks = Vec::new();
    for learner in &found.register {
        let (field, note_field) = (
            field(learner.enrolment_id),
            note_field(learner.enrolment_id),
        );
        let chosen = form.required(&field)?;
        let mark = match chosen {
            "" if all_present => Some(Mark::Present),
            "" => None,
            value => Some(Mark::parse(value).ok_or_else(unreadable)?),
        };
        let note = errors.text(&note_field, form.required(&note_field)?, None, NOTE_CHARS);
        if mark == Some(Mark::Excused) && note.is_empty() && errors.get(&note_field).is_none() {
            errors.add(
                note_field.clone(),
                format!("Enter a note saying why {} is excused", learner.full_name),
            );
        }
        marks.push(MarkInput {
            enrolment_id: learner.enrolment_id,
            mark,
            note: note.clone(),
        });
        rows.push(RegisterRow {
            chosen: mark.map_or("", Mark::as_str).to_owned(),
            note: form.required(&note_field)?.to_owned(),
            learner: learner.clone(),
            field,
            note_field,
        });
    }
    // Anyone else the body names goes to the service, which refuses them.
    for name in form.names_starting("attendance_") {
        let enrolment_id = name["attendance_".len()..]
            .parse::<i64>()
            .map_err(|_| unreadable())?;
        if marks.iter().all(|m| m.enrolment_id != enrolment_id) {
            let mark = Mark::parse(form.required(name)?);
            let note = form
                .optional(&note_field(enrolment_id))?
                .unwrap_or_default();
            marks.push(MarkInput {
                enrolment_id,
                mark,
                note: note.to_owned(),
            });
        }
    }
    if !errors.is_empty() {
        return register_page(&state, &viewer, &found, rows, &errors, None);
    }
    let address = client.to_string();
    let by = Actor {
        user_id: Some(admin.user_id),
        client: Some(&address),
    };
    record(state.ctx(), by, id, &marks).await?;
    let done = paths::with_notice(
        &paths::admin_session_attendance(id),
        Notice::AttendanceSaved.name(),
    );
    Ok(Redirect::to(&done).into_response())
}

fn unreadable() -> AppError {
    AppError::IncompleteForm("This form sent something the page could not have sent.".into())
}
