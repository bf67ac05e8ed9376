//! The learner's side of enrolment: the enrol page, their enrolments, offers, payment,
//! cancellation, documents and the dashboard.

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::db::enrolments::{self, EnrolmentView};
use crate::db::users::User;
use crate::error::AppError;

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

/// The learner's own enrolment; anyone else's is "not found", never "forbidden".
async fn own_enrolment(state: &AppState, user: &User, id: i64) -> Result<EnrolmentView, AppError> {
    enrolments::view(&state.db, id)
        .await?
        .filter(|view| view.enrolment.user_id == user.user_id)
        .ok_or(AppError::NotFound)
}
