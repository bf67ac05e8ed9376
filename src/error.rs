//! `AppError`: what a handler can fail with, and the status page each failure becomes.
//!
//! ## One error type per layer
//!
//! | layer | error | says |
//! |---|---|---|
//! | web (handlers, extractors) | [`AppError`] (here) | which page to show |
//! | services (`accounts/`, `catalogue/`, `content/`, `enrolment/`, `learning/`, …) | each its own `thiserror` enum in the service module, e.g. `enrolment::EnrolmentError`, `enrolment::card::CheckoutError` | what a person can be told (`NotFound`, `CohortFull`, `SlugTaken`, …), plus `Db(#[from] DbError)` for storage |
//! | storage (`db/`) | `db::DbError`: `NotFound`, `UniqueViolation(constraint)`, `Other(sqlx::Error)`; `db::NotReady` for `/readyz` | the kind of failure, mapped once from the driver's |
//! | typed columns (`db::text_column`) | `UnknownValue` inside `DbError::Other` (a column decode error, logged where found) | a stored value no enum variant knows |
//! | password hashing (`auth::password`) | `HashError` | Argon2 or its worker pool failed |
//! | card provider (`payments::stripe`) | `ProviderError` (calls), `WebhookError` (incoming events) | unreachable, refused or malformed; whether a retry may help |
//! | configuration (`config/`) | `config::ConfigError`: every problem at once | printed at start-up; the process exits with code 2 (the CLI's "refused") |
//!
//! Services never import `AppError`, `crate::web` or `crate::app`; errors keep their
//! source chain (`#[from]`/`#[error(transparent)]`), never a string made of them.
//!
//! ## How each becomes a page
//!
//! A handler returns `Result<_, AppError>`; `?` converts through the `From` impls below
//! and the web areas' `From<ServiceError> for AppError` (or the handler matches a
//! variant into a field error instead). Then:
//!
//! | `AppError` | status | page |
//! |---|---|---|
//! | `NotFound` (also `DbError::NotFound`, a service's `NotFound`) | 404 | "Page not found" |
//! | `Forbidden` | 403 | no details |
//! | `CsrfRejected` | 403 | the sentence asking to refresh and resend the form |
//! | `BadRequest(message)` (a service variant a person can act on) | 400 | the message under the heading |
//! | `IncompleteForm(message)` (a form body without a field its page always sends, or one it could not have sent: `web::forms::Form`) | 422 | the message, and that nothing was saved |
//! | `SignInRequired(next)` | 303 | redirect to `/login?next=…`, no page |
//! | `Internal(error)` (storage, templates, sessions, hashing, anything unexpected) | 500 | no details; the error is logged with the request span, and the page shows the request id (`x-request-id`) for the person to quote |
//!
//! Form problems are not errors: the handler re-renders the form with each problem beside
//! its field and status 422. The response of an `AppError` carries an [`ErrorPage`]
//! marker; the error-page layer (`web::error_pages`) renders the full HTML page for it, and
//! for any other 4xx/5xx without an HTML body (an extractor's rejection, a timeout, a body
//! too large, a panic caught as 500).

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
    /// A form body our page could not have sent (a field it always sends is missing):
    /// nothing is saved.
    #[error("incomplete form: {0}")]
    IncompleteForm(String),
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
            AppError::IncompleteForm(_) => StatusCode::UNPROCESSABLE_ENTITY,
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
            return Redirect::to(&crate::paths::login_then(next)).into_response();
        }
        let detail = match &self {
            AppError::Internal(error) => {
                tracing::error!(error = ?error, "request failed");
                None
            }
            AppError::BadRequest(message) | AppError::IncompleteForm(message) => {
                Some(message.clone())
            }
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
