//! The learner's side of enrolment: the enrol page, their enrolments, offers, payment,
//! cancellation, documents and the dashboard; and how an enrolment error becomes a page.

use axum::Router;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::db::enrolments::{self, EnrolmentView};
use crate::db::users::User;
use crate::enrolment::EnrolmentError;
use crate::enrolment::card::Checkout;
use crate::enrolment::learner::NextStep;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::notice::Notice;
use crate::web::recent_pages::kept;

mod dashboard;
mod documents;
mod enrol;
mod evaluation;
mod learning;
mod materials;
mod offer;
mod place;

pub use documents::document_response;
pub use materials::{file_detail, file_response as material_file_response, size};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/{id}/enrol", get(enrol::page).post(enrol::submit))
        .route("/dashboard", get(dashboard::page).layer(from_fn(kept)))
        .route("/enrolments/{id}", get(place::page).layer(from_fn(kept)))
        .route("/enrolments/{id}/pay", post(place::pay))
        .route(
            "/enrolments/{id}/cancel",
            get(place::confirm_cancel).post(place::cancel),
        )
        .route("/enrolments/{id}/offer", get(offer::page))
        .route("/enrolments/{id}/offer/accept", post(offer::accept))
        .route("/enrolments/{id}/offer/decline", post(offer::decline))
        .route(
            "/enrolments/{id}/documents/{kind}",
            get(documents::learner_document),
        )
        .route(
            "/enrolments/{id}/materials/{material}",
            get(materials::file),
        )
        .route(
            "/enrolments/{id}/evaluation",
            get(evaluation::page).post(evaluation::submit),
        )
}

/// A refusal a person can act on is a 400 page saying why; a missing place is a 404; a
/// failure underneath is a 500 (logged with its sources).
impl From<EnrolmentError> for AppError {
    fn from(error: EnrolmentError) -> Self {
        match error {
            EnrolmentError::NotFound => AppError::NotFound,
            error if error.is_internal() => AppError::internal(error),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// Where a learner's cancel or decline leads: back to the enrolment with a notice, or, when
/// it had already changed (a second click, an offer that ended), to where it stands now.
fn after_learner_step(
    id: i64,
    result: Result<(), EnrolmentError>,
    notice: Notice,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(to_place_with(id, notice)),
        Err(
            EnrolmentError::Changed(_)
            | EnrolmentError::TooLateToCancel
            | EnrolmentError::OfferEnded,
        ) => Ok(to_place(id)),
        Err(other) => Err(other.into()),
    }
}

/// Where an enrol or an accepted offer leads: the place, or the card checkout (back to the
/// place with a notice when it could not start; the seat stays held).
fn after_taking(next: NextStep) -> Response {
    match next {
        NextStep::Place(id) => to_place(id),
        NextStep::Pay(_, Checkout::Open(url)) => Redirect::to(&url).into_response(),
        NextStep::Pay(id, Checkout::Closed) => to_place_with(id, Notice::CheckoutClosed),
        NextStep::Pay(id, Checkout::Failed) => to_place_with(id, Notice::CheckoutFailed),
    }
}

fn to_place(id: i64) -> Response {
    Redirect::to(&paths::enrolment(id)).into_response()
}

fn to_place_with(id: i64, notice: Notice) -> Response {
    Redirect::to(&paths::with_notice(&paths::enrolment(id), notice.name())).into_response()
}

/// The learner's own enrolment; anyone else's is "not found", never "forbidden".
async fn own_enrolment(state: &AppState, user: &User, id: i64) -> Result<EnrolmentView, AppError> {
    enrolments::view(&state.db, id)
        .await?
        .filter(|view| view.enrolment.user_id == user.user_id)
        .ok_or(AppError::NotFound)
}
