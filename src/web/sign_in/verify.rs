//! `/verify-email/{token}`: a page with a button (mail scanners follow links, so only the
//! POST spends the token), and resending a link.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::link_pages::{LINK_EXPIRED, link_problem};
use crate::accounts::links;
use crate::accounts::verify::{VerifyError, confirm_email, resend_verification};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::db::tokens::Purpose;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

#[derive(Template)]
#[template(path = "sign_in/verify.html")]
struct VerifyPage {
    layout: Layout,
    token: String,
    email: String,
}

const EXPIRED_VERIFY_ADVICE: &str =
    "If your address is not confirmed yet, sign in and ask for a new link from your account page.";

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(found) = links::usable(state.ctx(), Purpose::VerifyEmail, &token).await? else {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE);
    };
    let page = VerifyPage {
        layout: Layout::new(
            "Confirm your email address",
            "Confirm your email address.",
            Section::Account,
            &viewer,
        ),
        token,
        email: found.email,
    };
    Ok(render(&page)?.into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let nhs = &state.config.nhs_domains;
    let confirmed = match confirm_email(state.ctx(), nhs, &client.to_string(), &token).await {
        Ok(confirmed) => confirmed,
        Err(VerifyError::LinkExpired) => {
            return link_problem(&viewer, LINK_EXPIRED, EXPIRED_VERIFY_ADVICE);
        }
        Err(VerifyError::AddressTaken) => {
            return link_problem(
                &viewer,
                "This email address is already used by another account",
                "Your email address has not changed. Choose another address from your account page.",
            );
        }
        Err(other) => return Err(other.into()),
    };
    let back_to = match viewer.user_id() {
        Some(id) if id == confirmed.user_id => paths::account(),
        _ => paths::login(),
    };
    let target = paths::with_notice(back_to, Notice::EmailConfirmed.name());
    Ok(Redirect::to(&target).into_response())
}

/// A new verification link for a signed-in learner whose address is not confirmed yet.
pub async fn resend(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    let target = match resend_verification(state.ctx(), &user).await {
        Ok(()) => paths::with_notice(paths::account(), Notice::VerificationSent.name()),
        Err(VerifyError::AlreadyVerified) => paths::account().to_owned(),
        Err(VerifyError::TooManyEmails) => {
            paths::with_notice(paths::account(), Notice::TooManyEmails.name())
        }
        Err(other) => return Err(other.into()),
    };
    Ok(Redirect::to(&target).into_response())
}
