//! Getting into an account: register, verify an address, sign in and out (by password, or
//! by an emailed link past an account's ceiling on attempts), reset a password. The writes are `crate::accounts` services; this module maps their errors.

use axum::Router;
use axum::routing::{get, post};

use crate::accounts::links::LinkError;
use crate::accounts::register::RegisterError;
use crate::accounts::reset::ResetError;
use crate::accounts::sign_in::SignInError;
use crate::accounts::sign_in_link::SignInLinkError;
use crate::accounts::verify::VerifyError;
use crate::auth::ClientAddress;
use crate::auth::throttle::{self, Blocked, address_key, per_address};
use crate::error::AppError;
use crate::state::AppState;

mod email_link;
mod link_pages;
mod login;
mod profile_form;
mod register;
mod reset;
mod verify;

pub use profile_form::{PROFESSIONAL_BODIES, check_profile};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-email", get(register::check_email))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/login/link", post(email_link::request))
        .route("/login/link/sent", get(email_link::sent))
        .route(
            "/login/link/{token}",
            get(email_link::show).post(email_link::confirm),
        )
        .route("/verify-email/resend", post(verify::resend))
        .route(
            "/verify-email/{token}",
            get(verify::show).post(verify::confirm),
        )
        .route(
            "/forgot-password",
            get(reset::show_request).post(reset::request),
        )
        .route("/forgot-password/check-email", get(reset::check_email))
        .route(
            "/reset-password/{token}",
            get(reset::show_reset).post(reset::reset),
        )
}

/// Counts a form post of `action` from the client's network against the per-address limit
/// (checked before anything else the form asks for).
async fn from_this_network(
    state: &AppState,
    action: &str,
    client: &ClientAddress,
) -> Result<Result<(), Blocked>, AppError> {
    let limit = per_address(state.config.address_attempts_per_minute);
    Ok(throttle::hit(state.ctx(), &address_key(action, client), limit).await?)
}

// What is left of a service error once a handler has turned the ones a person can act on
// into pages: storage and mail failures are the 500 page, a missing row the 404 page.

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::Db(error) => error.into(),
            LinkError::Mail(error) => AppError::internal(error),
        }
    }
}

impl From<RegisterError> for AppError {
    fn from(error: RegisterError) -> Self {
        match error {
            RegisterError::Db(error) => error.into(),
            RegisterError::Link(error) => error.into(),
            RegisterError::Hash(error) => error.into(),
            RegisterError::Mail(error) => AppError::internal(error),
        }
    }
}

impl From<SignInError> for AppError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Db(error) => error.into(),
            SignInError::Hash(error) => error.into(),
            SignInError::Mail(error) => AppError::internal(error),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}

impl From<SignInLinkError> for AppError {
    fn from(error: SignInLinkError) -> Self {
        match error {
            SignInLinkError::LinkExpired | SignInLinkError::Disabled => AppError::NotFound,
            SignInLinkError::Db(error) => error.into(),
            SignInLinkError::Link(error) => error.into(),
        }
    }
}

impl From<VerifyError> for AppError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::LinkExpired => AppError::NotFound,
            VerifyError::Db(error) => error.into(),
            VerifyError::Link(error) => error.into(),
            VerifyError::Mail(error) => AppError::internal(error),
            VerifyError::StoredAddress(error) => AppError::internal(error),
            refused => AppError::BadRequest(refused.to_string()),
        }
    }
}

impl From<ResetError> for AppError {
    fn from(error: ResetError) -> Self {
        match error {
            ResetError::LinkExpired => AppError::NotFound,
            ResetError::Db(error) => error.into(),
            ResetError::Link(error) => error.into(),
            ResetError::Hash(error) => error.into(),
            ResetError::Mail(error) => AppError::internal(error),
            ResetError::StoredAddress(error) => AppError::internal(error),
        }
    }
}
