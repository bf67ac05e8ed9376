//! Certificates' pages: the learner's list and copies (page and PDF), the public check at
//! the printed address, and the admins' search, revoke and reissue. The writes are
//! `crate::certificates` services.

use axum::Router;
use axum::routing::{get, post};

use crate::certificates::CertificateError;
use crate::db::certificates::{self, Certificate};
use crate::db::users::User;
use crate::domain::certificate::Code;
use crate::error::AppError;
use crate::state::AppState;

mod admin;
mod mine;
mod verify;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/certificates", get(mine::list))
        .route("/certificates/{code}", get(verify::page))
        .route("/certificates/{code}/view", get(mine::view))
        .route("/certificates/{code}/pdf", get(mine::pdf))
        .route("/admin/certificates", get(admin::search))
        .route("/admin/certificates/{id}", get(admin::page))
        .route("/admin/certificates/{id}/revoke", post(admin::revoke))
        .route("/admin/certificates/{id}/reissue", post(admin::reissue))
}

/// The certificate with this code, for its holder or an admin; for anyone else, and for a
/// code that is not one, "not found" (never "forbidden": that would confirm it exists).
async fn for_holder(state: &AppState, user: &User, code: &str) -> Result<Certificate, AppError> {
    let code = Code::parse(code).ok_or(AppError::NotFound)?;
    certificates::find_by_code(&state.db, &code)
        .await?
        .filter(|c| user.is_admin() || c.user_id == Some(user.user_id))
        .ok_or(AppError::NotFound)
}

/// What is left of a service error once a handler has turned the refusals into field
/// errors: a missing row is the 404 page, storage and mail failures the 500 page.
impl From<CertificateError> for AppError {
    fn from(error: CertificateError) -> Self {
        match error {
            CertificateError::NotFound => AppError::NotFound,
            CertificateError::Db(error) => error.into(),
            CertificateError::Mail(error) => AppError::Internal(error),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}
