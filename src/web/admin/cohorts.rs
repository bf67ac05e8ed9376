//! `/admin/cohorts`: every cohort at a glance; add, edit, open and close cohorts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::cohort_form::{CheckedCohort, CohortForm, SessionRow};
use crate::auth::keys::new_token;
use crate::auth::{AdminUser, ClientAddress, Viewer};
use crate::db::Tx;
use crate::db::audit::audit_admin;
use crate::db::cohorts::{self, Cohort, CohortFields, CohortOverview};
use crate::db::courses::{self, Course};
use crate::db::interests;
use crate::domain::catalogue::CohortStatus;
use crate::domain::email::Email;
use crate::domain::london;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::CohortOpened;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::notice::{Notice, NoticeQuery};
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    status: Option<String>,
    course: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/cohorts.html")]
struct OverviewPage {
    layout: Layout,
    rows: Vec<CohortOverview>,
    courses: Vec<Course>,
    status: Option<CohortStatus>,
    course_id: Option<i64>,
    statuses: &'static [CohortStatus],
}

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Query(query): Query<OverviewQuery>,
) -> Result<Html<String>, AppError> {
    let status = query.status.as_deref().and_then(CohortStatus::parse);
    let course_id = query
        .course
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok());
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    render(&OverviewPage {
        layout: Layout::new(
            "Cohorts",
            "Every cohort across courses.",
            Section::Admin,
            &viewer,
        )
        .with_banner(banner),
        rows: cohorts::overview(&state.db, status, course_id).await?,
        courses: courses::list_all(&state.db).await?,
        status,
        course_id,
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

pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(course_id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let course = courses::find(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = CohortForm {
        capacity: "24".into(),
        opens_time: "09:00".into(),
        closes_time: "17:00".into(),
        ..CohortForm::default()
    };
    form.push_row(SessionRow {
        title: "Session 1".into(),
        start: "09:30".into(),
        end: "12:30".into(),
        ..SessionRow::default()
    });
    render(&form_page(
        &viewer,
        &course,
        None,
        &form,
        &FormErrors::default(),
    ))
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let sessions = cohorts::sessions_for(&state.db, &[id]).await?;
    let form = CohortForm::from_cohort(&cohort, &sessions);
    render(&form_page(
        &viewer,
        &course,
        Some(&cohort),
        &form,
        &FormErrors::default(),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(course_id): Path<i64>,
    Form(mut form): Form<CohortForm>,
) -> Result<Response, AppError> {
    let course = courses::find(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if form.edit_rows() {
        return Ok(render(&form_page(
            &viewer,
            &course,
            None,
            &form,
            &FormErrors::default(),
        ))?
        .into_response());
    }
    let checked = match form.check(0) {
        Ok(checked) => checked,
        Err(errors) => return rejected(&form_page(&viewer, &course, None, &form, &errors)),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let fields = fields(course_id, &checked, CohortStatus::Draft);
    let cohort_id = cohorts::insert(&mut tx, &fields, now).await?;
    save_sessions(&mut tx, cohort_id, &checked).await?;
    audit_admin(
        &mut tx,
        admin.user_id,
        "cohort_created",
        &format!("cohort {cohort_id} of course {course_id}"),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(back_to_cohorts(course_id))
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(mut form): Form<CohortForm>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    if form.edit_rows() {
        return Ok(render(&form_page(
            &viewer,
            &course,
            Some(&cohort),
            &form,
            &FormErrors::default(),
        ))?
        .into_response());
    }
    let checked = match form.check(cohort.seats_taken) {
        Ok(checked) => checked,
        Err(errors) => {
            return rejected(&form_page(&viewer, &course, Some(&cohort), &form, &errors));
        }
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !cohorts::update(
        &mut tx,
        id,
        &fields(cohort.course_id, &checked, cohort.status()),
        now,
    )
    .await?
    {
        // Places were taken between reading the form and saving it.
        let mut errors = FormErrors::default();
        errors.add(
            "capacity",
            "More places have just been taken, so the capacity is too low. Check it and save again",
        );
        return rejected(&form_page(&viewer, &course, Some(&cohort), &form, &errors));
    }
    save_sessions(&mut tx, id, &checked).await?;
    // A raised capacity goes to the waiting list first.
    crate::enrolment::offer_free_seats(state.enrolment(), &mut tx, id).await?;
    audit_admin(
        &mut tx,
        admin.user_id,
        "cohort_updated",
        &format!("cohort {id}"),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(back_to_cohorts(cohort.course_id))
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
    Redirect::to(&format!(
        "/admin/cohorts?course={course_id}&notice={}",
        Notice::Saved.name()
    ))
    .into_response()
}

fn fields(course_id: i64, checked: &CheckedCohort, status: CohortStatus) -> CohortFields<'_> {
    CohortFields {
        course_id,
        name: &checked.name,
        starts_on: checked.starts_on,
        ends_on: checked.ends_on,
        enrol_opens_at: checked.enrol_opens_at,
        enrol_closes_at: checked.enrol_closes_at,
        capacity: checked.capacity,
        status,
        delivery_notes: &checked.delivery_notes,
    }
}

async fn save_sessions(
    tx: &mut Tx,
    cohort_id: i64,
    checked: &CheckedCohort,
) -> Result<(), AppError> {
    // Rows that edit a stored session keep it (and its calendar UID); the rest are new.
    let kept: Vec<i64> = checked
        .sessions
        .iter()
        .filter_map(|s| s.session_id)
        .collect();
    cohorts::delete_sessions_except(tx, cohort_id, &kept).await?;
    for session in &checked.sessions {
        let updated = match session.session_id {
            Some(id) => {
                cohorts::update_session(
                    tx,
                    cohort_id,
                    id,
                    &session.title,
                    session.starts_at,
                    session.ends_at,
                )
                .await?
            }
            None => false,
        };
        if !updated {
            cohorts::insert_session(
                tx,
                cohort_id,
                &session.title,
                session.starts_at,
                session.ends_at,
                "",
            )
            .await?;
        }
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LaunchQuery {
    starts_day: String,
    starts_month: String,
    starts_year: String,
}

#[derive(Template)]
#[template(path = "admin/launch_next.html")]
struct LaunchPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    query: &'a LaunchQuery,
    errors: &'a FormErrors,
}

/// Asks for the next start date, then shows the new-cohort form filled in from this cohort
/// with its timetable moved to that date. Nothing is saved until that form is.
pub async fn launch_next(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
    Query(query): Query<LaunchQuery>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let typed = [&query.starts_day, &query.starts_month, &query.starts_year];
    let asked = typed.iter().any(|v| !v.trim().is_empty());
    let mut errors = FormErrors::default();
    let new_start = super::cohort_form::parse_date(typed).filter(|d| *d > cohort.starts_on);
    let Some(new_start) = new_start else {
        if asked {
            errors.add(
                "starts",
                "Enter a real start date after this cohort's start date",
            );
        }
        let layout = Layout::new(
            "Launch the next cohort",
            "Launch the next cohort.",
            Section::Admin,
            &viewer,
        )
        .with_errors(asked);
        let page = LaunchPage {
            layout,
            cohort: &cohort,
            query: &query,
            errors: &errors,
        };
        let status = if asked {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::OK
        };
        return Ok((status, render(&page)?).into_response());
    };
    let days = u64::try_from((new_start - cohort.starts_on).num_days()).unwrap_or(0);
    let sessions = cohorts::sessions_for(&state.db, &[id]).await?;
    let mut form = CohortForm::moved(&cohort, &sessions, chrono::Days::new(days));
    form.name = format!("{} cohort", new_start.format("%B %Y"));
    Ok(render(&form_page(
        &viewer,
        &course,
        None,
        &form,
        &FormErrors::default(),
    ))?
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    message: String,
}

#[derive(Template)]
#[template(path = "admin/cancel_cohort.html")]
struct CancelPage<'a> {
    layout: Layout,
    cohort: &'a Cohort,
    course: &'a Course,
    message: &'a str,
    errors: &'a FormErrors,
}

fn cancel_page<'a>(
    viewer: &Viewer,
    cohort: &'a Cohort,
    course: &'a Course,
    message: &'a str,
    errors: &'a FormErrors,
) -> CancelPage<'a> {
    CancelPage {
        layout: Layout::new(
            "Cancel a cohort",
            "Cancel a cohort.",
            Section::Admin,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        cohort,
        course,
        message,
        errors,
    }
}

/// The confirmation page: what cancelling does, and the message for learners.
pub async fn confirm_cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    _: AdminUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    Ok(render(&cancel_page(
        &viewer,
        &cohort,
        &course,
        "",
        &FormErrors::default(),
    ))?
    .into_response())
}

pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let (cohort, course) = cohort_and_course(&state, id).await?;
    let mut errors = FormErrors::default();
    let message = errors.multiline(
        "message",
        &form.message,
        Some("Enter a message to the learners, saying why and what happens next"),
        2_000,
    );
    if !errors.is_empty() {
        return rejected(&cancel_page(
            &viewer,
            &cohort,
            &course,
            &form.message,
            &errors,
        ));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !cohorts::cancel(&mut tx, id, &message, now).await? {
        return Err(AppError::BadRequest(format!(
            "A {} cohort cannot be cancelled.",
            cohort.status().label().to_lowercase()
        )));
    }
    let address = client.to_string();
    let actor = crate::enrolment::Actor {
        user_id: Some(admin.user_id),
        client: Some(&address),
    };
    let places = crate::enrolment::admin::cancel_cohort_places(
        state.enrolment(),
        &mut tx,
        id,
        &message,
        actor,
    )
    .await?;
    audit_admin(
        &mut tx,
        admin.user_id,
        "cohort_cancelled",
        &format!("cohort {id}, {places} places cancelled"),
        &address,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(back_to_cohorts(cohort.course_id))
}

pub async fn open(
    state: State<AppState>,
    admin: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    change_status(
        state,
        admin,
        client,
        id,
        &[CohortStatus::Draft, CohortStatus::Closed],
        CohortStatus::Open,
    )
    .await
}

pub async fn close(
    state: State<AppState>,
    admin: AdminUser,
    client: ClientAddress,
    id: Path<i64>,
) -> Result<Response, AppError> {
    change_status(
        state,
        admin,
        client,
        id,
        &[CohortStatus::Open],
        CohortStatus::Closed,
    )
    .await
}

async fn change_status(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientAddress,
    Path(id): Path<i64>,
    from: &[CohortStatus],
    to: CohortStatus,
) -> Result<Response, AppError> {
    let cohort = cohorts::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let changed = cohorts::change_status(&mut tx, id, from, to, now).await?;
    if changed && to == CohortStatus::Open {
        notify_interested(&mut tx, &state, &cohort, now).await?;
        // Seats freed while it was closed go to the waiting list.
        crate::enrolment::offer_free_seats(state.enrolment(), &mut tx, id).await?;
    }
    if !changed {
        return Err(AppError::BadRequest(format!(
            "A {} cohort cannot be changed to {}.",
            cohort.status().label().to_lowercase(),
            to.label().to_lowercase()
        )));
    }
    let action = format!("cohort_{}", to.as_str());
    audit_admin(
        &mut tx,
        admin.user_id,
        &action,
        &format!("cohort {id}"),
        &client.to_string(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(back_to_cohorts(cohort.course_id))
}

/// Everyone waiting to hear about the course gets one email, queued in the transaction that
/// opens the cohort, and leaves the list.
async fn notify_interested(
    tx: &mut Tx,
    state: &AppState,
    cohort: &Cohort,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    // Only a published course can be pointed to; until then everyone stays on the list.
    let Some(course) = courses::find_in(tx, cohort.course_id)
        .await?
        .filter(|c| c.published)
    else {
        return Ok(());
    };
    let site = state.site();
    for interest in interests::take_confirmed(tx, course.course_id).await? {
        let Ok(to) = Email::parse(&interest.email) else {
            continue;
        };
        // The interest is gone; this link lets them confirm that on a page all the same.
        let (unsubscribe_token, _) = new_token();
        let mail = CohortOpened {
            course_title: course.title.clone(),
            cohort_name: cohort.name.clone(),
            starts: london::date(cohort.starts_on),
            course_url: site.url(&format!("/courses/{}", course.slug)),
            unsubscribe_url: site.url(&format!("/interest/unsubscribe/{unsubscribe_token}")),
        };
        let key = format!(
            "cohort_opened:{}:{}",
            cohort.cohort_id, interest.interest_id
        );
        queue(
            tx,
            site,
            &Envelope {
                to: &to,
                user_id: None,
                idempotency_key: key,
            },
            &mail,
            now,
        )
        .await?;
    }
    Ok(())
}

/// "3 March 2026 to 14 April 2026".
pub fn dates(cohort: &Cohort) -> String {
    format!(
        "{} to {}",
        london::date(cohort.starts_on),
        london::date(cohort.ends_on)
    )
}
