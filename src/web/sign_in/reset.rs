//! `/forgot-password` and `/reset-password/{token}`: the same answer whether or not the
//! account exists; the link opens a form and only its POST spends the token.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::register::check_email_page;
use super::verify::{LINK_EXPIRED, link_problem};
use crate::accounts::send_reset;
use crate::auth::keys::hash_token;
use crate::auth::throttle::{self, ACCOUNT_MAILS, account_key, address_key, per_address};
use crate::auth::viewer::begin_session;
use crate::auth::{ClientAddress, Viewer};
use crate::db::audit::{audit, audit_own};
use crate::db::tokens::{self, Purpose};
use crate::db::users;
use crate::domain::email::Email;
use crate::email::outbox::{Envelope, queue};
use crate::email::templates::PasswordChanged;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{FormErrors, check_password_pair, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    if let Err(blocked) =
        throttle::hit(&state, &address_key("reset", &client), per_address(&state)).await?
    {
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
    // Nothing in the answer says whether the address has an account, or whether the mail
    // limit was reached (earlier links still work). Both paths count the request.
    let within_limit = throttle::hit(
        &state,
        &account_key("reset_mail", email.as_str()),
        ACCOUNT_MAILS,
    )
    .await?
    .is_ok();
    let user = users::find_by_email(&state.db, &email)
        .await?
        .filter(|u| !u.is_disabled());
    if let (Some(user), true) = (user, within_limit) {
        let mut tx = state.db.begin().await?;
        send_reset(&mut tx, &state, user.user_id, &user.full_name, &email, now).await?;
        audit(
            &mut tx,
            None,
            Some(user.user_id),
            "password_reset_requested",
            "",
            Some(&client.to_string()),
            now,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Redirect::to("/forgot-password/check-email").into_response())
}

pub async fn check_email(viewer: Viewer) -> Result<Html<String>, AppError> {
    check_email_page(
        &viewer,
        "If there is an account with the address you gave, we have sent it a link to reset your \
         password. The link expires in 1 hour.",
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
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
    let now = state.clock.now();
    match tokens::find(&state.db, Purpose::ResetPassword, &hash_token(&token)).await? {
        Some(found) if found.is_usable(now) => {
            Ok(render(&reset_page(&viewer, &token, &FormErrors::default()))?.into_response())
        }
        _ => link_problem(&viewer, LINK_EXPIRED, EXPIRED_RESET_ADVICE),
    }
}

pub async fn reset(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let Some(found) = tokens::find(&state.db, Purpose::ResetPassword, &hash_token(&token))
        .await?
        .filter(|t| t.is_usable(now))
    else {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_RESET_ADVICE);
    };
    let user = users::find(&state.db, found.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = Email::parse(&user.email).map_err(AppError::internal)?;
    let mut errors = FormErrors::default();
    check_password_pair(
        &mut errors,
        &form.password,
        &form.confirm_password,
        Some(&email),
        &[&user.full_name],
    );
    if !errors.is_empty() {
        return rejected(&reset_page(&viewer, &token, &errors));
    }
    let password_hash = state.passwords.hash(&form.password).await?;
    let mut tx = state.db.begin().await?;
    if !tokens::spend(&mut tx, found.account_token_id, now).await? {
        return link_problem(&viewer, LINK_EXPIRED, EXPIRED_RESET_ADVICE);
    }
    tokens::spend_all(&mut tx, user.user_id, Purpose::ResetPassword, now).await?;
    users::set_password(&mut tx, user.user_id, &password_hash, now).await?;
    // Opening the link proved the mailbox.
    if !user.is_verified() && found.email == user.email {
        let (learner_type, reason) = state.config.nhs_domains.decide(&email);
        users::verify_email(
            &mut tx,
            user.user_id,
            &email,
            &user.full_name,
            learner_type,
            &reason,
            now,
        )
        .await?;
    }
    let site = state.site();
    let mail = PasswordChanged {
        name: user.full_name.clone(),
        reset_url: site.url("/forgot-password"),
    };
    let envelope = Envelope {
        to: &email,
        user_id: Some(user.user_id),
        idempotency_key: format!("password_changed:reset:{}", found.account_token_id),
    };
    queue(&mut tx, site, &envelope, &mail, now).await?;
    audit_own(
        &mut tx,
        user.user_id,
        "password_reset",
        Some(&client.to_string()),
        now,
    )
    .await?;
    tx.commit().await?;
    // The owner proved the mailbox: a lock from someone guessing their password ends, and
    // they are signed in here at once, so a guesser cannot lock them out again first.
    throttle::clear(&state, &account_key("sign_in", email.as_str())).await?;
    if user.is_disabled() {
        return Ok(
            Redirect::to(&format!("/login?notice={}", Notice::PasswordReset.name()))
                .into_response(),
        );
    }
    let remember_days = state.config.remember_me_days;
    begin_session(
        &session,
        user.user_id,
        user.session_epoch + 1,
        false,
        remember_days,
        now,
    )
    .await?;
    Ok(Redirect::to(&format!("/account?notice={}", Notice::PasswordReset.name())).into_response())
}
