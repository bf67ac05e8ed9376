//! `/cpd`: the signed-in learner's CPD log (admins keep their own; no page shows anyone
//! else's): the list with its filters, the forms for activities, feedback and reflective
//! discussions, each entry's page, its history and deleting it; the learner's share links
//! (`share`) and the read-only record a link opens for anyone holding it (`shared`). The
//! writes are `crate::cpd` services; another learner's entry is "not found" everywhere.

use axum::Router;
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::auth::ClientAddress;
use crate::cpd::{CpdError, Learner};
use crate::db::cpd::{self as store, Entry};
use crate::db::users::User;
use crate::domain::cpd::fields::FieldProblem;
use crate::domain::london;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::multipart::UploadRoutes;
use crate::web::notice::Notice;
use crate::web::recent_pages::kept;

mod activity;
mod entry;
mod evidence;
mod export;
mod list;
mod progress;
mod record;
mod records;
mod reflection;
mod share;
mod shared;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cpd", get(list::page).layer(from_fn(kept)))
        .route("/cpd/export.csv", get(export::csv))
        .route("/cpd/record", get(record::page))
        .route("/cpd/record.pdf", get(record::pdf))
        .route("/cpd/new", get(activity::new).post(activity::create))
        .route(
            "/cpd/feedback/new",
            get(records::new_feedback).post(records::create_feedback),
        )
        .route(
            "/cpd/discussion/new",
            get(records::new_discussion).post(records::create_discussion),
        )
        .route("/cpd/{id}", get(entry::page))
        .route("/cpd/{id}/edit", get(entry::edit).post(activity::save))
        .route(
            "/cpd/{id}/reflection",
            axum::routing::post(reflection::save),
        )
        .route(
            "/cpd/{id}/feedback",
            axum::routing::post(records::save_feedback),
        )
        .route(
            "/cpd/{id}/discussion",
            axum::routing::post(records::save_discussion),
        )
        .route(
            "/cpd/{id}/delete",
            get(entry::confirm_delete).post(entry::delete),
        )
        .route("/cpd/{id}/history", get(entry::history))
        .route("/cpd/{id}/evidence/{evidence}", get(evidence::download))
        .route(
            "/cpd/{id}/evidence/{evidence}/remove",
            axum::routing::post(evidence::remove),
        )
        .route("/cpd/share", get(share::page).post(share::create))
        .route(
            "/cpd/share/{id}/revoke",
            get(share::confirm_revoke).post(share::revoke),
        )
        .route("/cpd/shared/{token}", get(shared::page))
        .route(
            "/cpd/shared/{token}/evidence/{evidence}",
            get(shared::evidence),
        )
}

/// The evidence upload (multipart, its token checked first by `CheckedMultipart`).
pub fn upload_routes() -> UploadRoutes {
    UploadRoutes::new().upload_with_page("/cpd/{id}/evidence", evidence::form, evidence::upload)
}

/// The id in the address; one that is not a number is no entry (404).
fn entry_id(id: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    id.map(|Path(id)| id).map_err(|_| AppError::NotFound)
}

/// The viewer's own entry, or 404.
async fn own_entry(state: &AppState, user: &User, id: i64) -> Result<Entry, AppError> {
    store::find(&state.db, user.user_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The viewer as the services take them.
fn learner<'a>(user: &User, client: &'a str) -> Learner<'a> {
    Learner {
        user_id: user.user_id,
        client,
    }
}

fn client_text(client: &ClientAddress) -> String {
    client.to_string()
}

/// After a save: the entry's page, saying so.
fn saved(id: i64) -> Response {
    Redirect::to(&paths::with_notice(
        &paths::cpd_entry(id),
        Notice::Saved.name(),
    ))
    .into_response()
}

/// "4 May 2026" or "4 May 2026 to 1 June 2026".
fn date_span(entry: &Entry) -> String {
    match entry.started_on == entry.ended_on {
        true => london::date(entry.started_on),
        false => format!(
            "{} to {}",
            london::date(entry.started_on),
            london::date(entry.ended_on)
        ),
    }
}

/// A form's problems for its error summary, in the page's field order.
fn form_errors(problems: Vec<FieldProblem>, order: &[&str]) -> FormErrors {
    let mut errors = FormErrors::default();
    for problem in problems {
        errors.add(problem.field, problem.message);
    }
    errors.in_field_order(order)
}

/// What is left of a service error once a handler has turned `Invalid` into field errors.
impl From<CpdError> for AppError {
    fn from(error: CpdError) -> Self {
        match error {
            CpdError::NotFound => AppError::NotFound,
            CpdError::Db(error) => error.into(),
            CpdError::Verified => AppError::BadRequest(
                "This entry was verified from your certificate: its facts cannot be changed, and it cannot be deleted. You can add a reflection and tags to it.".to_owned(),
            ),
            CpdError::Invalid(_) => {
                AppError::BadRequest("The entry could not be saved.".to_owned())
            }
        }
    }
}
