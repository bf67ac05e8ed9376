//! `AppError`: what a handler can fail with, and the status page each failure becomes.
//!
//! Handlers return `Result<_, AppError>`; the storage layer has `DbError`, configuration
//! `ConfigError`. An `AppError` response carries an [`ErrorPage`] marker that the
//! error-page layer turns into the full HTML page (with the request id for a 500).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
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
            AppError::Forbidden => StatusCode::FORBIDDEN,
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
        let detail = match &self {
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "request failed");
                None
            }
            AppError::BadRequest(message) => Some(message.clone()),
            AppError::NotFound | AppError::Forbidden => None,
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
