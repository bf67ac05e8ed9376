//! `/dashboard`: the learner's enrolments by state, queue positions, upcoming live sessions
//! and what each needs from them (a payment, an answer to an offer, the course evaluation).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::auth::{CurrentUser, Viewer};
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::{certificates, cohorts, evaluations};
use crate::domain::certificate::CertificateState;
use crate::domain::enrolment::Status;
use crate::domain::london;
use crate::enrolment::date_range;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::render;

pub struct Row {
    pub view: EnrolmentView,
    pub status: Status,
    pub dates: String,
    /// What the learner should do next, if anything: (label, link).
    pub next_step: Option<(String, String)>,
    /// What a confirmed place has been given so far.
    pub materials: Vec<super::materials::LearnerMaterial>,
    /// The place's valid certificate: its view and its PDF.
    pub certificate: Option<(String, String)>,
    /// The place's certificate was revoked (and not replaced by a valid one).
    pub certificate_revoked: bool,
}

pub struct Upcoming {
    pub when: String,
    pub title: String,
    pub course_title: String,
    pub enrolment_id: i64,
}

#[derive(Template)]
#[template(path = "enrolment/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    current: Vec<Row>,
    past: Vec<Row>,
    upcoming: Vec<Upcoming>,
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let views = enrolments::views_for_user(&state.db, user.user_id).await?;
    let given = super::materials::for_places(&state, &views).await?;
    let certificates = certificates::for_user(&state.db, user.user_id).await?;
    let now = state.clock.now();
    let feedback_due =
        evaluations::waiting_for(&state.db, user.user_id, now, london::day_of(now)).await?;
    let mut current = Vec::new();
    let mut past = Vec::new();
    for (view, materials) in views.into_iter().zip(given) {
        let mut row = row(&state, view, materials, &feedback_due).await?;
        let id = row.view.enrolment.enrolment_id;
        row.certificate = certificates
            .iter()
            .find(|c| c.enrolment_id == Some(id) && c.is_valid())
            .map(|c| {
                (
                    paths::certificate_view(&c.code),
                    paths::certificate_pdf(&c.code),
                )
            });
        row.certificate_revoked = row.certificate.is_none()
            && certificates
                .iter()
                .any(|c| c.enrolment_id == Some(id) && c.state() == CertificateState::Revoked);
        let finished = now.date_naive() > row.view.ends_on;
        if row.status.is_active() && !finished {
            current.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    let upcoming = upcoming_sessions(&state, &current).await?;
    let page = DashboardPage {
        layout: Layout::new(
            "Your courses",
            "Your enrolments and live sessions.",
            Section::Account,
            &viewer,
        ),
        current,
        past,
        upcoming,
    };
    Ok(render(&page)?.into_response())
}

async fn row(
    state: &AppState,
    view: EnrolmentView,
    materials: Vec<super::materials::LearnerMaterial>,
    feedback_due: &[i64],
) -> Result<Row, AppError> {
    let status = view.enrolment.status();
    let id = view.enrolment.enrolment_id;
    let link = |label: String| Some((label, paths::enrolment(id)));
    let next_step = match status {
        Status::AwaitingPayment => link("Pay to keep your place".into()),
        Status::AwaitingInvoice => link("Waiting for your organisation's payment".into()),
        Status::Offered => Some((
            "Accept or decline the place".into(),
            paths::enrolment_offer(id),
        )),
        Status::Confirmed | Status::Completed if feedback_due.contains(&id) => Some((
            "Give your feedback: the course evaluation".into(),
            paths::enrolment_evaluation(id),
        )),
        Status::Waitlisted => {
            match enrolments::waitlist_position(&state.db, &view.enrolment).await? {
                Some(position) => link(format!("Number {position} on the waiting list")),
                None => None,
            }
        }
        _ => None,
    };
    Ok(Row {
        dates: date_range(view.starts_on, view.ends_on),
        status,
        next_step,
        materials,
        certificate: None,
        certificate_revoked: false,
        view,
    })
}

/// The next live sessions of confirmed places, soonest first.
async fn upcoming_sessions(state: &AppState, rows: &[Row]) -> Result<Vec<Upcoming>, AppError> {
    let confirmed: Vec<&Row> = rows
        .iter()
        .filter(|r| r.status == Status::Confirmed)
        .collect();
    let cohort_ids: Vec<i64> = confirmed
        .iter()
        .map(|r| r.view.enrolment.cohort_id)
        .collect();
    let now = state.clock.now();
    let mut upcoming: Vec<Upcoming> = cohorts::sessions_for(&state.db, &cohort_ids)
        .await?
        .into_iter()
        .filter(|s| s.starts_at > now)
        .filter_map(|s| {
            let row = confirmed
                .iter()
                .find(|r| r.view.enrolment.cohort_id == s.cohort_id)?;
            Some(Upcoming {
                when: london::date_time(s.starts_at),
                title: s.title,
                course_title: row.view.course_title.clone(),
                enrolment_id: row.view.enrolment.enrolment_id,
            })
        })
        .collect();
    upcoming.truncate(10);
    Ok(upcoming)
}
