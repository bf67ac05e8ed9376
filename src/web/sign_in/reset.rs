//! `/forgot-password` and `/reset-password/{token}`: the same answer whether or not the
//! account exists; the link opens a form and only its POST spends the token.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::from_this_network;
use super::link_pages::{LINK_EXPIRED, check_email_page, link_problem};
use crate::accounts::links;
use crate::accounts::reset::{ResetError, open_reset_link, request_reset, reset_password};
use crate::auth::device::KnownDevice;
use crate::auth::viewer::{SessionLifetime, begin_session};
use crate::auth::{ClientAddress, Viewer};
use crate::db::tokens::Purpose;
use crate::domain::email::Email;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// The forgot-password form: its email box is always sent.
#[derive(Debug, Default, Deserialize)]
pub struct RequestForm {
    pub email: String,
}

#[derive(Template)]
#[template(path = "sign_in/forgot_password.html")]
struct RequestPage<'a> {
    layout: Layout,
    form: &'a RequestForm,
    errors: &'a FormErrors,
}

fn request_page<'a>(
    viewer: &Viewer,
    form: &'a RequestForm,
    errors: &'a FormErrors,
) -> RequestPage<'a> {
    RequestPage {
        layout: Layout::new(
            "Reset your password",
            "Reset your Academy password.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        form,
        errors,
    }
}

pub async fn show_request(viewer: Viewer) -> Result<Html<String>, AppError> {
    render(&request_page(
        &viewer,
        &RequestForm::default(),
        &FormErrors::default(),
    ))
}

pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    if let Err(blocked) = from_this_network(&state, "reset", &client).await? {
        errors.add(
            "email",
            format!(
                "There have been too many requests from your network. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&request_page(&viewer, &form, &errors), blocked, now);
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(problem) => {
            errors.add("email", problem.to_string());
            return rejected(&request_page(&viewer, &form, &errors));
        }
    };
    request_reset(state.ctx(), &client.to_string(), &email).await?;
    Ok(Redirect::to(paths::forgot_password_check_email()).into_response())
}

pub async fn check_email(viewer: Viewer) -> Result<Html<String>, AppError> {
    check_email_page(
        &viewer,
        "If there is an account with the address you gave, we have sent it a link to reset your \
         password. The link expires in 1 hour.",
    )
}

/// The new password, twice: both boxes are always sent.
#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    pub password: String,
    pub confirm_password: String,
}

#[derive(Template)]
#[template(path = "sign_in/reset_password.html")]
struct ResetPage<'a> {
    layout: Layout,
    token: &'a str,
    errors: &'a FormErrors,
}

fn reset_page<'a>(viewer: &Viewer, token: &'a str, errors: &'a FormErrors) -> ResetPage<'a> {
    ResetPage {
        layout: Layout::new(
            "Choose a new password",
            "Choose a new password.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        token,
        errors,
    }
}

const EXPIRED_RESET_ADVICE: &str =
    "Password reset links work once and expire after 1 hour. Ask for a new one.";

pub async fn show_reset(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match links::usable(state.ctx(), Purpose::ResetPassword, &token).await? {
        Some(_) => {
            Ok(render(&reset_page(&viewer, &token, &FormErrors::default()))?.into_response())
        }
        None => link_problem(&viewer, LINK_EXPIRED, EXPIRED_RESET_ADVICE),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    device: KnownDevice,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let expired = || link_problem(&viewer, LINK_EXPIRED, EXPIRED_RESET_ADVICE);
    let link = match open_reset_link(state.ctx(), &token).await {
        Ok(link) => link,
        Err(ResetError::LinkExpired) => return expired(),
        Err(other) => return Err(other.into()),
    };
    let mut errors = FormErrors::default();
    check_password_pair(
        &mut errors,
        &form.password,
        &form.confirm_password,
        Some(&link.email),
        &[&link.user.full_name],
    );
    if !errors.is_empty() {
        return rejected(&reset_page(&viewer, &token, &errors));
    }
    let (ctx, nhs, client) = (state.ctx(), &state.config.nhs_domains, client.to_string());
    let done =
        match reset_password(ctx, &state.passwords, nhs, &client, &link, &form.password).await {
            Ok(done) => done,
            Err(ResetError::LinkExpired) => return expired(),
            Err(other) => return Err(other.into()),
        };
    let notice = Notice::PasswordReset.name();
    if done.disabled {
        return Ok(Redirect::to(&paths::with_notice(paths::login(), notice)).into_response());
    }
    let lifetime = SessionLifetime::from(&*state.config);
    let now = state.clock.now();
    begin_session(
        &session,
        done.user_id,
        done.session_epoch,
        false,
        lifetime,
        now,
    )
    .await?;
    let mut response = Redirect::to(&paths::with_notice(paths::account(), notice)).into_response();
    let production = state.config.is_production();
    device
        .signed_in(done.user_id)
        .set_on(&mut response, &state.keys, production);
    Ok(response)
}
