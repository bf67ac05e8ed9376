//! Taking your data away: a download of everything held about you, and deleting the account.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::auth::{CurrentUser, Viewer};
use crate::db::audit::audit_own;
use crate::db::audit::{self as audit_log, AuditRecord};
use crate::db::enrolments::{self, EnrolmentEvent};
use crate::db::interests::{self, Interest};
use crate::db::outbox::{self, OutboxEntry};
use crate::db::payments::{self, Payment};
use crate::db::users::{self, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, rejected};
use crate::web::layout::{Layout, Section};
use crate::web::render;

/// Everything held about one person.
#[derive(Serialize)]
struct DataExport {
    exported_at: chrono::DateTime<chrono::Utc>,
    account: User,
    emails_sent: Vec<OutboxEntry>,
    account_history: Vec<AuditRecord>,
    enrolments: Vec<EnrolmentExport>,
    payments: Vec<Payment>,
    interests: Vec<Interest>,
}

/// An enrolment with its course, cohort and history.
#[derive(Serialize)]
struct EnrolmentExport {
    reference: String,
    course: String,
    cohort: String,
    status: String,
    funding: Option<String>,
    fee_pence: i64,
    created_at: chrono::DateTime<chrono::Utc>,
    history: Vec<EnrolmentEvent>,
}

async fn enrolments_of(state: &AppState, user_id: i64) -> Result<Vec<EnrolmentExport>, AppError> {
    let mut export = Vec::new();
    for view in enrolments::views_for_user(&state.db, user_id).await? {
        let id = view.enrolment.enrolment_id;
        export.push(EnrolmentExport {
            reference: crate::domain::enrolment::reference(id),
            course: view.course_title,
            cohort: view.cohort_name,
            status: view.enrolment.status,
            funding: view.enrolment.funding,
            fee_pence: view.enrolment.fee_pence,
            created_at: view.enrolment.created_at,
            history: enrolments::events(&state.db, id).await?,
        });
    }
    Ok(export)
}

pub async fn download(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let export = DataExport {
        exported_at: state.clock.now(),
        emails_sent: outbox::for_user(&state.db, user.user_id).await?,
        account_history: own_history(&state, user.user_id).await?,
        enrolments: enrolments_of(&state, user.user_id).await?,
        payments: payments::for_user(&state.db, user.user_id).await?,
        interests: interests::for_person(&state.db, user.user_id, &user.email).await?,
        account: user,
    };
    let json = serde_json::to_vec_pretty(&export).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"academy-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response())
}

/// The account's history, keeping network addresses only of the person's own actions.
async fn own_history(state: &AppState, user_id: i64) -> Result<Vec<AuditRecord>, AppError> {
    let mut history = audit_log::for_user(&state.db, user_id, 10_000).await?;
    for event in &mut history {
        if event.actor_user_id != Some(user_id) {
            event.client_address = None;
        }
    }
    Ok(history)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub current_password: String,
}

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeletePage<'a> {
    layout: Layout,
    errors: &'a FormErrors,
}

fn delete_page<'a>(viewer: &Viewer, errors: &'a FormErrors) -> DeletePage<'a> {
    DeletePage {
        layout: Layout::new(
            "Delete your account",
            "Delete your Academy account.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        errors,
    }
}

pub async fn show_delete(viewer: Viewer, _: CurrentUser) -> Result<Html<String>, AppError> {
    render(&delete_page(&viewer, &FormErrors::default()))
}

/// Erases the profile and the mail sent to it; keeps the audit trail reduced to the id.
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    CurrentUser(user): CurrentUser,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    if let Err(blocked) =
        super::details::current_password_ok(&state, &user, &form.current_password).await?
    {
        let mut errors = FormErrors::default();
        let message = match blocked {
            Some(blocked) => format!(
                "Too many wrong passwords. {}",
                blocked.advice(state.clock.now())
            ),
            None => "Your password is wrong".to_owned(),
        };
        errors.add("current_password", message);
        return rejected(&delete_page(&viewer, &errors));
    }
    let mut tx = state.db.begin().await?;
    users::lock(&mut tx, user.user_id).await?;
    if user.is_admin() && users::count_active_admins(&mut tx).await? <= 1 {
        let mut errors = FormErrors::default();
        errors.add(
            "current_password",
            "You are the only admin. Make someone else an admin before you delete your account.",
        );
        return rejected(&delete_page(&viewer, &errors));
    }
    let now = state.clock.now();
    crate::enrolment::learner::end_places_of_deleted_account(
        state.enrolment(),
        &mut tx,
        user.user_id,
    )
    .await?;
    enrolments::delete_for_user(&mut tx, user.user_id).await?;
    interests::delete_for_email(&mut tx, &user.email).await?;
    outbox::delete_for_user(&mut tx, user.user_id).await?;
    crate::db::throttles::delete_for_account(&mut tx, &user.email).await?;
    audit_log::forget_addresses(&mut tx, user.user_id).await?;
    audit_own(&mut tx, user.user_id, "account_deleted", None, now).await?;
    users::delete(&mut tx, user.user_id).await?;
    tx.commit().await?;
    session.flush().await?;
    Ok(Redirect::to("/account/deleted").into_response())
}

#[derive(Template)]
#[template(path = "account/deleted.html")]
struct DeletedPage {
    layout: Layout,
}

pub async fn deleted(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&DeletedPage {
        layout: Layout::new(
            "Your account has been deleted",
            "Account deleted.",
            Section::Account,
            &viewer,
        ),
    })
}
