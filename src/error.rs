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
//! | `Busy(error)` (`DbError::Busy` however wrapped: no connection came free in time) | 503 with `Retry-After: 5` | that nothing was changed and to try again in a few seconds |
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
    /// Overloaded for the moment (no database connection came free in time): try again.
    #[error("busy: {0}")]
    Busy(anyhow::Error),
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
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
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
        // A storage error reached here wrapped (a service's error inside `internal`): an
        // overload is still an overload.
        let this = match self {
            AppError::Internal(error) if is_busy(&error) => AppError::Busy(error),
            other => other,
        };
        let detail = match &this {
            AppError::Busy(error) => {
                tracing::warn!(error = ?error, "request refused: overloaded");
                Some(BUSY.to_owned())
            }
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
        let mut response = this.status().into_response();
        if matches!(this, AppError::Busy(_)) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        response.extensions_mut().insert(ErrorPage { detail });
        response
    }
}

const BUSY: &str = "The service is very busy just now. Please try again in a few seconds.";
const RETRY_AFTER_SECS: &str = "5";

/// An overloaded database anywhere in the error's chain (a service's `#[error(transparent)]`
/// storage variant hands on the driver's error, not the `DbError`).
fn is_busy(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(cause.downcast_ref::<DbError>(), Some(DbError::Busy(_)))
            || cause
                .downcast_ref::<sqlx::Error>()
                .is_some_and(crate::db::is_overload)
    })
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => AppError::NotFound,
            busy @ DbError::Busy(_) => AppError::Busy(busy.into()),
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
        // The session store hands storage errors on as text only; the driver's own wording
        // of a pool timeout is the one sign of an overload left in it.
        let timed_out = sqlx::Error::PoolTimedOut.to_string();
        let overloaded =
            std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source())
                .any(|e| e.to_string().contains(&timed_out));
        match overloaded {
            true => AppError::Busy(error.into()),
            false => AppError::Internal(error.into()),
        }
    }
}

impl From<crate::auth::password::HashError> for AppError {
    fn from(error: crate::auth::password::HashError) -> Self {
        AppError::Internal(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service's error with the usual transparent storage variant.
    #[derive(Debug, thiserror::Error)]
    enum ServiceError {
        #[error(transparent)]
        Db(#[from] DbError),
    }

    fn busy() -> DbError {
        DbError::from(sqlx::Error::PoolTimedOut)
    }

    fn assert_busy_page(error: AppError) {
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], "5");
        let page = response.extensions().get::<ErrorPage>().unwrap();
        assert_eq!(page.detail.as_deref(), Some(BUSY));
    }

    #[test]
    fn an_overloaded_database_is_a_503_however_it_arrives() {
        assert!(matches!(busy(), DbError::Busy(_)));
        assert_busy_page(AppError::from(busy()));
        assert_busy_page(AppError::internal(busy()));
        assert_busy_page(AppError::internal(ServiceError::from(busy())));
        let session = tower_sessions::session::Error::Store(
            tower_sessions::session_store::Error::Backend(sqlx::Error::PoolTimedOut.to_string()),
        );
        assert_busy_page(AppError::from(session));
    }

    #[test]
    fn other_failures_stay_500s_without_retry_after() {
        let other = DbError::from(sqlx::Error::PoolClosed);
        assert!(matches!(other, DbError::Other(_)));
        for error in [
            AppError::from(other),
            AppError::internal(anyhow::anyhow!("template failed")),
            AppError::from(tower_sessions::session::Error::Store(
                tower_sessions::session_store::Error::Backend("connection refused".into()),
            )),
        ] {
            let response = error.into_response();
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert!(
                !response
                    .headers()
                    .contains_key(axum::http::header::RETRY_AFTER)
            );
        }
    }
}
