//! `/account/email`: asking to change your address (the current password first); the new
//! one is used once its link is confirmed.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use serde::Deserialize;

use super::{CurrentPassword, current_password, saved};
use crate::accounts::email_change::{EmailChangeError, request_email_change};
use crate::auth::{ClientAddress, CurrentUser, Viewer};
use crate::domain::email::Email;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::{Form, FormErrors, rejected, throttled};
use crate::web::layout::{Layout, Section};
use crate::web::notice::Notice;
use crate::web::render;

/// Changing the email address: both boxes are always sent.
#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    pub email: String,
    pub current_password: String,
}

#[derive(Template)]
#[template(path = "your_account/email.html")]
struct EmailPage<'a> {
    layout: Layout,
    current: &'a str,
    form: &'a EmailForm,
    errors: &'a FormErrors,
}

fn email_page<'a>(
    viewer: &Viewer,
    current: &'a str,
    form: &'a EmailForm,
    errors: &'a FormErrors,
) -> EmailPage<'a> {
    EmailPage {
        layout: Layout::new(
            "Change your email address",
            "Change your email address.",
            Section::Account,
            viewer,
        )
        .with_errors(!errors.is_empty()),
        current,
        form,
        errors,
    }
}

pub async fn show_email(
    viewer: Viewer,
    CurrentUser(user): CurrentUser,
) -> Result<Html<String>, AppError> {
    let (form, errors) = (EmailForm::default(), FormErrors::default());
    render(&email_page(&viewer, &user.email, &form, &errors))
}

pub async fn change_email(
    State(state): State<AppState>,
    viewer: Viewer,
    client: ClientAddress,
    CurrentUser(user): CurrentUser,
    Form(mut form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut errors = FormErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.add("email", e.to_string()))
        .ok();
    if email.as_ref().is_some_and(|e| e.as_str() == user.email) {
        errors.add("email", "That is already your email address");
    }
    let mut blocked = None;
    match current_password(&state, &user, &form.current_password).await? {
        CurrentPassword::Right => {}
        CurrentPassword::Blocked(b) => {
            errors.add(
                "current_password",
                format!("Too many wrong passwords. {}", b.advice(now)),
            );
            blocked = Some(b);
        }
        CurrentPassword::Wrong => errors.add("current_password", "Your current password is wrong"),
    }
    form.current_password.clear();
    let page = |errors| email_page(&viewer, &user.email, &form, errors);
    if let Some(blocked) = blocked {
        return throttled(&page(&errors), blocked, now);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return rejected(&page(&errors));
    };
    match request_email_change(state.ctx(), &client.to_string(), &user, &email).await {
        Ok(()) => Ok(saved(Notice::EmailChangeSent)),
        Err(EmailChangeError::TooManyEmails) => Ok(saved(Notice::TooManyEmails)),
        Err(other) => Err(other.into()),
    }
}
