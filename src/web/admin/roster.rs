//! `/admin/cohorts/{id}`: a cohort's roster (confirmed, completed or not, holding,
//! offered, waiting in order, and those who left), adding a learner by hand, and the
//! roster as CSV for Excel.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::cohorts::{self, Cohort};
use crate::db::courses::{self, Course};
use crate::db::enrolments::{self, RosterEntry};
use crate::domain::email::Email;
use crate::domain::enrolment::{Funding, Status, reference};
use crate::domain::london;
use crate::enrolment::{Actor, EnrolmentError, admin};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, page_or_rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::spreadsheet::neutralise;

/// One group of the roster, e.g. "Waiting list".
pub struct Group {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub entry: RosterEntry,
    pub status: Status,
    pub reference: String,
    pub funding: &'static str,
    /// Waiting-list position, hold or offer end: whatever this state needs said.
    pub detail: String,
}

/// Adding a learner: the email is always sent, the checkbox only when ticked.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    email: String,
    #[serde(default)]
    over_capacity: String,
}

#[derive(Template)]
#[template(path = "admin/roster.html")]
struct RosterPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    groups: Vec<Group>,
    waiting: usize,
    finished: usize,
    form: &'a AddForm,
    errors: &'a FormErrors,
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

/// The roster in groups, the waiting list in queue order with positions 1, 2, 3…
async fn groups(state: &AppState, cohort_id: i64) -> Result<Vec<Group>, AppError> {
    let order: [(&'static str, &[Status]); 7] = [
        ("Confirmed", &[Status::Confirmed]),
        ("Completed", &[Status::Completed]),
        ("Did not complete", &[Status::NotCompleted]),
        (
            "Holding a place while paying",
            &[Status::AwaitingPayment, Status::AwaitingInvoice],
        ),
        ("Offered a place", &[Status::Offered]),
        ("Waiting list", &[Status::Waitlisted]),
        (
            "Cancelled, expired, withdrawn or moved",
            &[
                Status::Cancelled,
                Status::Expired,
                Status::Withdrawn,
                Status::Moved,
            ],
        ),
    ];
    let mut groups: Vec<Group> = order
        .iter()
        .map(|(title, _)| Group {
            title,
            rows: Vec::new(),
        })
        .collect();
    let mut position = 0;
    for entry in enrolments::roster(&state.db, cohort_id).await? {
        let status = entry.enrolment.status();
        let Some(index) = order
            .iter()
            .position(|(_, states)| states.contains(&status))
        else {
            continue;
        };
        let detail = match status {
            Status::Waitlisted => {
                position += 1;
                format!("Number {position}")
            }
            Status::AwaitingPayment | Status::AwaitingInvoice => entry
                .enrolment
                .hold_expires_at
                .map(|t| format!("{}, held until {}", status.label(), london::date_time(t)))
                .unwrap_or_default(),
            Status::Offered => entry
                .enrolment
                .offer_expires_at
                .map(|t| format!("Offer ends {}", london::date_time(t)))
                .unwrap_or_default(),
            Status::Confirmed if entry.enrolment.over_capacity => "Added beyond capacity".into(),
            _ => status.label().to_owned(),
        };
        groups[index].rows.push(Row {
            reference: reference(entry.enrolment.enrolment_id),
            funding: entry.enrolment.funding().map_or("", Funding::label),
            status,
            detail,
            entry,
        });
    }
    Ok(groups)
}

async fn roster_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    form: &AddForm,
    errors: &FormErrors,
    banner: Option<String>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(state, id).await?;
    let groups = groups(state, id).await?;
    let waiting = groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter(|r| r.status == Status::Waitlisted)
        .count();
    // Places used by learners whose course has ended: their seats are no longer held.
    let finished = groups
        .iter()
        .flat_map(|g| &g.rows)
        .filter(|r| matches!(r.status, Status::Completed | Status::NotCompleted))
        .count();
    let page = RosterPage {
        layout: Layout::new(
            format!("Roster: {}", cohort.name),
            "A cohort's roster.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        cohort: &cohort,
        course: &course,
        groups,
        waiting,
        finished,
        form,
        errors,
    };
    page_or_rejected(&page, errors)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(notice): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    roster_page(
        &state,
        &viewer,
        id,
        &AddForm::default(),
        &FormErrors::default(),
        notice.banner(),
    )
    .await
}

/// Adds a learner by email with a confirmed place; beyond capacity only if ticked.
pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin_user): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let email = errors.text(
        "email",
        &form.email,
        Some("Enter the learner's email address"),
        254,
    );
    let parsed = Email::parse(&email).ok().filter(|_| errors.is_empty());
    let Some(email) = parsed else {
        if errors.is_empty() {
            errors.add("email", NO_ACCOUNT);
        }
        return roster_page(&state, &viewer, id, &form, &errors, None).await;
    };
    let address = client.to_string();
    let actor = Actor {
        user_id: Some(admin_user.user_id),
        client: Some(&address),
    };
    let over_capacity = form.over_capacity == "yes";
    let message =
        match admin::add_learner(state.enrolment(), &email, id, over_capacity, actor).await {
            Ok(_) => {
                let roster = paths::admin_cohort(id);
                let done = paths::with_notice(&roster, Notice::EnrolmentUpdated.name());
                return Ok(Redirect::to(&done).into_response());
            }
            Err(EnrolmentError::NoAccount) => NO_ACCOUNT.to_owned(),
            Err(EnrolmentError::CohortFull) => {
                "The cohort is full. Tick the box to add the learner beyond capacity".to_owned()
            }
            Err(EnrolmentError::NotVerified) => {
                "This learner has not confirmed their email address yet, so cannot be enrolled"
                    .to_owned()
            }
            Err(problem @ (EnrolmentError::AlreadyEnrolled(_) | EnrolmentError::NotEnrolling)) => {
                problem.to_string()
            }
            Err(other) => return Err(other.into()),
        };
    errors.add("email", message);
    roster_page(&state, &viewer, id, &form, &errors, None).await
}

const NO_ACCOUNT: &str = "No account has that email address. Ask the learner to register first";

/// The roster as CSV: UTF-8 with a byte-order mark, so Excel shows accents correctly.
pub async fn csv(
    State(state): State<AppState>,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, _) = cohort_and_course(&state, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let header = [
        "Reference",
        "Name",
        "Email",
        "Organisation",
        "Learner type",
        "Status",
        "Funding",
        "Detail",
        "Enrolled on",
    ];
    let write_failed = |e: csv::Error| AppError::internal(e);
    writer.write_record(header).map_err(write_failed)?;
    for group in groups(&state, id).await? {
        for row in group.rows {
            let enrolled = london::date_time(row.entry.enrolment.created_at);
            let cells = [
                row.reference.as_str(),
                &row.entry.full_name,
                &row.entry.email,
                &row.entry.organisation,
                row.entry.learner_type.as_str(),
                row.status.label(),
                row.funding,
                &row.detail,
                &enrolled,
            ];
            writer
                .write_record(cells.iter().map(|cell| neutralise(cell)))
                .map_err(write_failed)?;
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    let filename = format!(
        "attachment; filename=\"roster-cohort-{}.csv\"",
        cohort.cohort_id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
