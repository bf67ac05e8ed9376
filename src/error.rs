//! `AppError`: what a handler can fail with, and the status page each failure becomes.
//!
//! Handlers return `Result<_, AppError>`; the storage layer has `DbError`, configuration
//! `ConfigError`. An `AppError` response carries an [`ErrorPage`] marker that the
//! error-page layer turns into the full HTML page (with the request id for a 500).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Sends the visitor to sign in, then back to this path.
    #[error("sign in required")]
    SignInRequired(String),
    #[error("missing or wrong CSRF token")]
    CsrfRejected,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::SignInRequired(_) => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Marks a response whose body the error-page layer should render.
#[derive(Clone, Debug, Default)]
pub struct ErrorPage {
    /// A sentence for the person, shown under the heading (never internal details).
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::SignInRequired(next) = &self {
            let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            return Redirect::to(&format!("/login?next={next}")).into_response();
        }
        let detail = match &self {
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "request failed");
                None
            }
            AppError::BadRequest(message) => Some(message.clone()),
            AppError::CsrfRejected => Some(
                "Your form could not be sent because the page had expired or came from another site. \
                 Go back, refresh the page and try again."
                    .to_owned(),
            ),
            AppError::NotFound | AppError::Forbidden | AppError::SignInRequired(_) => None,
        };
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorPage { detail });
        response
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<crate::auth::password::HashError> for AppError {
    fn from(error: crate::auth::password::HashError) -> Self {
        AppError::Internal(error.into())
    }
}
