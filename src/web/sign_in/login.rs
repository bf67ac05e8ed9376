//! `/login` and `/logout`: one generic message for any wrong email or password (and for
//! the right password of a disabled account), the same timing for unknown addresses,
//! refusals after repeated failures from one address, and past an account's ceiling an
//! emailed link offered instead, unless this browser has signed in to the account before.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{email_link, from_this_network};
use crate::accounts::sign_in::{Attempt, SignInError, sign_in};
use crate::auth::device::KnownDevice;
use crate::auth::viewer::{SessionLifetime, begin_session};
use crate::auth::{ClientAddress, Viewer};
use crate::domain::email::Email;
use crate::domain::redirect::safe_next;
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::NoticeQuery;
use crate::web::render;

pub const WRONG_CREDENTIALS: &str = "Your email address or password is wrong";

/// The sign-in form; the checkbox is sent only when ticked, `next` is a hidden field.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub remember_me: String,
    pub next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "sign_in/login.html")]
struct LoginPage<'a> {
    layout: Layout,
    form: &'a LoginForm,
    errors: &'a FormErrors,
}

fn page<'a>(
    viewer: &Viewer,
    form: &'a LoginForm,
    errors: &'a FormErrors,
    banner: Option<String>,
) -> LoginPage<'a> {
    LoginPage {
        layout: Layout::new(
            "Sign in",
            "Sign in to your Academy account.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty())
        .with_banner(banner),
        form,
        errors,
    }
}

pub async fn show(viewer: Viewer, Query(query): Query<LoginQuery>) -> Result<Response, AppError> {
    let next = query
        .next
        .as_deref()
        .and_then(safe_next)
        .unwrap_or("")
        .to_owned();
    if viewer.user.is_some() {
        let target = if next.is_empty() {
            paths::account()
        } else {
            &next
        };
        return Ok(Redirect::to(target).into_response());
    }
    let banner = NoticeQuery {
        notice: query.notice,
    }
    .banner();
    let form = LoginForm {
        next,
        ..LoginForm::default()
    };
    Ok(render(&page(&viewer, &form, &FormErrors::default(), banner))?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    session: Session,
    client: ClientAddress,
    device: KnownDevice,
    Form(mut form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let password = std::mem::take(&mut form.password);
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    if let Err(blocked) = from_this_network(&state, "sign_in", &client).await? {
        errors.add(
            "email",
            format!(
                "There have been too many attempts to sign in from your network. {}",
                blocked.advice(now)
            ),
        );
        return throttled(&page(&viewer, &form, &errors, None), blocked, now);
    }
    let Ok(email) = Email::parse(&form.email) else {
        errors.add(
            "email",
            "Enter your email address in the correct format, like name@example.com",
        );
        return rejected(&page(&viewer, &form, &errors, None));
    };
    let attempt = Attempt {
        client: &client.to_string(),
        email: &email,
        password: &password,
        known_accounts: &device.accounts(),
    };
    let signed_in = match sign_in(state.ctx(), &state.passwords, &attempt).await {
        Ok(signed_in) => signed_in,
        Err(SignInError::Locked(blocked)) => {
            errors.add(
                "email",
                format!(
                    "There have been too many failed attempts to sign in to this account. {}",
                    blocked.advice(now)
                ),
            );
            return throttled(&page(&viewer, &form, &errors, None), blocked, now);
        }
        Err(SignInError::WrongCredentials) => {
            errors.add("email", WRONG_CREDENTIALS);
            return rejected(&page(&viewer, &form, &errors, None));
        }
        Err(SignInError::OfferLink) => return email_link::offer(&viewer, &form.email),
        Err(other) => return Err(other.into()),
    };
    let remember = form.remember_me == "yes";
    begin_session(
        &session,
        signed_in.user_id,
        signed_in.session_epoch,
        remember,
        SessionLifetime::from(&*state.config),
        now,
    )
    .await?;
    let next = safe_next(&form.next).unwrap_or(paths::account());
    let mut response = Redirect::to(next).into_response();
    let production = state.config.is_production();
    device
        .signed_in(signed_in.user_id)
        .set_on(&mut response, &state.keys, production);
    Ok(response)
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    session.flush().await?;
    Ok(Redirect::to(paths::home()).into_response())
}
