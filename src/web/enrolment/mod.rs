//! The learner's side of enrolment: the enrol page, their enrolments, offers, payment,
//! cancellation, documents and the dashboard.

use axum::Router;
use axum::routing::{get, post};

use axum::response::{IntoResponse, Redirect, Response};

use crate::db::enrolments::{self, EnrolmentView};
use crate::db::users::User;
use crate::enrolment::EnrolmentError;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::notice::Notice;

mod dashboard;
mod documents;
mod enrol;
mod offer;
mod place;

pub use documents::document_response;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/{id}/enrol", get(enrol::page).post(enrol::submit))
        .route("/dashboard", get(dashboard::page))
        .route("/enrolments/{id}", get(place::page))
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
}

/// Where a learner's cancel or decline leads: back to the enrolment with a notice, or, when
/// it had already changed (a second click, an offer that ended), to where it stands now.
fn after_learner_step(
    id: i64,
    result: Result<(), EnrolmentError>,
    notice: Notice,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/enrolments/{id}?notice={}", notice.name())).into_response())
        }
        Err(
            EnrolmentError::Changed(_)
            | EnrolmentError::TooLateToCancel
            | EnrolmentError::OfferEnded,
        ) => Ok(Redirect::to(&format!("/enrolments/{id}")).into_response()),
        Err(other) => Err(other.into()),
    }
}

/// The learner's own enrolment; anyone else's is "not found", never "forbidden".
async fn own_enrolment(state: &AppState, user: &User, id: i64) -> Result<EnrolmentView, AppError> {
    enrolments::view(&state.db, id)
        .await?
        .filter(|view| view.enrolment.user_id == user.user_id)
        .ok_or(AppError::NotFound)
}
